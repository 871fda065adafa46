#include "ChatNamespaceSession.h"

#include "ChatNamespaceJson.h"
#include "core/ChatService.h"
#include "core/EventOutlet.h"
#include "core/ResumeManager.h"
#include "Timestamp.h"

#include <QJsonDocument>

namespace switchboard {

namespace {
const QString kDialect = QStringLiteral("socketio-chat");

// Every logged channel event carries the channel's sequence number.
QJsonObject withSeq(QJsonObject o, const ChatEvent &e)
{
    if (e.seq > 0) o.insert(QStringLiteral("seq"), e.seq);
    return o;
}
} // namespace

ChatNamespaceSession::ChatNamespaceSession(SocketIoConnection *connection, ChatService *chat)
    : SocketIoNamespaceSession(kDialect, QStringLiteral("/chat"), connection, chat)
{
}

const QHash<QString, ChatNamespaceSession::Handler> &ChatNamespaceSession::routes()
{
    using S = ChatNamespaceSession;
    static const QHash<QString, Handler> table = {
        {QStringLiteral("joinRoom"), &S::joinRoom},
        {QStringLiteral("leaveRoom"), &S::leaveRoom},
        {QStringLiteral("sendMessage"), &S::sendMessage},
        {QStringLiteral("typingIndicator"), &S::typingIndicator},
        {QStringLiteral("presenceUpdate"), &S::presenceUpdate},
        {QStringLiteral("readReceipt"), &S::readReceipt},
        {QStringLiteral("heartbeat"), &S::heartbeat},
        {QStringLiteral("syncMessages"), &S::syncMessages},
    };
    return table;
}

void ChatNamespaceSession::handleEvent(const QString &name, const QJsonArray &args, qint64 ackId)
{
    const auto it = routes().constFind(name);
    if (it == routes().constEnd()) {
        sendError(name, CoreError::invalid(QStringLiteral("event"), QStringLiteral("Unknown event: %1").arg(name)),
                  ackId);
        return;
    }
    (this->*(it.value()))(args, ackId);
}

bool ChatNamespaceSession::roomArg(const QString &event, const QJsonArray &args, QString *roomId, qint64 ackId)
{
    const QJsonValue v = args.at(0);
    *roomId = v.isObject() ? v.toObject().value(QLatin1String("roomId")).toString() : v.toString();
    if (roomId->isEmpty()) {
        sendError(event, CoreError::invalid(QStringLiteral("roomId"), QStringLiteral("roomId is required")), ackId);
        return false;
    }
    return true;
}

bool ChatNamespaceSession::objectArg(const QString &event, const QJsonArray &args, QJsonObject *out, qint64 ackId)
{
    if (!args.at(0).isObject()) {
        sendError(event,
                  CoreError::invalid(QStringLiteral("payload"), QStringLiteral("%1 expects an object").arg(event)),
                  ackId);
        return false;
    }
    *out = args.at(0).toObject();
    return true;
}

bool ChatNamespaceSession::requireString(const QString &event, const QJsonObject &p, const QString &field, qint64 ackId)
{
    const QJsonValue v = p.value(field);
    if (!v.isString() || v.toString().isEmpty()) {
        sendError(event, CoreError::invalid(field, QStringLiteral("%1 is required").arg(field)), ackId);
        return false;
    }
    return true;
}

void ChatNamespaceSession::joinRoom(const QJsonArray &args, qint64 ackId)
{
    const QString event = QStringLiteral("joinRoom");
    QString roomId;
    if (!roomArg(event, args, &roomId, ackId)) return;
    const Result<Channel> ch = chat()->readableChannel(userId(), roomId);
    if (!ch.ok()) {
        sendError(event,
                  ch.error.code == CoreError::AccessDenied
                      ? CoreError::accessDenied(QStringLiteral("Access denied to room"))
                      : ch.error,
                  ackId);
        return;
    }
    // Where the log stood before the subscription: recovery replays this room from there.
    const qint64 joinedAt = chat()->outlet()->publishedGid();
    // The core's join policy (one rate limit, the subscription, membership of a
    // public room: what others see as userJoinedRoom).
    chat()->enterChannel(this, roomId, this, [this, event, roomId, ackId, joinedAt](const Result<Channel> &r) {
        if (!r.ok()) {
            sendError(event,
                      r.error.code == CoreError::AccessDenied
                          ? CoreError::accessDenied(QStringLiteral("Access denied to room"))
                          : r.error,
                      ackId);
            return;
        }
        enterRoom(roomId, joinedAt);
        emitEvent(QStringLiteral("joinedRoom"), {roomId}, roomId);
        ackOk(ackId,
              QJsonObject{{QStringLiteral("roomId"), roomId}, {QStringLiteral("seq"), chat()->channelSeq(roomId)}});
    });
}

void ChatNamespaceSession::leaveRoom(const QJsonArray &args, qint64 ackId)
{
    QString roomId;
    if (!roomArg(QStringLiteral("leaveRoom"), args, &roomId, ackId)) return;
    chat()->unsubscribe(this, roomId);
    exitRoom(roomId);
    emitEvent(QStringLiteral("leftRoom"), {roomId}, roomId);
    ackOk(ackId, QJsonObject{{QStringLiteral("roomId"), roomId}});
}

void ChatNamespaceSession::sendMessage(const QJsonArray &args, qint64 ackId)
{
    const QString event = QStringLiteral("sendMessage");
    QJsonObject p;
    if (!objectArg(event, args, &p, ackId) || !requireString(event, p, QStringLiteral("roomId"), ackId)) return;
    const QJsonValue content = p.value(QLatin1String("content"));
    const QJsonValue attachment = p.value(QLatin1String("attachment"));
    const QJsonValue metadata = p.value(QLatin1String("metadata"));
    const QJsonValue replyTo = p.value(QLatin1String("replyToId"));
    if (!content.isString()) {
        sendError(event, CoreError::invalid(QStringLiteral("content"), QStringLiteral("content must be a string")),
                  ackId);
        return;
    }
    if (!replyTo.isUndefined() && !replyTo.isNull() && !replyTo.isString()) {
        sendError(event, CoreError::invalid(QStringLiteral("replyToId"), QStringLiteral("replyToId must be a string")),
                  ackId);
        return;
    }
    if (!attachment.isUndefined() && !attachment.isNull() && !attachment.isObject()) {
        sendError(event,
                  CoreError::invalid(QStringLiteral("attachment"), QStringLiteral("attachment must be an object")),
                  ackId);
        return;
    }
    if (!metadata.isUndefined() && !metadata.isNull() && !metadata.isObject()) {
        sendError(event, CoreError::invalid(QStringLiteral("metadata"), QStringLiteral("metadata must be an object")),
                  ackId);
        return;
    }
    // The whole message (content, attachment, metadata) counts toward the 16 KiB.
    const qsizetype bytes =
        content.toString().toUtf8().size()
        + (attachment.isObject() ? QJsonDocument(attachment.toObject()).toJson(QJsonDocument::Compact).size() : 0)
        + (metadata.isObject() ? QJsonDocument(metadata.toObject()).toJson(QJsonDocument::Compact).size() : 0);
    if (bytes > MaxMessageBytes) {
        sendError(event, CoreError::tooLarge(QStringLiteral("Message exceeds the 16KB limit")), ackId);
        return;
    }
    ChatService::PostMessage cmd;
    cmd.channelId = p.value(QLatin1String("roomId")).toString();
    cmd.content = content.toString();
    cmd.replyToId = replyTo.toString();
    cmd.metadata = metadata.toObject();
    if (attachment.isObject()) cmd.attachments.append(ChatNamespaceJson::attachmentFromJson(attachment.toObject()));
    chat()->postMessage(
        userId(), cmd, this,
        [this, event, ackId](const Result<Message> &r) {
        if (!r.ok()) {
            sendError(event,
                      r.error.code == CoreError::AccessDenied
                          ? CoreError::accessDenied(QStringLiteral("Access denied to room"))
                          : r.error,
                      ackId);
            return;
        }
        const QJsonObject receipt = ChatNamespaceJson::receipt(r.value);
        emitEvent(QStringLiteral("messageSent"), {receipt}, r.value.channelId);
        ackOk(ackId, receipt);
        },
        id());
}

void ChatNamespaceSession::typingIndicator(const QJsonArray &args, qint64 ackId)
{
    const QString event = QStringLiteral("typingIndicator");
    QJsonObject p;
    if (!objectArg(event, args, &p, ackId) || !requireString(event, p, QStringLiteral("roomId"), ackId)) return;
    const QJsonValue typing = p.value(QLatin1String("isTyping"));
    if (!typing.isBool()) {
        sendError(event, CoreError::invalid(QStringLiteral("isTyping"), QStringLiteral("isTyping must be a boolean")),
                  ackId);
        return;
    }
    const CoreError e = chat()->setTyping(this, p.value(QLatin1String("roomId")).toString(), typing.toBool());
    if (e) {
        sendError(event, e, ackId);
        return;
    }
    ackOk(ackId);
}

void ChatNamespaceSession::presenceUpdate(const QJsonArray &args, qint64 ackId)
{
    const QString event = QStringLiteral("presenceUpdate");
    QJsonObject p;
    if (!objectArg(event, args, &p, ackId) || !requireString(event, p, QStringLiteral("status"), ackId)) return;
    QString status = p.value(QLatin1String("status")).toString();
    // Seed 002 lists "offline" among the settable states; while connected the
    // core keeps such a user visible, so offline is shown as "away" (README).
    if (status == QLatin1String("offline")) status = QStringLiteral("away");
    const CoreError e = chat()->setPresence(userId(), status);
    if (e) {
        sendError(event, e, ackId);
        return;
    }
    ackOk(ackId, QJsonObject{{QStringLiteral("status"), status}});
}

void ChatNamespaceSession::readReceipt(const QJsonArray &args, qint64 ackId)
{
    const QString event = QStringLiteral("readReceipt");
    QJsonObject p;
    if (!objectArg(event, args, &p, ackId) || !requireString(event, p, QStringLiteral("messageId"), ackId)) return;
    const QString messageId = p.value(QLatin1String("messageId")).toString();
    const QString roomId = p.value(QLatin1String("roomId")).toString();
    if (!roomId.isEmpty()) {
        const Result<Message> m = chat()->message(userId(), messageId);
        if (!m.ok() || m.value.channelId != roomId) {
            sendError(event, m.ok() ? CoreError::notFound(QStringLiteral("message not found in this room")) : m.error,
                      ackId);
            return;
        }
    }
    chat()->markRead(userId(), messageId, this, [this, event, ackId](const Result<Message> &r) {
        if (!r.ok()) {
            sendError(event, r.error, ackId);
            return;
        }
        ackOk(ackId,
              QJsonObject{{QStringLiteral("messageId"), r.value.id}, {QStringLiteral("roomId"), r.value.channelId}});
    });
}

void ChatNamespaceSession::heartbeat(const QJsonArray &args, qint64 ackId)
{
    Q_UNUSED(args);
    // Engine.IO pings already keep the connection alive; the ack lets a client
    // measure the round trip.
    ackOk(ackId, QJsonObject{{QStringLiteral("timestamp"), Timestamp::nowIso()}});
}

void ChatNamespaceSession::syncMessages(const QJsonArray &args, qint64 ackId)
{
    const QString event = QStringLiteral("syncMessages");
    QJsonObject p;
    if (!objectArg(event, args, &p, ackId) || !requireString(event, p, QStringLiteral("roomId"), ackId)) return;
    const QString roomId = p.value(QLatin1String("roomId")).toString();
    const QJsonValue last = p.value(QLatin1String("lastMessageId"));
    const QJsonValue limitValue = p.value(QLatin1String("limit"));
    if (!last.isUndefined() && !last.isNull() && !last.isString()) {
        sendError(event,
                  CoreError::invalid(QStringLiteral("lastMessageId"), QStringLiteral("lastMessageId must be a string")),
                  ackId);
        return;
    }
    int limit = 50;
    if (!limitValue.isUndefined() && !limitValue.isNull()) {
        const double l = limitValue.toDouble(-1);
        if (!limitValue.isDouble() || l < 1 || l > 500 || l != double(int(l))) {
            sendError(event,
                      CoreError::invalid(QStringLiteral("limit"),
                                         QStringLiteral("limit must be an integer from 1 to 500")),
                      ackId);
            return;
        }
        limit = int(l);
    }
    // In the room and from a message of it: an exact replay of the log after
    // that message (new messages, edits, deletions), in the namespace's events.
    if (!last.toString().isEmpty() && inRoom(roomId)) {
        const Result<Message> m = chat()->message(userId(), last.toString());
        // The seed's limit counts messages, a replay events: with an explicit
        // limit the replay is taken only when every missed event fits in it.
        const bool fits = limitValue.isUndefined() || limitValue.isNull()
                       || chat()->channelSeq(roomId) - m.value.seq <= limit;
        if (m.ok() && m.value.channelId == roomId && m.value.seq > 0 && fits) return syncExact(roomId, m.value, ackId);
    }
    const Result<QList<Message>> r = chat()->messagesSince(userId(), roomId, last.toString(), limit);
    if (!r.ok()) {
        sendError(event,
                  r.error.code == CoreError::AccessDenied
                      ? CoreError::accessDenied(QStringLiteral("Access denied to room"))
                      : r.error,
                  ackId);
        return;
    }
    int synced = 0;
    for (const Message &m : r.value) {
        if (m.isDeleted()) continue;
        emitEvent(QStringLiteral("newMessage"), {ChatNamespaceJson::message(m)}, roomId);
        ++synced;
    }
    QJsonObject complete{{QStringLiteral("roomId"), roomId},
                         {QStringLiteral("syncedMessageCount"), synced},
                         {QStringLiteral("hasMore"), r.value.size() >= limit}};
    if (!r.value.isEmpty()) complete.insert(QStringLiteral("lastMessageId"), r.value.last().id);
    emitEvent(QStringLiteral("syncComplete"), {complete}, roomId);
    ackOk(ackId, complete);
}

void ChatNamespaceSession::syncExact(const QString &roomId, const Message &last, qint64 ackId)
{
    const QString event = QStringLiteral("syncMessages");
    if (m_syncing.contains(roomId)) {
        sendError(event, CoreError::conflict(QStringLiteral("a sync of this room is under way")), ackId);
        return;
    }
    const quint64 token = ++m_syncTokens;
    m_syncing.insert(roomId, SyncProgress{token, 0, last.id});
    QPointer<ChatNamespaceSession> self(this);
    const Result<ResumeManager::Outcome> r = chat()->resume()->resumeChannel(this, roomId, last.seq, -1,
                                                                             [self, roomId, ackId,
                                                                              token](const ResumeManager::Outcome &o) {
        if (self) self->finishSync(roomId, token, o, ackId);
    });
    if (!r.ok()) {
        m_syncing.remove(roomId);
        sendError(event, r.error, ackId);
        return;
    }
    if (r.value.recovered) return; // syncComplete follows the replayed events (finishSync)
    // Beyond retention: nothing is replayed, the client reloads the room's history.
    m_syncing.remove(roomId);
    const QJsonObject complete{{QStringLiteral("roomId"), roomId},         {QStringLiteral("syncedMessageCount"), 0},
                               {QStringLiteral("hasMore"), true},          {QStringLiteral("recovered"), false},
                               {QStringLiteral("reason"), r.value.reason}, {QStringLiteral("seq"), r.value.seq}};
    emitEvent(QStringLiteral("syncComplete"), {complete}, roomId);
    ackOk(ackId, complete);
}

void ChatNamespaceSession::finishSync(const QString &roomId, quint64 token, const ResumeManager::Outcome &o,
                                      qint64 ackId)
{
    const auto it = m_syncing.constFind(roomId);
    if (it == m_syncing.cend() || it->token != token) return;
    const SyncProgress p = *it;
    m_syncing.remove(roomId);
    QJsonObject complete{{QStringLiteral("roomId"), roomId},
                         {QStringLiteral("syncedMessageCount"), p.messages},
                         {QStringLiteral("hasMore"), false},
                         {QStringLiteral("recovered"), o.recovered},
                         {QStringLiteral("seq"), o.seq}};
    if (!p.lastMessageId.isEmpty()) complete.insert(QStringLiteral("lastMessageId"), p.lastMessageId);
    emitEvent(QStringLiteral("syncComplete"), {complete}, roomId);
    ackOk(ackId, complete);
}

QJsonArray ChatNamespaceSession::roomEventArgs(const QString &userId, const QString &roomId, const QString &ts)
{
    return QJsonArray{QJsonObject{{QStringLiteral("userId"), userId},
                                  {QStringLiteral("roomId"), roomId},
                                  {QStringLiteral("timestamp"), ts}}};
}

void ChatNamespaceSession::deliver(const ChatEventPtr &event)
{
    const ChatEvent &e = *event;
    const QString roomId = e.channel.id;
    const QString ts = Timestamp::toIso(e.at ? e.at : Timestamp::nowMs());
    switch (e.type) {
    case ChatEvent::Type::PresenceChanged: {
        if (e.actor.id == userId()) return;
        const QString name = QStringLiteral("presenceUpdate");
        sendEncoded(encodeShared(
                        event, name,
                        [&] {
            return QJsonArray{QJsonObject{{QStringLiteral("userId"), e.actor.id},
                                          {QStringLiteral("status"), e.status},
                                          {QStringLiteral("timestamp"), ts}}};
                        }),
                    name, QString());
        return;
    }
    default: break;
    }
    // Everything else is about one room; only sockets in it hear about it.
    if (roomId.isEmpty() || !inRoom(roomId)) return;
    switch (e.type) {
    case ChatEvent::Type::MessageCreated: {
        const QString name = QStringLiteral("newMessage");
        sendEncoded(encodeShared(event, name,
                                 [&] { return QJsonArray{withSeq(ChatNamespaceJson::message(e.message), e)}; }),
                    name, roomId);
        if (e.replayed && m_syncing.contains(roomId)) {
            SyncProgress &p = m_syncing[roomId];
            ++p.messages;
            p.lastMessageId = e.message.id;
        }
        break;
    }
    case ChatEvent::Type::MessageUpdated: {
        const QString name = QStringLiteral("messageUpdated");
        sendEncoded(encodeShared(
                        event, name,
                        [&] {
            QJsonObject o = ChatNamespaceJson::message(e.message);
            o.insert(QStringLiteral("editedAt"), Timestamp::toIso(e.message.updatedAt()));
            return QJsonArray{withSeq(o, e)};
                        }),
                    name, roomId);
        break;
    }
    case ChatEvent::Type::MessageDeleted: {
        const QString name = QStringLiteral("messageDeleted");
        sendEncoded(encodeShared(
                        event, name,
                        [&] {
            return QJsonArray{withSeq(QJsonObject{{QStringLiteral("id"), e.message.id},
                                                  {QStringLiteral("roomId"), roomId},
                                                  {QStringLiteral("timestamp"), ts}},
                                      e)};
                        }),
                    name, roomId);
        break;
    }
    case ChatEvent::Type::TypingStarted:
    case ChatEvent::Type::TypingStopped: {
        if (e.actor.id == userId()) return; // socket.to(room): not back to the typist
        const QString name = QStringLiteral("userTyping");
        sendEncoded(encodeShared(
                        event, name,
                        [&] {
            return QJsonArray{QJsonObject{{QStringLiteral("userId"), e.actor.id},
                                          {QStringLiteral("username"), e.actor.name()},
                                          {QStringLiteral("roomId"), roomId},
                                          {QStringLiteral("isTyping"), e.type == ChatEvent::Type::TypingStarted}}};
                        }),
                    name, roomId);
        break;
    }
    case ChatEvent::Type::MessageRead: {
        const QString name = QStringLiteral("messageRead");
        sendEncoded(encodeShared(
                        event, name,
                        [&] {
            return QJsonArray{QJsonObject{{QStringLiteral("messageId"), e.message.id},
                                          {QStringLiteral("userId"), e.actor.id},
                                          {QStringLiteral("roomId"), roomId},
                                          {QStringLiteral("timestamp"), ts}}};
                        }),
                    name, roomId);
        break;
    }
    case ChatEvent::Type::ParticipantJoined:
    case ChatEvent::Type::ParticipantLeft: {
        // Seed 002: the others in the room see a user's first socket come in
        // and their last one go (leaveRoom or disconnect).
        if (e.actor.id == userId()) break;
        const bool joined = e.type == ChatEvent::Type::ParticipantJoined;
        const QString name = joined ? QStringLiteral("userJoinedRoom") : QStringLiteral("userLeftRoom");
        sendEncoded(encodeShared(event, name, [&] { return roomEventArgs(e.actor.id, roomId, ts); }), name, roomId);
        break;
    }
    case ChatEvent::Type::MemberJoined:
    case ChatEvent::Type::MemberLeft: {
        const bool joined = e.type == ChatEvent::Type::MemberJoined;
        // A member who is in the room is announced by participation (above);
        // membership changes of someone who is not are announced here.
        if (!chat()->isInRoom(roomId, e.subject.id)) {
            const QString name = joined ? QStringLiteral("userJoinedRoom") : QStringLiteral("userLeftRoom");
            sendEncoded(encodeShared(
                            event, name,
                            [&] {
                QJsonArray a = roomEventArgs(e.subject.id, roomId, ts);
                a[0] = withSeq(a.at(0).toObject(), e);
                return a;
                            }),
                        name, roomId);
        }
        if (!joined && e.subject.id == userId()) {
            // Removed from the room: stop delivering it.
            chat()->unsubscribe(this, roomId);
            exitRoom(roomId);
        }
        break;
    }
    default: break;
    }
}

} // namespace switchboard
