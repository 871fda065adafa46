#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace switchboard {

// One live socket as the admin feed shows it. The server fills it from its
// connection registry; the console only ever reads it.
struct ConnectionInfo
{
    QString id;
    QString userId;
    QString userName;
    QString dialect;       // phoenix, socketio, socketio-chat, workspacejson, flatjson
    QString transport;     // websocket or polling
    QString remoteAddress; // host:port
    QString userAgent;
    qint64 connectedAt = 0; // ms since epoch
    QStringList channels;   // channel ids joined
    qint64 messagesIn = 0;
    qint64 messagesOut = 0;
    qint64 bytesIn = 0;
    qint64 bytesOut = 0;
    qint64 sendQueueBytes = 0; // written by us, not yet taken by the client
    QString node;              // in a cluster: the node holding it; empty (and not sent) on a single server

    bool isValid() const { return !id.isEmpty(); }
    QJsonObject toJson() const;
    // Refuses objects without a string id; missing optional fields stay default.
    static bool fromJson(const QJsonObject &o, ConnectionInfo *out);

    bool operator==(const ConnectionInfo &o) const;
    bool operator!=(const ConnectionInfo &o) const { return !(*this == o); }
};

} // namespace switchboard
