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
};
