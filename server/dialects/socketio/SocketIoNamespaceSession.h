#pragma once

#include "core/Session.h"
#include "SocketIoConnection.h"
#include "EngineIoTimer.h"
#include "SocketIoPacket.h"

#include <QHash>
#include <QJsonArray>
#include <QPointer>
#include <QVarLengthArray>

namespace switchboard {

class ChatService;
struct CoreError;

// A client socket in one namespace: the core's Session for it. Subclasses
// turn events into core commands and core events into Socket.IO events.
class SocketIoNamespaceSession : public Session
{
    Q_OBJECT
public:
    SocketIoNamespaceSession(const QString &dialect, const QString &nsp, SocketIoConnection *connection,
                             ChatService *chat);
    ~SocketIoNamespaceSession() override;

    const QString &nsp() const { return m_nsp; }

    // Connection state recovery (SocketIoRecovery): the private session id the
    // CONNECT answer carries, and the rooms with the log position each was
    // entered at, persisted on every change so they outlive the server.
    const QString &pid() const { return m_pid; }
    // saved: a row for the pid exists (a recovered session's).
    void setPid(const QString &pid, qint64 lastOffset, bool saved);
    QHash<QString, qint64> roomPositions() const;
    void restoreRoom(const QString &channelId, qint64 joinedAtGid);
    void persistRecovery();
    // Ends recovery: the client left on purpose (DISCONNECT) or was kicked.
    void forgetRecovery();

    // After the CONNECT reply went out.
    virtual void onConnected() {}
    virtual void handleEvent(const QString &name, const QJsonArray &args, qint64 ackId) = 0;
    // A BINARY_EVENT whose attachments have all arrived: refused, see README.
    void handleBinaryEvent(const QString &name, qint64 ackId);
    // Reports a failed command in the namespace's own error shape (an `error`
    // event, and the ack when the client asked for one), made by SocketIoErrors.
    // prefix goes before the message (seed 001's "Failed to send message").
    void sendError(const QString &event, const CoreError &error, qint64 ackId, const QString &prefix = QString());

    void disconnectWithReason(const QString &reason) override;
    // An `error` event {code: "unauthorized"} in the namespace's shape, then DISCONNECT.
    void closeUnauthorized(AuthLoss why, const QString &reason) override;
    void goingAway() override;
    qint64 sendQueueBytes() const override;

protected:
    void emitEvent(const QString &name, const QJsonArray &args = {}, const QString &channelId = QString());
    // Sends an already encoded packet (shared by every session of a broadcast).
    void sendEncoded(const QByteArray &encoded, const QString &name, const QString &channelId);
    // The encoded EVENT for a broadcast, cached on the event per namespace and
    // name. A logged event (gid > 0) gets its log position as the offset, the
    // last argument, as a string (the official client keeps it for recovery).
    QByteArray encodeShared(const ChatEventPtr &event, const QString &name, const std::function<QJsonArray()> &args);
    void ack(qint64 ackId, const QJsonArray &args);
    // Acknowledges a command that worked: {ok:true, data}. Failures go through sendError().
    void ackOk(qint64 ackId, const QJsonValue &data = QJsonValue());

    ChatService *chat() const { return m_chat; }
    SocketIoConnection *connection() const { return m_connection; }
    bool inRoom(const QString &channelId) const;
    // joinedAtGid: the log position before the subscription (see roomPositions()).
    void enterRoom(const QString &channelId, qint64 joinedAtGid);
    void exitRoom(const QString &channelId);

private:
    QString m_nsp;
    QPointer<SocketIoConnection> m_connection;
    ChatService *m_chat;
    // Sorted, for binary search on every delivery; the first room inline. A
    // QSet would allocate ~1.3 KB of spans for the one room an idle client has.
    QVarLengthArray<QString, 1> m_rooms;
    QVarLengthArray<qint64, 1> m_joinedAt; // parallel to m_rooms
    QString m_pid;
    qint64 m_lastOffset = 0; // the last offset sent (0: none yet)
    bool m_saved = false;    // the pid has a row (it has rooms)
    // Keeps the persisted state younger than the recovery window while connected,
    // so that it is still good after the server was killed.
    EngineIoTimer m_refresh;
};

} // namespace switchboard
