#pragma once

#include "core/ResumeManager.h"
#include "SocketIoNamespaceSession.h"

#include <QHash>

namespace switchboard {

// Namespace "/chat": seed 002 (rooms, receipts, typing, presence, sync).
class ChatNamespaceSession : public SocketIoNamespaceSession
{
    Q_OBJECT
public:
    ChatNamespaceSession(SocketIoConnection *connection, ChatService *chat);

    void handleEvent(const QString &name, const QJsonArray &args, qint64 ackId) override;
    void deliver(const ChatEventPtr &event) override;

    // Seed 002: "Limit message size to 16KB or less" (content and metadata).
    static constexpr int MaxMessageBytes = 16 * 1024;

private:
    static QJsonArray roomEventArgs(const QString &userId, const QString &roomId, const QString &ts);
    using Handler = void (ChatNamespaceSession::*)(const QJsonArray &, qint64);
    static const QHash<QString, Handler> &routes();

    void joinRoom(const QJsonArray &args, qint64 ackId);
    void leaveRoom(const QJsonArray &args, qint64 ackId);
    void sendMessage(const QJsonArray &args, qint64 ackId);
    void typingIndicator(const QJsonArray &args, qint64 ackId);
    void presenceUpdate(const QJsonArray &args, qint64 ackId);
    void readReceipt(const QJsonArray &args, qint64 ackId);
    void heartbeat(const QJsonArray &args, qint64 ackId);
    void syncMessages(const QJsonArray &args, qint64 ackId);
    // syncMessages from a message of a room the socket is in: replayed from the log.
    void syncExact(const QString &roomId, const Message &last, qint64 ackId);
    void finishSync(const QString &roomId, quint64 token, const ResumeManager::Outcome &o, qint64 ackId);

    // The room id: a bare string (joinRoom/leaveRoom) as in the seed, or {roomId}.
    bool roomArg(const QString &event, const QJsonArray &args, QString *roomId, qint64 ackId);
    bool objectArg(const QString &event, const QJsonArray &args, QJsonObject *out, qint64 ackId);
    bool requireString(const QString &event, const QJsonObject &p, const QString &field, qint64 ackId);

    // An exact sync under way, per room: what its syncComplete reports.
    struct SyncProgress
    {
        quint64 token = 0;
        int messages = 0;
        QString lastMessageId;
    };
    QHash<QString, SyncProgress> m_syncing;
    quint64 m_syncTokens = 0;
};

} // namespace switchboard
