#pragma once

#include "SocketIoNamespaceSession.h"

#include <QHash>
#include <QJsonObject>

namespace switchboard {

// Namespace "/": seed 001 (channels and direct messages), event by event.
class DefaultNamespaceSession : public SocketIoNamespaceSession
{
    Q_OBJECT
public:
    DefaultNamespaceSession(SocketIoConnection *connection, ChatService *chat);

    void onConnected() override;
    void handleEvent(const QString &name, const QJsonArray &args, qint64 ackId) override;
    void deliver(const ChatEventPtr &event) override;

private:
    // Mumble style: one table from event name to handler.
    using Handler = void (DefaultNamespaceSession::*)(const QJsonObject &, qint64, bool direct);
    struct Route
    {
        Handler handler;
        bool direct;
    };
    static const QHash<QString, Route> &routes();

    void joinRoom(const QJsonObject &p, qint64 ackId, bool direct);
    void leaveRoom(const QJsonObject &p, qint64 ackId, bool direct);
    void sendMessage(const QJsonObject &p, qint64 ackId, bool direct);
    void editMessage(const QJsonObject &p, qint64 ackId, bool direct);
    void deleteMessage(const QJsonObject &p, qint64 ackId, bool direct);
    void forwardMessage(const QJsonObject &p, qint64 ackId, bool direct);
    void addReaction(const QJsonObject &p, qint64 ackId, bool direct);
    void removeReaction(const QJsonObject &p, qint64 ackId, bool direct);

    // The room id field of an event: channelId or conversationId.
    static QString roomField(bool direct);
    // Reads required string fields; reports the first missing one.
    bool require(const QString &event, const QJsonObject &p, const QStringList &fields, qint64 ackId);
    // Checks that a message lives in the room the client named.
    bool messageInRoom(const QString &event, const QString &messageId, const QString &roomId, bool direct,
                       const QString &failure, qint64 ackId);
    void fail(const QString &event, const QString &prefix, const CoreError &error, qint64 ackId);
    QJsonObject messageJson(const Message &m, bool direct, const Message &replyTo) const;
    QJsonObject forwardedJson(const ChatEvent &e, bool direct) const;
};

} // namespace switchboard
