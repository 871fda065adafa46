#pragma once

#include <QHash>
#include <QString>

// Process-wide counters for /metrics and the admin feed. Single-threaded:
// touched only from the main thread, like the rest of the core.
class Metrics
{
public:
    static Metrics &instance();

    quint64 messagesIn = 0;     // frames/events received from clients
    quint64 messagesOut = 0;    // frames/events sent to clients
    quint64 bytesIn = 0;
    quint64 bytesOut = 0;
    quint64 deliveries = 0;     // core events handed to sessions
    quint64 eventsPublished = 0;
    quint64 messagesPosted = 0; // chat messages committed
    quint64 errors = 0;         // errors sent to clients
    quint64 httpRequests = 0;
    quint64 connectionsOpened = 0;
    QHash<QString, int> connectionsByDialect;
    // Event-loop lag (LoopLagProbe): how late a 25 ms timer fired, worst case
    // and how often by more than 10 / 50 / 100 ms. A stall here delays every client.
    double loopLagMaxMs = 0;
    quint64 loopLagOver10ms = 0, loopLagOver50ms = 0, loopLagOver100ms = 0;
};
