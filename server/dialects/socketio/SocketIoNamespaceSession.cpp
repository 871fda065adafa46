#include "SocketIoNamespaceSession.h"

#include "core/ChatService.h"
#include "SocketIoCodec.h"
#include "SocketIoConnection.h"
#include "SocketIoErrors.h"
#include "EngineIoSocket.h"

#include <algorithm>

namespace switchboard {

SocketIoNamespaceSession::SocketIoNamespaceSession(const QString &dialect, const QString &nsp,
                                                   SocketIoConnection *connection, ChatService *chat)
    : Session(dialect, connection->engine()->transportName())
    , m_nsp(nsp)
    , m_connection(connection)
    , m_chat(chat)
{
}

SocketIoNamespaceSession::~SocketIoNamespaceSession() = default;

void SocketIoNamespaceSession::handleBinaryEvent(const QString &name, qint64 ackId)
{
    sendError(name,
              CoreError::invalid(QStringLiteral("attachments"),
                                 QStringLiteral("Binary attachments are not supported; upload files with "
                                                "POST /api/upload and send the reference")),
              ackId);
}

void SocketIoNamespaceSession::disconnectWithReason(const QString &reason)
{
    Q_UNUSED(reason);
    // A DISCONNECT: "io server disconnect" on the client, which then does not
    // reconnect by itself (admin kick, disabled user).
    if (m_connection) m_connection->kick(this);
}

void SocketIoNamespaceSession::closeUnauthorized(AuthLoss why, const QString &reason)
{
    Q_UNUSED(why);
    // The client cannot tell a kick from a logout by DISCONNECT alone: the error says why.
    sendError(QString(), CoreError::unauthorized(reason), -1);
    disconnectWithReason(reason);
}

void SocketIoNamespaceSession::goingAway()
{
    // Shutdown closes the transport with 1001 instead, so that clients
    // reconnect by themselves once the server is back.
    if (m_connection) m_connection->shutdown(QStringLiteral("server shutting down"));
}

qint64 SocketIoNamespaceSession::sendQueueBytes() const
{
    return m_connection && m_connection->engine() ? m_connection->engine()->queuedBytes() : 0;
}

void SocketIoNamespaceSession::sendEncoded(const QByteArray &encoded, const QString &name, const QString &channelId)
{
    if (!m_connection) return;
    noteTraffic(Direction::Out, name, channelId, encoded.size(), encoded);
    m_connection->sendRaw(encoded);
}

void SocketIoNamespaceSession::emitEvent(const QString &name, const QJsonArray &args, const QString &channelId)
{
    sendEncoded(SocketIoCodec::encode(SocketIoPacket::event(m_nsp, name, args)), name, channelId);
}

QByteArray SocketIoNamespaceSession::encodeShared(const ChatEventPtr &event, const QString &name,
                                                  const std::function<QJsonArray()> &args) const
{
    const QByteArray key = QByteArrayLiteral("socketio:") + m_nsp.toUtf8() + ':' + name.toUtf8();
    return event->encodedFor(key, [&] { return SocketIoCodec::encode(SocketIoPacket::event(m_nsp, name, args())); });
}

void SocketIoNamespaceSession::ack(qint64 ackId, const QJsonArray &args)
{
    if (ackId < 0 || !m_connection) return;
    const QByteArray encoded = SocketIoCodec::encode(SocketIoPacket::ack(m_nsp, ackId, args));
    noteTraffic(Direction::Out, QStringLiteral("ack"), QString(), encoded.size(), encoded);
    m_connection->sendRaw(encoded);
}

void SocketIoNamespaceSession::ackOk(qint64 ackId, const QJsonValue &data)
{
    if (ackId < 0) return;
    QJsonObject o{{QStringLiteral("ok"), true}};
    if (!data.isNull() && !data.isUndefined()) o.insert(QStringLiteral("data"), data);
    ack(ackId, QJsonArray{o});
}

void SocketIoNamespaceSession::sendError(const QString &event, const CoreError &error, qint64 ackId,
                                         const QString &prefix)
{
    const SocketIoErrors::Command wire = SocketIoErrors::command(m_nsp, event, error, prefix);
    emitEvent(QStringLiteral("error"), {wire.event});
    ack(ackId, QJsonArray{wire.ack});
}

bool SocketIoNamespaceSession::inRoom(const QString &channelId) const
{
    const auto it = std::lower_bound(m_rooms.cbegin(), m_rooms.cend(), channelId);
    return it != m_rooms.cend() && *it == channelId;
}

void SocketIoNamespaceSession::enterRoom(const QString &channelId)
{
    const auto it = std::lower_bound(m_rooms.cbegin(), m_rooms.cend(), channelId);
    if (it == m_rooms.cend() || *it != channelId) m_rooms.insert(it, channelId);
}

void SocketIoNamespaceSession::exitRoom(const QString &channelId)
{
    const auto it = std::lower_bound(m_rooms.cbegin(), m_rooms.cend(), channelId);
    if (it != m_rooms.cend() && *it == channelId) m_rooms.erase(it);
}

} // namespace switchboard
