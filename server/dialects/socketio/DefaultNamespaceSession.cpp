#include "DefaultNamespaceSession.h"

#include "core/ChatService.h"
#include "core/EventOutlet.h"
#include "DefaultNamespaceJson.h"
#include "Timestamp.h"

namespace switchboard {

namespace {
const QString kDialect = QStringLiteral("socketio");

// Every logged channel event carries the channel's sequence number.
QJsonObject withSeq(QJsonObject o, const ChatEvent &e)
{
    if (e.seq > 0) o.insert(QStringLiteral("seq"), e.seq);
    return o;
}
} // namespace

DefaultNamespaceSession::DefaultNamespaceSession(SocketIoConnection *connection, ChatService *chat)
    : SocketIoNamespaceSession(kDialect, QStringLiteral("/"), connection, chat)
{
}

const QHash<QString, DefaultNamespaceSession::Route> &DefaultNamespaceSession::routes()
{
    using S = DefaultNamespaceSession;
    static const QHash<QString, Route> table = {
        {QStringLiteral("join_channel"), {&S::joinRoom, false}},
        {QStringLiteral("leave_channel"), {&S::leaveRoom, false}},
        {QStringLiteral("send_message"), {&S::sendMessage, false}},
        {QStringLiteral("edit_message"), {&S::editMessage, false}},
        {QStringLiteral("delete_message"), {&S::deleteMessage, false}},
        {QStringLiteral("forward_message"), {&S::forwardMessage, false}},
        {QStringLiteral("add_reaction"), {&S::addReaction, false}},
        {QStringLiteral("remove_reaction"), {&S::removeReaction, false}},
        {QStringLiteral("join_conversation"), {&S::joinRoom, true}},
        {QStringLiteral("leave_conversation"), {&S::leaveRoom, true}},
        {QStringLiteral("send_direct_message"), {&S::sendMessage, true}},
        {QStringLiteral("edit_direct_message"), {&S::editMessage, true}},
        {QStringLiteral("delete_direct_message"), {&S::deleteMessage, true}},
        {QStringLiteral("add_direct_reaction"), {&S::addReaction, true}},
        {QStringLiteral("remove_direct_reaction"), {&S::removeReaction, true}},
    };
    return table;
}

QString DefaultNamespaceSession::roomField(bool direct)
{
    return direct ? QStringLiteral("conversationId") : QStringLiteral("channelId");
}

void DefaultNamespaceSession::onConnected()
{
    const QJsonObject u = DefaultNamespaceJson::user(userId(), [this](const QString &id) { return chat()->user(id); });
    emitEvent(QStringLiteral("authenticated"), {QJsonObject{{QStringLiteral("userId"), userId()},
                                                            {QStringLiteral("user"), u},
                                                            {QStringLiteral("socketId"), id()}}});
}

void DefaultNamespaceSession::handleEvent(const QString &name, const QJsonArray &args, qint64 ackId)
{
    if (name == QLatin1String("ping")) {
        const QJsonObject pong{{QStringLiteral("timestamp"), Timestamp::nowIso()}};
        emitEvent(QStringLiteral("pong"), {pong});
        ackOk(ackId, pong);
        return;
    }
    const auto it = routes().constFind(name);
    if (it == routes().constEnd()) {
        sendError(name, CoreError::invalid(QStringLiteral("event"), QStringLiteral("Unknown event: %1").arg(name)),
                  ackId);
        return;
    }
    if (!args.at(0).isObject()) {
        sendError(name,
                  CoreError::invalid(QStringLiteral("payload"),
                                     QStringLiteral("Invalid payload: %1 expects an object").arg(name)),
                  ackId);
        return;
    }
    (this->*(it->handler))(args.at(0).toObject(), ackId, it->direct);
}

void DefaultNamespaceSession::fail(const QString &event, const QString &prefix, const CoreError &error, qint64 ackId)
{
    // Seed 001's recovery code looks for "Failed to send" in the message.
    sendError(event, error, ackId, prefix);
}

bool DefaultNamespaceSession::require(const QString &event, const QJsonObject &p, const QStringList &fields,
                                      qint64 ackId)
{
    for (const QString &f : fields) {
        const QJsonValue v = p.value(f);
        if (!v.isString() || v.toString().isEmpty()) {
            sendError(event, CoreError::invalid(f, QStringLiteral("Invalid payload: %1 is required").arg(f)), ackId);
            return false;
        }
    }
    return true;
}

QJsonObject DefaultNamespaceSession::messageJson(const Message &m, bool direct, const Message &replyTo) const
{
    return DefaultNamespaceJson::message(m, direct, replyTo, [this](const QString &id) { return chat()->user(id); });
}

void DefaultNamespaceSession::joinRoom(const QJsonObject &p, qint64 ackId, bool direct)
{
    const QString event = direct ? QStringLiteral("join_conversation") : QStringLiteral("join_channel");
    const QString field = roomField(direct);
    if (!require(event, p, {field}, ackId)) return;
    const QString roomId = p.value(field).toString();
    const CoreError denied = CoreError::accessDenied(direct ? QStringLiteral("Access denied to conversation")
                                                            : QStringLiteral("Access denied to channel"));
    const Result<Channel> ch = chat()->readableChannel(userId(), roomId);
    // A conversation id is a DM channel and a channel id is not: mixing them
    // up is an access error, as the seed's validate functions would say.
    if (!ch.ok() || (ch.value.type == Channel::Type::Dm) != direct) {
        sendError(event, ch.ok() || ch.error.code == CoreError::AccessDenied ? denied : ch.error, ackId);
        return;
    }
    // Where the log stood before the subscription: recovery replays this room from there.
    const qint64 joinedAt = chat()->outlet()->publishedGid();
    // The core's join policy: one rate limit, the subscription, membership of a public channel.
    chat()->enterChannel(this, roomId, this,
                         [this, event, field, roomId, direct, ackId, denied, joinedAt](const Result<Channel> &r) {
        if (!r.ok()) {
            sendError(event, r.error.code == CoreError::RateLimited ? r.error : denied, ackId);
            return;
        }
        enterRoom(roomId, joinedAt);
        const QJsonObject data{{field, roomId}, {QStringLiteral("seq"), chat()->channelSeq(roomId)}};
        emitEvent(direct ? QStringLiteral("conversation_joined") : QStringLiteral("joined_channel"), {data}, roomId);
        ackOk(ackId, data);
    });
}

void DefaultNamespaceSession::leaveRoom(const QJsonObject &p, qint64 ackId, bool direct)
{
    const QString event = direct ? QStringLiteral("leave_conversation") : QStringLiteral("leave_channel");
    const QString field = roomField(direct);
    if (!require(event, p, {field}, ackId)) return;
    const QString roomId = p.value(field).toString();
    // Leaving the Socket.IO room stops delivery; membership stays (see README).
    chat()->unsubscribe(this, roomId);
    exitRoom(roomId);
    const QJsonObject data{{field, roomId}};
    emitEvent(direct ? QStringLiteral("conversation_left") : QStringLiteral("left_channel"), {data}, roomId);
    ackOk(ackId, data);
}

void DefaultNamespaceSession::sendMessage(const QJsonObject &p, qint64 ackId, bool direct)
{
    const QString event = direct ? QStringLiteral("send_direct_message") : QStringLiteral("send_message");
    const QString prefix = direct ? QStringLiteral("Failed to send direct message")
                                  : QStringLiteral("Failed to send message");
    const QString field = roomField(direct);
    if (!require(event, p, {field}, ackId)) return;
    const QJsonValue content = p.value(QLatin1String("content"));
    const QJsonValue atts = p.value(QLatin1String("attachments"));
    const QJsonValue replyTo = p.value(QLatin1String("replyToId"));
    if (!content.isString() && !content.isUndefined() && !content.isNull()) {
        fail(event, prefix, CoreError::invalid(QStringLiteral("content"), QStringLiteral("content must be a string")),
             ackId);
        return;
    }
    if (!atts.isUndefined() && !atts.isNull() && !atts.isArray()) {
        fail(event, prefix,
             CoreError::invalid(QStringLiteral("attachments"), QStringLiteral("attachments must be an array")), ackId);
        return;
    }
    if (!replyTo.isUndefined() && !replyTo.isNull() && !replyTo.isString()) {
        fail(event, prefix,
             CoreError::invalid(QStringLiteral("replyToId"), QStringLiteral("replyToId must be a string")), ackId);
        return;
    }
    const QString roomId = p.value(field).toString();
    const Result<Channel> ch = chat()->readableChannel(userId(), roomId);
    if (!ch.ok() || (ch.value.type == Channel::Type::Dm) != direct) {
        fail(event, prefix,
             ch.ok() ? CoreError::accessDenied(direct ? QStringLiteral("Access denied to conversation")
                                                      : QStringLiteral("Access denied to channel"))
                     : ch.error,
             ackId);
        return;
    }
    ChatService::PostMessage cmd;
    cmd.channelId = roomId;
    cmd.content = content.toString();
    cmd.replyToId = replyTo.toString();
    for (const QJsonValue &a : atts.toArray()) {
        if (!a.isObject()) {
            fail(event, prefix,
                 CoreError::invalid(QStringLiteral("attachments"), QStringLiteral("attachments must be objects")),
                 ackId);
            return;
        }
        cmd.attachments.append(Attachment::fromJson(a.toObject()));
    }
    chat()->postMessage(
        userId(), cmd, this,
        [this, event, prefix, direct, ackId](const Result<Message> &r) {
        if (!r.ok()) {
            fail(event, prefix, r.error, ackId);
            return;
        }
        Message replyTo;
        if (!r.value.replyToId.isEmpty()) {
            const Result<Message> q = chat()->message(userId(), r.value.replyToId);
            if (q.ok()) replyTo = q.value;
        }
        ackOk(ackId, messageJson(r.value, direct, replyTo));
        },
        id());
}

bool DefaultNamespaceSession::messageInRoom(const QString &event, const QString &messageId, const QString &roomId,
                                            bool direct, const QString &failure, qint64 ackId)
{
    const Result<Message> m = chat()->message(userId(), messageId);
    if (!m.ok()) {
        fail(event, failure, m.error, ackId);
        return false;
    }
    if (m.value.channelId != roomId) {
        fail(event, failure,
             CoreError::notFound(direct ? QStringLiteral("message not found in this conversation")
                                        : QStringLiteral("message not found in this channel")),
             ackId);
        return false;
    }
    return true;
}

void DefaultNamespaceSession::editMessage(const QJsonObject &p, qint64 ackId, bool direct)
{
    const QString event = direct ? QStringLiteral("edit_direct_message") : QStringLiteral("edit_message");
    const QString prefix = direct ? QStringLiteral("Failed to edit direct message")
                                  : QStringLiteral("Failed to edit message");
    if (!require(event, p, {QStringLiteral("messageId"), roomField(direct)}, ackId)) return;
    if (!p.value(QLatin1String("content")).isString()) {
        fail(event, prefix, CoreError::invalid(QStringLiteral("content"), QStringLiteral("content must be a string")),
             ackId);
        return;
    }
    const QString messageId = p.value(QLatin1String("messageId")).toString();
    if (!messageInRoom(event, messageId, p.value(roomField(direct)).toString(), direct, prefix, ackId)) return;
    chat()->editMessage(userId(), messageId, p.value(QLatin1String("content")).toString(), this,
                        [this, event, prefix, direct, ackId](const Result<Message> &r) {
        if (!r.ok()) {
            fail(event, prefix, r.error, ackId);
            return;
        }
        ackOk(ackId, messageJson(r.value, direct, Message()));
    });
}

void DefaultNamespaceSession::deleteMessage(const QJsonObject &p, qint64 ackId, bool direct)
{
    const QString event = direct ? QStringLiteral("delete_direct_message") : QStringLiteral("delete_message");
    const QString prefix = direct ? QStringLiteral("Failed to delete direct message")
                                  : QStringLiteral("Failed to delete message");
    if (!require(event, p, {QStringLiteral("messageId"), roomField(direct)}, ackId)) return;
    const QString messageId = p.value(QLatin1String("messageId")).toString();
    const QString roomId = p.value(roomField(direct)).toString();
    if (!messageInRoom(event, messageId, roomId, direct, prefix, ackId)) return;
    chat()->deleteMessage(userId(), messageId, this,
                          [this, event, prefix, direct, ackId, roomId](const Result<Message> &r) {
        if (!r.ok()) {
            fail(event, prefix, r.error, ackId);
            return;
        }
        ackOk(ackId, QJsonObject{{QStringLiteral("messageId"), r.value.id}, {roomField(direct), roomId}});
    });
}

QJsonObject DefaultNamespaceSession::forwardedJson(const ChatEvent &e, bool direct) const
{
    return {
        {QStringLiteral("messageId"), e.message.id},
        {QStringLiteral("originalMessageId"), e.message.forwardedFromId},
        {QStringLiteral("sourceChannelId"), e.forwardedFrom.channelId},
        {QStringLiteral("targetChannelId"), e.message.channelId},
        {QStringLiteral("message"), messageJson(e.message, direct, e.replyTo)},
    };
}

void DefaultNamespaceSession::forwardMessage(const QJsonObject &p, qint64 ackId, bool direct)
{
    Q_UNUSED(direct);
    const QString event = QStringLiteral("forward_message");
    const QString prefix = QStringLiteral("Failed to forward message");
    if (!require(event, p,
                 {QStringLiteral("messageId"), QStringLiteral("channelId"), QStringLiteral("targetChannelId")}, ackId))
        return;
    const QString messageId = p.value(QLatin1String("messageId")).toString();
    const QString sourceId = p.value(QLatin1String("channelId")).toString();
    const QString targetId = p.value(QLatin1String("targetChannelId")).toString();
    if (!messageInRoom(event, messageId, sourceId, false, prefix, ackId)) return;
    chat()->forwardMessage(userId(), messageId, targetId, this,
                           [this, event, prefix, ackId, sourceId, targetId](const Result<Message> &r) {
        if (!r.ok()) {
            fail(event, prefix, r.error, ackId);
            return;
        }
        const Channel *target = chat()->directory().channel(targetId);
        const bool targetDirect = target && target->type == Channel::Type::Dm;
        ChatEvent e;
        e.message = r.value;
        e.forwardedFrom.channelId = sourceId;
        const QJsonObject data = forwardedJson(e, targetDirect);
        // Room members of the target hear it from the broadcast;
        // a forwarder outside that room still learns the outcome.
        if (!inRoom(targetId)) emitEvent(QStringLiteral("message_forwarded"), {data}, targetId);
        ackOk(ackId, data);
    });
}

void DefaultNamespaceSession::addReaction(const QJsonObject &p, qint64 ackId, bool direct)
{
    const QString event = direct ? QStringLiteral("add_direct_reaction") : QStringLiteral("add_reaction");
    const QString prefix = QStringLiteral("Failed to add reaction");
    if (!require(event, p, {QStringLiteral("messageId"), QStringLiteral("emoji"), roomField(direct)}, ackId)) return;
    const QString messageId = p.value(QLatin1String("messageId")).toString();
    if (!messageInRoom(event, messageId, p.value(roomField(direct)).toString(), direct, prefix, ackId)) return;
    chat()->addReaction(userId(), messageId, p.value(QLatin1String("emoji")).toString(), this,
                        [this, event, prefix, ackId](const Result<Reaction> &r) {
        if (!r.ok()) {
            fail(event, prefix, r.error, ackId);
            return;
        }
        ackOk(ackId, DefaultNamespaceJson::reaction(r.value, [this](const QString &id) { return chat()->user(id); }));
    });
}

void DefaultNamespaceSession::removeReaction(const QJsonObject &p, qint64 ackId, bool direct)
{
    const QString event = direct ? QStringLiteral("remove_direct_reaction") : QStringLiteral("remove_reaction");
    const QString prefix = QStringLiteral("Failed to remove reaction");
    if (!require(event, p, {QStringLiteral("messageId"), QStringLiteral("emoji"), roomField(direct)}, ackId)) return;
    const QString messageId = p.value(QLatin1String("messageId")).toString();
    const QString roomId = p.value(roomField(direct)).toString();
    if (!messageInRoom(event, messageId, roomId, direct, prefix, ackId)) return;
    const QString emoji = p.value(QLatin1String("emoji")).toString();
    chat()->removeReaction(userId(), messageId, emoji, this,
                           [this, event, prefix, ackId, messageId, emoji, roomId, direct](const Result<Reaction> &r) {
        if (!r.ok()) {
            fail(event, prefix, r.error, ackId);
            return;
        }
        ackOk(ackId, QJsonObject{{QStringLiteral("messageId"), messageId},
                                 {QStringLiteral("emoji"), emoji},
                                 {roomField(direct), roomId}});
    });
}

void DefaultNamespaceSession::deliver(const ChatEventPtr &event)
{
    const ChatEvent &e = *event;
    const QString roomId = e.channel.id;
    // Seed 001 broadcasts with io.to(room): only sockets in the room hear it.
    if (roomId.isEmpty() || !inRoom(roomId)) return;
    const bool direct = e.channel.type == Channel::Type::Dm;
    const QString field = roomField(direct);
    auto lookup = [this](const QString &id) { return chat()->user(id); };
    switch (e.type) {
    case ChatEvent::Type::MessageCreated: {
        const QString name = direct ? QStringLiteral("new_direct_message") : QStringLiteral("new_message");
        sendEncoded(encodeShared(event, name,
                                 [&] { return QJsonArray{withSeq(messageJson(e.message, direct, e.replyTo), e)}; }),
                    name, roomId);
        if (!e.message.forwardedFromId.isEmpty()) {
            const QString fwd = QStringLiteral("message_forwarded");
            sendEncoded(encodeShared(event, fwd, [&] { return QJsonArray{withSeq(forwardedJson(e, direct), e)}; }), fwd,
                        roomId);
        }
        break;
    }
    case ChatEvent::Type::MessageUpdated: {
        const QString name = direct ? QStringLiteral("direct_message_edited") : QStringLiteral("message_edited");
        sendEncoded(encodeShared(
                        event, name,
                        [&] {
            return QJsonArray{
                withSeq(QJsonObject{{QStringLiteral("messageId"), e.message.id},
                                    {QStringLiteral("content"), e.message.content},
                                    {field, roomId},
                                    {QStringLiteral("updatedAt"), Timestamp::toIso(e.message.updatedAt())}},
                        e)};
                        }),
                    name, roomId);
        break;
    }
    case ChatEvent::Type::MessageDeleted: {
        const QString name = direct ? QStringLiteral("direct_message_deleted") : QStringLiteral("message_deleted");
        sendEncoded(encodeShared(
                        event, name,
                        [&] {
            return QJsonArray{withSeq(QJsonObject{{QStringLiteral("messageId"), e.message.id}, {field, roomId}}, e)};
                        }),
                    name, roomId);
        break;
    }
    case ChatEvent::Type::ReactionAdded: {
        const QString name = direct ? QStringLiteral("direct_reaction_added") : QStringLiteral("reaction_added");
        sendEncoded(encodeShared(
                        event, name,
                        [&] {
            QJsonObject o = DefaultNamespaceJson::reaction(e.reaction, lookup);
            o.insert(field, roomId);
            return QJsonArray{withSeq(o, e)};
                        }),
                    name, roomId);
        break;
    }
    case ChatEvent::Type::ReactionRemoved: {
        const QString name = direct ? QStringLiteral("direct_reaction_removed") : QStringLiteral("reaction_removed");
        sendEncoded(encodeShared(
                        event, name,
                        [&] {
            return QJsonArray{withSeq(QJsonObject{{QStringLiteral("reactionId"), e.reaction.id},
                                                  {QStringLiteral("messageId"), e.reaction.messageId},
                                                  {QStringLiteral("emoji"), e.reaction.emoji},
                                                  {QStringLiteral("userId"), e.reaction.userId},
                                                  {field, roomId}},
                                      e)};
                        }),
                    name, roomId);
        break;
    }
    default: break; // seed 001 has no typing, presence or membership events
    }
}

} // namespace switchboard
