#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace switchboard {

// One Socket.IO v5 packet (socket.io-protocol, "Packet format"). `data` is Undefined when the
// packet carries no JSON; `id` is -1 when there is no ack id.
struct SocketIoPacket
{
    enum Type { Connect = 0, Disconnect = 1, Event = 2, Ack = 3, ConnectError = 4, BinaryEvent = 5, BinaryAck = 6 };

    Type type = Event;
    QString nsp = QStringLiteral("/");
    qint64 id = -1;
    int attachments = 0;
    QJsonValue data = QJsonValue(QJsonValue::Undefined);

    bool hasId() const { return id >= 0; }
    bool isBinary() const { return type == BinaryEvent || type == BinaryAck; }
    // For EVENT packets: the event name and the arguments after it.
    QString eventName() const { return data.toArray().at(0).toString(); }
    QJsonArray eventArgs() const
    {
        QJsonArray a = data.toArray();
        if (!a.isEmpty()) a.removeFirst();
        return a;
    }

    // pid: the private id of a recoverable session (connection state recovery).
    static SocketIoPacket connect(const QString &nsp, const QString &sid, const QString &pid = QString())
    {
        QJsonObject o{{QStringLiteral("sid"), sid}};
        if (!pid.isEmpty()) o.insert(QStringLiteral("pid"), pid);
        return {Connect, nsp, -1, 0, o};
    }
    static SocketIoPacket connectError(const QString &nsp, const QString &message,
                                       const QJsonValue &extra = QJsonValue(QJsonValue::Undefined))
    {
        QJsonObject o{{QStringLiteral("message"), message}};
        if (!extra.isUndefined()) o.insert(QStringLiteral("data"), extra);
        return {ConnectError, nsp, -1, 0, o};
    }
    static SocketIoPacket disconnect(const QString &nsp)
    {
        return {Disconnect, nsp, -1, 0, QJsonValue(QJsonValue::Undefined)};
    }
    static SocketIoPacket event(const QString &nsp, const QString &name, const QJsonArray &args = {}, qint64 ackId = -1)
    {
        QJsonArray a{name};
        for (const QJsonValue &v : args) a.append(v);
        return {Event, nsp, ackId, 0, a};
    }
    static SocketIoPacket ack(const QString &nsp, qint64 ackId, const QJsonArray &args = {})
    {
        return {Ack, nsp, ackId, 0, args};
    }

    bool operator==(const SocketIoPacket &o) const
    {
        return type == o.type && nsp == o.nsp && id == o.id && attachments == o.attachments && data == o.data;
    }
    bool operator!=(const SocketIoPacket &o) const { return !(*this == o); }
};

} // namespace switchboard
