#include "SocketIoNamespaceSession.h"

#include "core/ChatService.h"
#include "SocketIoCodec.h"
#include "SocketIoConnection.h"
#include "SocketIoErrors.h"
#include "SocketIoRecovery.h"
#include "EngineIoSocket.h"
#include "core/ResumeManager.h"

#include <algorithm>

namespace switchboard {

SocketIoNamespaceSession::SocketIoNamespaceSession(const QString &dialect, const QString &nsp,
                                                   SocketIoConnection *connection, ChatService *chat)
    : Session(dialect, connection->engine()->transportName())
    , m_nsp(nsp)
    , m_connection(connection)
    , m_chat(chat)
    , m_refresh(connection->engine()->timers(), [this] {
        persistRecovery();
        m_refresh.start(SocketIoRecovery::WindowMs / 2);
    })
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
    // The official client keeps ANY string last argument as its offset (joinedRoom
    // sends a bare room id): such an event repeats the last real offset instead.
    if (!m_pid.isEmpty() && !args.isEmpty() && args.last().isString()) {
        QJsonArray withOffset = args;
        withOffset.append(m_lastOffset > 0 ? QString::number(m_lastOffset) : QString());
        sendEncoded(SocketIoCodec::encode(SocketIoPacket::event(m_nsp, name, withOffset)), name, channelId);
        return;
    }
    sendEncoded(SocketIoCodec::encode(SocketIoPacket::event(m_nsp, name, args)), name, channelId);
}

QByteArray SocketIoNamespaceSession::encodeShared(const ChatEventPtr &event, const QString &name,
                                                  const std::function<QJsonArray()> &args)
{
    const bool offset = event->gid > 0 && !m_pid.isEmpty();
    if (offset) m_lastOffset = event->gid;
    const QByteArray key = QByteArrayLiteral("socketio:") + m_nsp.toUtf8() + ':' + name.toUtf8() + (offset ? ":o" : "");
    return event->encodedFor(key, [&] {
        QJsonArray a = args();
        if (offset) a.append(QString::number(event->gid));
        return SocketIoCodec::encode(SocketIoPacket::event(m_nsp, name, a));
    });
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

void SocketIoNamespaceSession::restoreRoom(const QString &channelId, qint64 joinedAtGid)
{
    const auto it = std::lower_bound(m_rooms.cbegin(), m_rooms.cend(), channelId);
    if (it != m_rooms.cend() && *it == channelId) return;
    const qsizetype i = it - m_rooms.cbegin();
    m_rooms.insert(i, channelId);
    m_joinedAt.insert(i, joinedAtGid);
}

void SocketIoNamespaceSession::enterRoom(const QString &channelId, qint64 joinedAtGid)
{
    if (inRoom(channelId)) return;
    restoreRoom(channelId, joinedAtGid);
    persistRecovery();
}

void SocketIoNamespaceSession::exitRoom(const QString &channelId)
{
    const auto it = std::lower_bound(m_rooms.cbegin(), m_rooms.cend(), channelId);
    if (it == m_rooms.cend() || *it != channelId) return;
    const qsizetype i = it - m_rooms.cbegin();
    m_rooms.remove(i);
    m_joinedAt.remove(i);
    persistRecovery();
}

QHash<QString, qint64> SocketIoNamespaceSession::roomPositions() const
{
    QHash<QString, qint64> out;
    for (qsizetype i = 0; i < m_rooms.size(); ++i) out.insert(m_rooms.at(i), m_joinedAt.at(i));
    return out;
}

void SocketIoNamespaceSession::setPid(const QString &pid, qint64 lastOffset, bool saved)
{
    m_pid = pid;
    m_saved = saved;
    m_lastOffset = lastOffset;
    persistRecovery();
}

void SocketIoNamespaceSession::persistRecovery()
{
    if (m_pid.isEmpty() || !m_chat) return;
    // Without a room there is nothing to recover: no row, no refresh (a storm
    // of connections costs no writes until they join).
    if (m_rooms.isEmpty()) {
        if (m_saved) m_chat->resume()->dropSession(m_pid);
        m_saved = false;
        m_refresh.stop();
        return;
    }
    m_chat->resume()->saveSession(m_pid, userId(), SocketIoRecovery::scope(m_nsp),
                                  SocketIoRecovery::encodeState(roomPositions()));
    m_saved = true;
    m_refresh.start(SocketIoRecovery::WindowMs / 2);
}

void SocketIoNamespaceSession::forgetRecovery()
{
    m_refresh.stop();
    if (m_pid.isEmpty() || !m_chat) return;
    if (m_saved) m_chat->resume()->dropSession(m_pid);
    m_saved = false;
    m_pid.clear();
}

} // namespace switchboard
