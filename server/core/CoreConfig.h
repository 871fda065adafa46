#pragma once

#include <QByteArray>
#include <QList>
#include <QtGlobal>

namespace switchboard {

// Limits and timings of the chat core; every one has a config key (ServerConfig).
// Rate limits default to seed 000's figures; 0 disables a limit.
struct CoreConfig
{
    int maxMessageBytes = 16 * 1024;      // content size (seed 002: 16 KiB)
    int messagesPerMinutePerChannel = 60; // per user, per channel
    int joinsPerMinute = 30;              // per user
    int typingPerMinutePerChannel = 10;   // per user, per channel (start events only)
    int connectionsPerUser = 100;
    qint64 editWindowSeconds = 0; // 0: messages may be edited forever
    int typingTimeoutMs = 5000;
    qint64 tokenTtlSeconds = 7 * 24 * 3600;
    // Keys that signed tokens before the current secret: still accepted, never used to sign.
    QList<QByteArray> previousJwtSecrets;
    int historyPageSize = 50;
    bool fastPasswordHashing = false; // argon2id at its minimum cost (tests, benchmarks)
    // Ephemeral traffic (presence, typing, room participation) never runs ahead
    // of messages: it is coalesced over a window and published under a budget.
    int presenceWindowMs = 500; // changes within a window coalesce; the latest state counts
    // Per loop pass, for building ephemeral frames and again for sending them;
    // the rest waits for the next pass. 4 ms each gave the room a p99 of
    // 36-45 ms while 19,000 users connected, 1 ms 23-29 ms (docs/benchmarks-scale.md).
    int ephemeralBudgetMs = 1;
    // A typing start still waiting in the lane after this long is dropped: under
    // overload a late "is typing" is worth less than the messages it would delay
    // (clients show one for about typingTimeoutMs); its stop is then not sent either.
    int typingMaxWaitMs = 1000;
    // Who hears a presence change: the user's workspaces up to this many members
    // (seed 002/003 promise workspace-wide presence; beyond it only channels tell)...
    int presenceWorkspaceLimit = 500;
    // ...and the user's channels up to this many members (seed 004: "relevant
    // channels"). Larger rooms answer who is online on request, as Slack does, and
    // are not told read receipts (the reader's own connections still are).
    int presenceChannelLimit = 500;
    // The event log behind resume keeps this many events per channel, for this
    // long; a client that returns from further back is told "not recovered".
    int resumeRetentionEvents = 1000;
    qint64 resumeRetentionSeconds = 24 * 3600;
};

} // namespace switchboard
