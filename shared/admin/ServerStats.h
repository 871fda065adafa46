#pragma once

#include <QJsonObject>
#include <QMap>
#include <QString>

namespace switchboard {

// Server-wide counters and the rates derived from them over the last
// sampling interval. Totals are since the server started.
struct ServerStats
{
    qint64 time = 0; // when sampled, ms since epoch
    qint64 startedAt = 0;
    QMap<QString, int> connectionsByDialect;
    int channels = 0;
    int adminConsoles = 0;
    qint64 messagesIn = 0;    // chat commands accepted from clients
    qint64 deliveriesOut = 0; // events written to client sockets
    qint64 errors = 0;        // error replies and protocol faults
    double messagesInPerSec = 0;
    double deliveriesOutPerSec = 0;
    double errorsPerSec = 0;
    double storageLatencyMs = 0; // mean write latency over the interval
    double storageLatencyMaxMs = 0;
    qint64 trafficDropped = 0; // traffic events this console did not get

    int totalConnections() const;
    QJsonObject toJson() const;
    static ServerStats fromJson(const QJsonObject &o);

    bool operator==(const ServerStats &o) const;
    bool operator!=(const ServerStats &o) const { return !(*this == o); }
};

} // namespace switchboard
