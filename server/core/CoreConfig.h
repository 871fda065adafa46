#pragma once

#include <QtGlobal>

// Limits and timings of the chat core; every one has a config key (ServerConfig).
// Rate limits default to seed 000's figures; 0 disables a limit.
struct CoreConfig
{
    int maxMessageBytes = 16 * 1024;        // content size (seed 002: 16 KiB)
    int messagesPerMinutePerChannel = 60;   // per user, per channel
    int joinsPerMinute = 30;                // per user
    int typingPerMinutePerChannel = 10;     // per user, per channel (start events only)
    int connectionsPerUser = 100;
    qint64 editWindowSeconds = 0;           // 0: messages may be edited forever
    int typingTimeoutMs = 5000;
    qint64 tokenTtlSeconds = 7 * 24 * 3600;
    int historyPageSize = 50;
    bool fastPasswordHashing = false;       // argon2id at its minimum cost (tests, benchmarks)
};
