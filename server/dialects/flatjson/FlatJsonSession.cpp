#include "FlatJsonSession.h"

#include "core/ChatService.h"
#include "FlatJsonErrors.h"
#include "core/EventOutlet.h"
#include "core/ResumeManager.h"
#include "core/RoomManager.h"
#include "Timestamp.h"

#include <QPointer>
#include <memory>
#include <QJsonArray>
#include "net/WebSocketConnection.h"

namespace switchboard {

FlatJsonSession::FlatJsonSession(ChatService *chat, WebSocketConnection *socket, const User &user, const Limits &limits,
                                 QObject *parent)
    : WebSocketSession(chat, socket, QStringLiteral("flatjson"), limits, parent)
{
    setUser(user);
    setFollowsMemberships(true); // seed 004: "User automatically joins their channels"
}

const QHash<QString, FlatJsonSession::Handler> &FlatJsonSession::handlers()
{
    static const QHash<QString, Handler> table{
        {"join_channel", &FlatJsonSession::joinChannel},
        {"leave_channel", &FlatJsonSession::leaveChannel},
        {"typing_indicator", &FlatJsonSession::typingIndicator},
        {"ping", &FlatJsonSession::ping},
        {"get_online_users", &FlatJsonSession::getOnlineUsers},
        // Extensions in the seed's style (docs/api/flatjson.md).
        {"send_message", &FlatJsonSession::sendMessage},
        {"edit_message", &FlatJsonSession::editMessage},
        {"delete_message", &FlatJsonSession::deleteMessage},
        {"add_reaction", &FlatJsonSession::addReaction},
        {"remove_reaction", &FlatJsonSession::removeReaction},
        {"mark_read", &FlatJsonSession::markRead},
        {"set_status", &FlatJsonSession::setStatus},
        {"sync_messages", &FlatJsonSession::syncMessages},
    };
    return table;
}

void FlatJsonSession::onStarted()
{
    send(FlatJsonCodec::reply(QStringLiteral("connection_established"),
                              {{"user_id", user().id}, {"username", user().username}}),
         QStringLiteral("connection_established"));
}

void FlatJsonSession::send(const QByteArray &bytes, const QString &event, const QString &channelId)
{
    sendText(bytes, event, channelId);
}

void FlatJsonSession::sendError(const QString &code, const QString &message, const QString &details)
{
    send(FlatJsonErrors::protocol(code, message, details), QStringLiteral("error"));
}

void FlatJsonSession::sendCoreError(const CoreError &e, const QString &fallback)
{
    send(FlatJsonErrors::fromCore(e, fallback), QStringLiteral("error"));
}

void FlatJsonSession::onOversizedFrame(qint64 size)
{
    sendError(QStringLiteral("message_too_large"), QStringLiteral("Message too large"),
              QStringLiteral("%1 bytes; the limit is %2").arg(size).arg(limits().maxFrameBytes));
}

void FlatJsonSession::onTextFrame(const QString &text)
{
    // The per-message frame first, without a QJsonObject (same outcome, a
    // fraction of the work); everything else goes through the full parser.
    FlatJsonCodec::SendMessageFrame frame;
    if (FlatJsonCodec::parseSendMessage(text, &frame)) {
        labelIncoming(QStringLiteral("send_message"), frame.channelId);
        ChatService::PostMessage cmd;
        cmd.channelId = std::move(frame.channelId);
        cmd.content = std::move(frame.content);
        return postMessage(cmd, frame.clientId);
    }
    const FlatJsonCodec::Command cmd = FlatJsonCodec::parse(text);
    if (!cmd.ok()) return sendError(cmd.errorCode, cmd.errorMessage);
    labelIncoming(cmd.type, cmd.fields.value(QLatin1String("channel_id")).toString());
    const Handler h = handlers().value(cmd.type);
    if (!h)
        return sendError(QStringLiteral("unknown_message_type"),
                         QStringLiteral("Unknown message type: %1").arg(cmd.type.left(64)));
    (this->*h)(cmd.fields);
}

bool FlatJsonSession::requireString(const QJsonObject &f, const char *key, const QString &errorCode, QString *out)
{
    const QJsonValue v = f.value(QLatin1String(key));
    if (!v.isString() || v.toString().isEmpty()) {
        sendError(errorCode, v.isUndefined() || v.isNull()
                                 ? QStringLiteral("%1 is required").arg(QLatin1String(key))
                                 : QStringLiteral("%1 must be a non-empty string").arg(QLatin1String(key)));
        return false;
    }
    *out = v.toString();
    return true;
}

bool FlatJsonSession::requireChannel(const QJsonObject &f, const QString &, QString *out)
{
    return requireString(f, "channel_id", QStringLiteral("missing_channel_id"), out);
}

void FlatJsonSession::joinChannel(const QJsonObject &f)
{
    QString id;
    if (!requireChannel(f, {}, &id)) return;
    // Resume (docs/api/flatjson.md#resume): last_seq is the last sequence number seen.
    const QJsonValue last = f.value(QLatin1String("last_seq"));
    const bool resuming = !last.isUndefined() && !last.isNull();
    const double lastSeq = last.toDouble(-1);
    if (resuming && (!last.isDouble() || lastSeq < 0 || lastSeq != qint64(lastSeq) || lastSeq > 9.0e15))
        return sendError(QStringLiteral("join_channel_error"),
                         QStringLiteral("last_seq must be a non-negative integer"));
    // A followed channel: events after this position arrived live. Else the position right after
    // enterChannel subscribes (a cluster node that starts watching the channel counts what was
    // committed until then as published; only later events come live).
    const bool followed = topics().contains(RoomManager::channelTopic(id));
    auto since = std::make_shared<qint64>(followed ? followedSince(id) : -1);
    QPointer<FlatJsonSession> self(this);
    // The core's join policy: one rate limit, access, and membership of a public channel.
    chat()->enterChannel(this, id, this, [self, id, resuming, lastSeq, followed, since](const Result<Channel> &r) {
        if (!self) return;
        if (*since < 0) *since = self->chat()->outlet()->publishedGid(); // answered within enterChannel
        if (!r.ok()) {
            if (r.error.code == CoreError::NotFound)
                return self->sendError(QStringLiteral("join_channel_error"), QStringLiteral("Channel not found"));
            return self->sendCoreError(r.error, QStringLiteral("join_channel_error"));
        }
        if (!followed) self->m_followedLater.insert(id, *since);
        if (resuming) return self->resumeChannel(id, qint64(lastSeq), *since);
        self->send(FlatJsonCodec::reply(QStringLiteral("channel_joined"),
                                        {{"channel_id", id}, {"seq", self->chat()->channelSeq(id)}}),
                   QStringLiteral("channel_joined"), id);
    });
    if (*since < 0) *since = chat()->outlet()->publishedGid();
}

qint64 FlatJsonSession::followedSince(const QString &channelId) const
{
    if (!topics().contains(RoomManager::channelTopic(channelId))) return chat()->outlet()->publishedGid();
    return m_followedLater.value(channelId, followedSinceGid());
}

void FlatJsonSession::resumeChannel(const QString &channelId, qint64 lastSeq, qint64 maxGid)
{
    QPointer<FlatJsonSession> self(this);
    auto done = [self, channelId](const ResumeManager::Outcome &o) {
        if (self)
            self->send(FlatJsonCodec::channelSynced(channelId, o.seq, o.recovered, o.reason),
                       QStringLiteral("channel_synced"), channelId);
    };
    const Result<ResumeManager::Outcome> r = chat()->resume()->resumeChannel(this, channelId, lastSeq, maxGid, done);
    if (!r.ok()) return sendCoreError(r.error, QStringLiteral("join_channel_error"));
    // The reply first; the replayed events and channel_synced follow on later loop passes.
    send(FlatJsonCodec::reply(QStringLiteral("channel_joined"), {{"channel_id", channelId}, {"seq", r.value.seq}}),
         QStringLiteral("channel_joined"), channelId);
}

void FlatJsonSession::leaveChannel(const QJsonObject &f)
{
    QString id;
    if (!requireChannel(f, {}, &id)) return;
    if (!chat()->directory().channel(id))
        return sendError(QStringLiteral("leave_channel_error"), QStringLiteral("Channel not found"));
    chat()->unsubscribe(this, id);
    m_followedLater.remove(id);
    send(FlatJsonCodec::reply(QStringLiteral("channel_left"), {{"channel_id", id}}), QStringLiteral("channel_left"),
         id);
}

void FlatJsonSession::typingIndicator(const QJsonObject &f)
{
    QString id;
    if (!requireChannel(f, {}, &id)) return;
    const QJsonValue typing = f.value(QLatin1String("is_typing"));
    if (!typing.isBool() && !typing.isUndefined())
        return sendError(QStringLiteral("typing_indicator_error"), QStringLiteral("is_typing must be a boolean"));
    if (CoreError e = chat()->setTyping(this, id, typing.toBool(true)))
        return sendCoreError(e, QStringLiteral("typing_indicator_error"));
}

void FlatJsonSession::ping(const QJsonObject &)
{
    send(FlatJsonCodec::reply(QStringLiteral("pong"), {}), QStringLiteral("pong"));
}

void FlatJsonSession::getOnlineUsers(const QJsonObject &f)
{
    QString id;
    if (!requireChannel(f, {}, &id)) return;
    Result<Channel> c = chat()->readableChannel(userId(), id);
    if (!c.ok()) return sendCoreError(c.error, QStringLiteral("get_online_users_error"));
    send(FlatJsonCodec::reply(QStringLiteral("online_users"),
                              {{"channel_id", id}, {"users", QJsonArray::fromStringList(chat()->onlineMembers(id))}}),
         QStringLiteral("online_users"), id);
}

std::function<void(const Result<Message> &)> FlatJsonSession::messageAck(const QString &command,
                                                                         const QJsonValue &clientId)
{
    QPointer<FlatJsonSession> self(this);
    return [self, command, clientId](const Result<Message> &r) {
        if (!self) return;
        if (!r.ok()) return self->sendCoreError(r.error, command + QStringLiteral("_error"));
        if (command == QLatin1String("send_message")) {
            const User *author = self->chat()->user(r.value.userId);
            self->send(FlatJsonCodec::messageSent(clientId, r.value, author ? *author : User(), Timestamp::nowMs()),
                       QStringLiteral("message_sent"), r.value.channelId);
        }
    };
}

void FlatJsonSession::sendMessage(const QJsonObject &f)
{
    ChatService::PostMessage cmd;
    if (!requireChannel(f, {}, &cmd.channelId)) return;
    const QJsonValue content = f.value(QLatin1String("content"));
    if (!content.isString() && !content.isUndefined())
        return sendError(QStringLiteral("send_message_error"), QStringLiteral("content must be a string"));
    cmd.content = content.toString();
    for (const auto &[key, target] :
         {std::pair{"thread_id", &cmd.threadId}, std::pair{"reply_to_id", &cmd.replyToId}}) {
        const QJsonValue v = f.value(QLatin1String(key));
        if (!v.isUndefined() && !v.isNull() && !v.isString())
            return sendError(QStringLiteral("send_message_error"),
                             QStringLiteral("%1 must be a string").arg(QLatin1String(key)));
        *target = v.toString();
    }
    if (CoreError e = cmd.takeAttachments(f.value(QLatin1String("attachments"))))
        return sendError(QStringLiteral("send_message_error"), e.message);
    postMessage(cmd, f.value(QLatin1String("client_id")));
}

void FlatJsonSession::postMessage(const ChatService::PostMessage &cmd, const QJsonValue &clientId)
{
    chat()->postMessage(userId(), cmd, this, messageAck(QStringLiteral("send_message"), clientId), id());
}

void FlatJsonSession::editMessage(const QJsonObject &f)
{
    QString messageId, content;
    if (!requireString(f, "message_id", QStringLiteral("edit_message_error"), &messageId)) return;
    if (!f.value(QLatin1String("content")).isString())
        return sendError(QStringLiteral("edit_message_error"), QStringLiteral("content must be a string"));
    content = f.value(QLatin1String("content")).toString();
    chat()->editMessage(userId(), messageId, content, this, messageAck(QStringLiteral("edit_message"), QJsonValue()));
}

void FlatJsonSession::deleteMessage(const QJsonObject &f)
{
    QString messageId;
    if (!requireString(f, "message_id", QStringLiteral("delete_message_error"), &messageId)) return;
    chat()->deleteMessage(userId(), messageId, this, messageAck(QStringLiteral("delete_message"), QJsonValue()));
}

void FlatJsonSession::addReaction(const QJsonObject &f)
{
    QString messageId, emoji;
    if (!requireString(f, "message_id", QStringLiteral("add_reaction_error"), &messageId)
        || !requireString(f, "emoji", QStringLiteral("add_reaction_error"), &emoji))
        return;
    QPointer<FlatJsonSession> self(this);
    chat()->addReaction(userId(), messageId, emoji, this, [self](const Result<Reaction> &r) {
        if (self && !r.ok()) self->sendCoreError(r.error, QStringLiteral("add_reaction_error"));
    });
}

void FlatJsonSession::removeReaction(const QJsonObject &f)
{
    QString messageId, emoji;
    if (!requireString(f, "message_id", QStringLiteral("remove_reaction_error"), &messageId)
        || !requireString(f, "emoji", QStringLiteral("remove_reaction_error"), &emoji))
        return;
    QPointer<FlatJsonSession> self(this);
    chat()->removeReaction(userId(), messageId, emoji, this, [self](const Result<Reaction> &r) {
        if (self && !r.ok()) self->sendCoreError(r.error, QStringLiteral("remove_reaction_error"));
    });
}

void FlatJsonSession::markRead(const QJsonObject &f)
{
    QString messageId;
    if (!requireString(f, "message_id", QStringLiteral("mark_read_error"), &messageId)) return;
    chat()->markRead(userId(), messageId, this, messageAck(QStringLiteral("mark_read"), QJsonValue()));
}

void FlatJsonSession::setStatus(const QJsonObject &f)
{
    QString status;
    if (!requireString(f, "status", QStringLiteral("set_status_error"), &status)) return;
    if (CoreError e = chat()->setPresence(userId(), status)) sendCoreError(e, QStringLiteral("set_status_error"));
}

void FlatJsonSession::syncMessages(const QJsonObject &f)
{
    QString id;
    if (!requireChannel(f, {}, &id)) return;
    const QJsonValue after = f.value(QLatin1String("after_message_id"));
    if (!after.isUndefined() && !after.isNull() && !after.isString())
        return sendError(QStringLiteral("sync_messages_error"), QStringLiteral("after_message_id must be a string"));
    const int limit = f.value(QLatin1String("limit")).toInt(100);
    Result<QList<Message>> r = chat()->messagesSince(userId(), id, after.toString(), limit);
    if (!r.ok()) return sendCoreError(r.error, QStringLiteral("sync_messages_error"));
    QJsonArray list;
    for (const Message &m : r.value) {
        const User *u = chat()->user(m.userId);
        QJsonObject o = FlatJsonCodec::messageData(m, u ? *u : User());
        if (m.isDeleted()) o.insert("deletedAt", Timestamp::toIso(m.deletedAt));
        list.append(o);
    }
    send(FlatJsonCodec::reply(QStringLiteral("messages_synced"), {{"channel_id", id}, {"messages", list}}),
         QStringLiteral("messages_synced"), id);
}

void FlatJsonSession::deliver(const ChatEventPtr &event)
{
    using T = ChatEvent::Type;
    const ChatEvent &e = *event;
    switch (e.type) {
    case T::TypingStarted:
    case T::TypingStopped:
        if (e.actor.id == userId()) return; // "to other channel members"
        break;
    case T::MemberJoined:
    case T::MemberLeft:
        // Added to or removed from a channel after connect: followed from here on.
        if (e.subject.id == userId() && !e.replayed && e.gid > 0) {
            if (e.type == T::MemberLeft)
                m_followedLater.remove(e.channel.id);
            else if (!m_followedLater.contains(e.channel.id))
                m_followedLater.insert(e.channel.id, e.gid - 1); // this event came live too
        }
        Q_FALLTHROUGH();
    case T::ChannelUpdated:
        // Public channels announce these workspace-wide; show them only where we listen.
        if (e.subject.id != userId() && !topics().contains(RoomManager::channelTopic(e.channel.id))) return;
        break;
    default: break;
    }
    const QByteArray &bytes = e.encodedFor(QByteArrayLiteral("flatjson"),
                                           [&e] { return FlatJsonCodec::encodeEvent(e); });
    if (bytes.isEmpty()) return;
    send(bytes, QString::fromLatin1(ChatEvent::typeName(e.type)), e.channel.id);
}

void FlatJsonSession::closeUnauthorized(AuthLoss why, const QString &reason)
{
    Q_UNUSED(why);
    // The code of the upgrade refusal: a client handles a revoked token like a bad one.
    sendError(QStringLiteral("unauthorized"), reason);
    close(QWebSocketProtocol::CloseCodePolicyViolated, reason);
}

void FlatJsonSession::refuseOverCap(const CoreError &error)
{
    sendCoreError(error, QStringLiteral("access_denied"));
    close(QWebSocketProtocol::CloseCodePolicyViolated, FlatJsonErrors::publicMessage(error));
}

} // namespace switchboard
