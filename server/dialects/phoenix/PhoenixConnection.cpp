#include "PhoenixConnection.h"

#include "core/ChatService.h"
#include "core/ResumeManager.h"
#include "PhoenixBroadcast.h"
#include "PhoenixErrors.h"
#include "PhoenixPayloads.h"
#include "PhoenixPresenceHub.h"
#include "PhoenixTransport.h"
#include "core/Session.h"
#include "Timestamp.h"

#include <QJsonArray>

#include <cmath>
#include <optional>

namespace switchboard {

namespace {

const QString kOk = QStringLiteral("ok");
const QString kError = QStringLiteral("error");

QJsonObject unmatchedTopic()
{
    return PhoenixErrors::protocol(QStringLiteral("unmatched topic"));
}

// The join payload's optional last_seq (resume): absent or null means a plain
// join; anything but a non-negative integer is refused before the join.
bool lastSeqOf(const QJsonObject &payload, std::optional<qint64> *out, CoreError *error)
{
    const QJsonValue v = payload.value(QLatin1String("last_seq"));
    if (v.isUndefined() || v.isNull()) return true;
    const double d = v.toDouble(-1);
    if (!v.isDouble() || d < 0 || d != std::floor(d) || d > 9007199254740991.0) {
        *error = CoreError::invalid(QStringLiteral("last_seq"),
                                    QStringLiteral("last_seq must be a non-negative integer"));
        return false;
    }
    *out = qint64(d);
    return true;
}

QJsonObject merged(QJsonObject base, const QJsonObject &extra)
{
    for (auto it = extra.constBegin(); it != extra.constEnd(); ++it) base.insert(it.key(), it.value());
    return base;
}

} // namespace

PhoenixConnection::PhoenixConnection(ChatService *chat, PhoenixPresenceHub *hub, Session *session,
                                     PhoenixTransport *transport, const Options &options)
    : m_chat(chat)
    , m_hub(hub)
    , m_session(session)
    , m_transport(transport)
    , m_codec(options.serializer, options.codecLimits)
    , m_options(options)
{
    m_hub->addConnection(session, this);
}

PhoenixConnection::~PhoenixConnection()
{
    for (const Joined &j : std::as_const(m_joined)) m_hub->unlisten(j.coreTopic, this);
    m_hub->removeConnection(m_session);
}

const QHash<QString, PhoenixConnection::Handler> &PhoenixConnection::channelHandlers()
{
    // One table from event name to handler: a new event is one line here and one handler.
    static const QHash<QString, Handler> table{
        {QStringLiteral("send_message"), &PhoenixConnection::sendMessage},
        {QStringLiteral("edit_message"), &PhoenixConnection::editMessage},
        {QStringLiteral("delete_message"), &PhoenixConnection::deleteMessage},
        {QStringLiteral("typing_start"), &PhoenixConnection::typingStart},
        {QStringLiteral("typing_stop"), &PhoenixConnection::typingStop},
        {QStringLiteral("add_reaction"), &PhoenixConnection::addReaction},
        {QStringLiteral("remove_reaction"), &PhoenixConnection::removeReaction},
        {QStringLiteral("mark_read"), &PhoenixConnection::markRead},
        {QStringLiteral("load_older_messages"), &PhoenixConnection::loadOlderMessages},
        {QStringLiteral("start_thread"), &PhoenixConnection::startThread},
    };
    return table;
}

// ---- input ----------------------------------------------------------------

void PhoenixConnection::handleText(const QByteArray &frame)
{
    handle(m_codec.decodeText(frame));
}

void PhoenixConnection::handleBinary(const QByteArray &frame)
{
    handle(m_codec.decodeBinary(frame, PhoenixCodec::Origin::Client));
}

void PhoenixConnection::handle(const PhoenixDecodeResult &result)
{
    if (result.ok()) return handleMessage(result.message);
    // Phoenix would crash the socket; answering the push (when we can tell
    // which one it was) lets the client's receive("error") see why instead.
    qCDebug(lcPhoenix) << "malformed frame from" << m_session->id() << result.detail;
    if (!result.message.ref) return;
    const QString topic = result.message.topic.isEmpty() ? PhoenixEvent::heartbeatTopic : result.message.topic;
    QJsonObject response = PhoenixErrors::protocol(QStringLiteral("malformed message"), result.detail);
    response.insert("error", PhoenixCodec::errorName(result.error));
    send(PhoenixCodec::reply(std::nullopt, result.message.ref, topic, kError, response));
}

void PhoenixConnection::handleMessage(const PhoenixMessage &m)
{
    if (m.topic == PhoenixEvent::heartbeatTopic) {
        if (m.event == PhoenixEvent::heartbeat) return send(PhoenixCodec::heartbeatReply(m.ref));
        return reply(m, kError, unmatchedTopic());
    }
    if (m.event == PhoenixEvent::join) return join(m);
    if (m.event == PhoenixEvent::leave) return leave(m);

    const auto it = m_joined.constFind(m.topic);
    if (it == m_joined.constEnd()) return reply(m, kError, unmatchedTopic());
    const Joined j = *it;
    if (m.joinRef && *m.joinRef != j.joinRef)
        return; // from an earlier join of this topic: the client drops any answer anyway
    if (m.isBinary())
        return reply(m, kError,
                     PhoenixErrors::protocol(QStringLiteral("unsupported"),
                                             QStringLiteral("binary payloads are not supported")));
    if (j.kind == Kind::Channel) {
        if (const Handler h = channelHandlers().value(m.event)) return (this->*h)(m, j);
    }
    reply(m, kError,
          PhoenixErrors::protocol(QStringLiteral("unknown_event"),
                                  QStringLiteral("%1 is not an event of %2").arg(m.event, m.topic)));
}

void PhoenixConnection::join(const PhoenixMessage &m)
{
    const QString joinRef = m.joinRef.value_or(m.ref.value_or(QString()));
    Kind kind;
    QString id;
    if (m.topic.startsWith(QLatin1String("channel:"))) {
        kind = Kind::Channel;
        id = m.topic.mid(8);
    } else if (m.topic.startsWith(QLatin1String("workspace:"))) {
        kind = Kind::Workspace;
        id = m.topic.mid(10);
    } else {
        return reply(m, kError, unmatchedTopic());
    }
    if (id.isEmpty()) return reply(m, kError, unmatchedTopic());

    // A duplicate join closes the old one first (Phoenix does the same). The
    // core subscription stays so the rejoin causes no presence churn.
    bool wasJoined = false;
    if (const auto it = m_joined.constFind(m.topic); it != m_joined.constEnd()) {
        wasJoined = true;
        send(PhoenixCodec::channelClose(it->joinRef, m.topic), it->kind == Kind::Channel ? it->id : QString());
        forget(m.topic, false);
    }
    auto refuse = [&](const QJsonObject &response) {
        if (wasJoined && kind == Kind::Channel) m_chat->unsubscribe(m_session, id);
        reply(m, kError, response);
    };
    if (m_joined.size() >= m_options.maxChannels)
        return refuse(PhoenixErrors::protocol(QStringLiteral("too many channels joined")));
    if (kind == Kind::Channel) {
        std::optional<qint64> lastSeq;
        if (CoreError e; !lastSeqOf(m.payload, &lastSeq, &e)) return refuse(PhoenixErrors::joinReply(e));
        return joinChannel(m, m.topic, joinRef, id); // the core's join policy, its rate limit included
    }
    if (CoreError e = m_chat->checkJoinRate(m_session->userId())) return refuse(PhoenixErrors::joinReply(e));
    joinWorkspace(m, m.topic, joinRef, id);
}

void PhoenixConnection::joinChannel(const PhoenixMessage &m, const QString &topic, const QString &joinRef,
                                    const QString &channelId)
{
    // Joining a public channel makes the user a member (the core's one join
    // policy); the reply waits for that membership to be committed.
    m_chat->enterChannel(m_session, channelId, m_session,
                         [this, m, topic, joinRef, channelId](const Result<Channel> &r) {
        if (!r.ok()) {
            if (!m_joined.contains(topic)) m_chat->unsubscribe(m_session, channelId);
            reply(m, kError, PhoenixErrors::joinReply(r.error));
            return;
        }
        joinedChannel(m, r.value, topic, joinRef);
    });
}

void PhoenixConnection::joinedChannel(const PhoenixMessage &m, const Channel &channel, const QString &topic,
                                      const QString &joinRef)
{
    const Joined j{joinRef, Kind::Channel, channel.id, RoomManager::channelTopic(channel.id)};
    m_joined.insert(topic, j);
    QJsonObject response{{"channel", PhoenixPayloads::channel(channel)}};
    std::optional<qint64> lastSeq;
    CoreError invalid;
    lastSeqOf(m.payload, &lastSeq, &invalid); // checked in join()
    bool reload = true;
    if (lastSeq) {
        // Resume: the outcome comes at once, the missed events follow this
        // reply through deliver() (held live events after them), so the reply
        // goes out first and nothing is pushed in between.
        Result<ResumeManager::Outcome> r = m_chat->resume()->resumeChannel(m_session, channel.id, *lastSeq, -1);
        if (!r.ok()) {
            forget(topic, true);
            return reply(m, kError, PhoenixErrors::joinReply(r.error));
        }
        response.insert("seq", r.value.seq);
        response.insert("recovered", r.value.recovered);
        if (!r.value.recovered) response.insert("reason", r.value.reason);
        reload = !r.value.recovered; // beyond retention: the client reloads from messages_loaded
    } else {
        response.insert("seq", m_chat->channelSeq(channel.id));
    }
    reply(m, kOk, response);

    if (reload) {
        Result<QList<Message>> recent = m_chat->history(m_session->userId(), channel.id, QString(),
                                                        m_chat->config().historyPageSize);
        push(topic, joinRef, QStringLiteral("messages_loaded"),
             {{"messages", PhoenixPayloads::messages(recent.value, m_chat->directory())}});
    }
    push(topic, joinRef, QStringLiteral("presence_state"), m_hub->state(j.coreTopic));
    // Listen only now: the state just sent is what the hub's next diff applies
    // to (our own arrival included, if it is still pending there).
    m_hub->listen(j.coreTopic, this);
}

bool PhoenixConnection::joinWorkspace(const PhoenixMessage &m, const QString &topic, const QString &joinRef,
                                      const QString &workspaceId)
{
    const QString userId = m_session->userId();
    const Directory &dir = m_chat->directory();
    const Workspace *w = dir.workspace(workspaceId);
    if (!w) {
        reply(m, kError, PhoenixErrors::joinReply(CoreError::notFound(QStringLiteral("workspace not found"))));
        return false;
    }
    if (!dir.isWorkspaceMember(workspaceId, userId)) {
        reply(m, kError,
              PhoenixErrors::joinReply(CoreError::accessDenied(QStringLiteral("not a member of this workspace"))));
        return false;
    }
    const Joined j{joinRef, Kind::Workspace, workspaceId, RoomManager::workspaceTopic(workspaceId)};
    m_joined.insert(topic, j);
    QJsonArray channels;
    for (const Channel &c : m_chat->visibleChannels(userId, workspaceId)) channels.append(PhoenixPayloads::channel(c));
    reply(m, kOk, {{"workspace", PhoenixPayloads::workspace(*w)}, {"channels", channels}});
    push(topic, joinRef, QStringLiteral("presence_state"), m_hub->state(j.coreTopic));
    m_hub->listen(j.coreTopic, this);
    return true;
}

void PhoenixConnection::leave(const PhoenixMessage &m)
{
    // Phoenix acknowledges a leave even for a topic that is not joined: the
    // client sends one after a join timeout and waits for it.
    reply(m, kOk, {});
    const auto it = m_joined.constFind(m.topic);
    if (it == m_joined.constEnd() || (m.joinRef && *m.joinRef != it->joinRef)) return;
    send(PhoenixCodec::channelClose(it->joinRef, m.topic), it->kind == Kind::Channel ? it->id : QString());
    forget(m.topic, true);
}

void PhoenixConnection::forget(const QString &topic, bool unsubscribe)
{
    const Joined j = m_joined.take(topic);
    m_hub->unlisten(j.coreTopic, this);
    if (unsubscribe && j.kind == Kind::Channel) {
        m_chat->setTyping(m_session, j.id, false);
        m_chat->unsubscribe(m_session, j.id);
    }
}

void PhoenixConnection::onServerUnsubscribed(const QString &coreTopic)
{
    const QString topic = PhoenixPresenceHub::phoenixTopicFor(coreTopic);
    const auto it = m_joined.constFind(topic);
    if (it == m_joined.constEnd() || it->kind != Kind::Channel) return;
    // The core took the channel away (deleted, or we were removed from a
    // private channel): phx_close, so the client does not try to rejoin.
    send(PhoenixCodec::channelClose(it->joinRef, topic), it->id);
    forget(topic, false);
}

void PhoenixConnection::pushUnauthorized(const QString &message)
{
    // phoenix.js hands the payload to channel.onError; the socket's reconnect then
    // meets the 403 of a bad token.
    const QJsonObject payload{{QStringLiteral("reason"), QStringLiteral("unauthorized")},
                              {QStringLiteral("message"), message}};
    for (auto it = m_joined.cbegin(); it != m_joined.cend(); ++it)
        push(it.key(), it->joinRef, QStringLiteral("phx_error"), payload);
}

bool PhoenixConnection::isCurrent(const QString &topic, const QString &joinRef) const
{
    const auto it = m_joined.constFind(topic);
    return it != m_joined.constEnd() && it->joinRef == joinRef;
}

bool PhoenixConnection::stringField(const PhoenixMessage &m, const QString &key, bool required, QString *out,
                                    const QString &errorEvent)
{
    const QJsonValue v = m.payload.value(key);
    if (v.isString() && !(required && v.toString().isEmpty())) {
        *out = v.toString();
        return true;
    }
    if (!required && (v.isUndefined() || v.isNull())) return true;
    const bool blank = v.isUndefined() || v.isNull() || (v.isString() && v.toString().isEmpty());
    const CoreError e = CoreError::invalid(key,
                                           blank ? QStringLiteral("can't be blank") : QStringLiteral("is invalid"));
    QJsonObject response = PhoenixErrors::reply(e);
    if (m.payload.contains(QLatin1String("temp_id")))
        response.insert("temp_id", m.payload.value(QLatin1String("temp_id")));
    reply(m, kError, response);
    if (!errorEvent.isEmpty() && m_joined.contains(m.topic))
        push(m.topic, m_joined.value(m.topic).joinRef, errorEvent, response);
    return false;
}

// ---- client events --------------------------------------------------------

void PhoenixConnection::sendMessage(const PhoenixMessage &m, const Joined &j)
{
    const QString errorEvent = QStringLiteral("message_error");
    ChatService::PostMessage cmd;
    cmd.channelId = j.id;
    QList<Attachment> attachments;
    QString attachmentError;
    const QJsonValue tempId = m.payload.value(QLatin1String("temp_id"));
    if (!PhoenixPayloads::parseAttachments(m.payload.value(QLatin1String("attachments")), &attachments,
                                           &attachmentError)) {
        const QJsonObject response = merged(PhoenixErrors::reply(CoreError::invalid("attachments", attachmentError)),
                                            {{"temp_id", tempId}});
        reply(m, kError, response);
        return push(m.topic, j.joinRef, errorEvent, response);
    }
    cmd.attachments = attachments;
    if (!stringField(m, QStringLiteral("content"), false, &cmd.content, errorEvent)
        || !stringField(m, QStringLiteral("thread_id"), false, &cmd.threadId, errorEvent)
        || !stringField(m, QStringLiteral("reply_to_id"), false, &cmd.replyToId, errorEvent))
        return;

    const QString topic = m.topic, joinRef = j.joinRef;
    const bool isThreadReply = !cmd.threadId.isEmpty();
    m_chat->postMessage(
        m_session->userId(), cmd, m_session,
        [this, m, topic, joinRef, tempId, isThreadReply](const Result<Message> &r) {
        const Directory &dir = m_chat->directory();
        if (!r.ok()) {
            const QJsonObject response = merged(PhoenixErrors::reply(r.error, PhoenixErrors::FieldErrors::Always),
                                                {{"temp_id", tempId}});
            reply(m, kError, response);
            if (isCurrent(topic, joinRef)) push(topic, joinRef, QStringLiteral("message_error"), response);
            return;
        }
        if (isThreadReply) {
            const QJsonObject response{{"temp_id", tempId}, {"reply", PhoenixPayloads::threadReply(r.value, dir)}};
            reply(m, kOk, response);
            if (isCurrent(topic, joinRef)) push(topic, joinRef, QStringLiteral("thread_reply_sent"), response);
            return;
        }
        const QJsonObject response{{"temp_id", tempId}, {"message", PhoenixPayloads::message(r.value, dir)}};
        reply(m, kOk, response);
        if (isCurrent(topic, joinRef)) push(topic, joinRef, QStringLiteral("message_sent"), response);
        },
        m_session->id());
}

void PhoenixConnection::editMessage(const PhoenixMessage &m, const Joined &j)
{
    QString messageId, content;
    if (!stringField(m, QStringLiteral("message_id"), true, &messageId)
        || !stringField(m, QStringLiteral("content"), false, &content))
        return;
    const QString topic = m.topic, joinRef = j.joinRef;
    m_chat->editMessage(m_session->userId(), messageId, content, m_session,
                        [this, m, topic, joinRef, messageId](const Result<Message> &r) {
        if (!r.ok()) {
            // Seed 000: edit_error {message_id, reason} with the core's words
            // ("Edit time limit exceeded").
            const QJsonObject base = PhoenixErrors::reply(r.error);
            const QJsonValue words = base.value("message");
            const QJsonObject response = merged(base, {{"message_id", messageId},
                                                       {"reason", words},
                                                       {"code", PhoenixPayloads::reasonFor(r.error)}});
            reply(m, kError, response);
            if (isCurrent(topic, joinRef))
                push(topic, joinRef, QStringLiteral("edit_error"), {{"message_id", messageId}, {"reason", words}});
            return;
        }
        const QJsonObject response{{"message", PhoenixPayloads::message(r.value, m_chat->directory())}};
        reply(m, kOk, response);
        if (isCurrent(topic, joinRef)) push(topic, joinRef, QStringLiteral("message_edited"), response);
    });
}

void PhoenixConnection::deleteMessage(const PhoenixMessage &m, const Joined &)
{
    QString messageId;
    if (!stringField(m, QStringLiteral("message_id"), true, &messageId)) return;
    m_chat->deleteMessage(m_session->userId(), messageId, m_session, [this, m, messageId](const Result<Message> &r) {
        if (!r.ok()) return replyError(m, r.error);
        reply(m, kOk, {{"message_id", messageId}});
    });
}

void PhoenixConnection::typingStart(const PhoenixMessage &m, const Joined &j)
{
    typing(m, j, true);
}

void PhoenixConnection::typingStop(const PhoenixMessage &m, const Joined &j)
{
    typing(m, j, false);
}

void PhoenixConnection::typing(const PhoenixMessage &m, const Joined &j, bool on)
{
    if (CoreError e = m_chat->setTyping(m_session, j.id, on)) return replyError(m, e);
    reply(m, kOk, {});
}

void PhoenixConnection::addReaction(const PhoenixMessage &m, const Joined &)
{
    QString messageId, emoji;
    if (!stringField(m, QStringLiteral("message_id"), true, &messageId)
        || !stringField(m, QStringLiteral("emoji"), true, &emoji))
        return;
    m_chat->addReaction(m_session->userId(), messageId, emoji, m_session, [this, m](const Result<Reaction> &r) {
        if (!r.ok()) return replyError(m, r.error);
        reply(m, kOk,
              {{"message_id", r.value.messageId},
               {"reaction", PhoenixPayloads::reaction(r.value, m_chat->directory())}});
    });
}

void PhoenixConnection::removeReaction(const PhoenixMessage &m, const Joined &)
{
    auto done = [this, m](const Result<Reaction> &r) {
        if (!r.ok()) return replyError(m, r.error);
        reply(m, kOk, {{"reaction", PhoenixPayloads::reaction(r.value, m_chat->directory())}});
    };
    // Seed 000 removes by reaction id; {message_id, emoji} is accepted too,
    // as the other dialects and the REST API address reactions that way.
    if (!m.payload.contains(QLatin1String("reaction_id")) && m.payload.contains(QLatin1String("message_id"))) {
        QString messageId, emoji;
        if (!stringField(m, QStringLiteral("message_id"), true, &messageId)
            || !stringField(m, QStringLiteral("emoji"), true, &emoji))
            return;
        return m_chat->removeReaction(m_session->userId(), messageId, emoji, m_session, done);
    }
    QString reactionId;
    if (!stringField(m, QStringLiteral("reaction_id"), true, &reactionId)) return;
    m_chat->removeReactionById(m_session->userId(), reactionId, m_session, done);
}

void PhoenixConnection::markRead(const PhoenixMessage &m, const Joined &)
{
    QString messageId;
    if (!stringField(m, QStringLiteral("message_id"), true, &messageId)) return;
    m_chat->markRead(m_session->userId(), messageId, m_session, [this, m](const Result<Message> &r) {
        if (!r.ok()) return replyError(m, r.error);
        reply(m, kOk,
              {{"message_id", r.value.id}, {"channel_id", r.value.channelId}, {"read_at", Timestamp::nowIso()}});
    });
}

void PhoenixConnection::loadOlderMessages(const PhoenixMessage &m, const Joined &j)
{
    QString beforeId;
    if (!stringField(m, QStringLiteral("before_id"), false, &beforeId)) return;
    const QJsonValue limitValue = m.payload.value(QLatin1String("limit"));
    int limit = m_chat->config().historyPageSize;
    if (limitValue.isDouble()) limit = qBound(1, limitValue.toInt(), 200);
    Result<QList<Message>> page = m_chat->history(m_session->userId(), j.id, beforeId, limit);
    if (!page.ok()) return replyError(m, page.error);
    const QJsonObject response{{"messages", PhoenixPayloads::messages(page.value, m_chat->directory())},
                               {"has_more", page.value.size() >= limit}};
    reply(m, kOk, response);
    push(m.topic, j.joinRef, QStringLiteral("older_messages_loaded"), response);
}

void PhoenixConnection::startThread(const PhoenixMessage &m, const Joined &j)
{
    QString messageId;
    if (!stringField(m, QStringLiteral("message_id"), true, &messageId)) return;
    Result<Message> parent = m_chat->message(m_session->userId(), messageId);
    if (!parent.ok() || parent.value.channelId != j.id || parent.value.isDeleted())
        return replyError(m, CoreError::notFound(QStringLiteral("message not found")));
    if (!parent.value.threadId.isEmpty())
        return replyError(m, CoreError::invalid(QStringLiteral("message_id"),
                                                QStringLiteral("threads are one level deep")));
    QStringList participants;
    if (auto replies = m_chat->threadReplies(m_session->userId(), messageId, 200); replies.ok())
        for (const Message &r : replies.value)
            if (!participants.contains(r.userId)) participants.append(r.userId);
    const QJsonObject payload{{"message_id", messageId},
                              {"thread", PhoenixPayloads::thread(parent.value, participants)}};
    reply(m, kOk, payload);
    // News for the Phoenix sockets on this channel on every node, our own
    // included: thread_started comes back through deliver().
    m_chat->announceThreadStarted(parent.value, m_session->userId(), m_session->id());
}

// ---- core events ----------------------------------------------------------

void PhoenixConnection::deliver(const ChatEventPtr &event)
{
    const ChatEvent &e = *event;
    const Directory &dir = m_chat->directory();
    const QString channelTopic = QStringLiteral("channel:") + e.channel.id;
    const QString workspaceTopic = QStringLiteral("workspace:") + e.channel.workspaceId;
    const bool onChannel = !e.channel.id.isEmpty() && m_joined.contains(channelTopic);
    const bool onWorkspace = !e.channel.workspaceId.isEmpty() && m_joined.contains(workspaceTopic);
    const bool fromHere = !e.originSessionId.isEmpty() && e.originSessionId == m_session->id();

    switch (e.type) {
    case ChatEvent::Type::MessageCreated:
        // The sender has message_sent / thread_reply_sent already.
        if (!onChannel || fromHere) return;
        if (!e.message.threadId.isEmpty())
            return pushShared(event, channelTopic, QStringLiteral("thread_reply"), [&] {
                return QJsonObject{{"thread_id", e.message.threadId},
                                   {"reply", PhoenixPayloads::threadReply(e.message, dir)}};
            });
        return pushShared(event, channelTopic, QStringLiteral("new_message"), [&] {
            return QJsonObject{{"message", PhoenixPayloads::message(e.message, dir)}};
        });
    case ChatEvent::Type::MessageUpdated:
        if (onChannel)
            pushShared(event, channelTopic, QStringLiteral("message_updated"), [&] {
                return QJsonObject{{"message", PhoenixPayloads::message(e.message, dir)}};
            });
        return;
    case ChatEvent::Type::MessageDeleted:
        if (onChannel)
            pushShared(event, channelTopic, QStringLiteral("message_deleted"), [&] {
                return QJsonObject{{"message_id", e.message.id},
                                   {"channel_id", e.channel.id},
                                   {"thread_id",
                                    e.message.threadId.isEmpty() ? QJsonValue() : QJsonValue(e.message.threadId)}};
            });
        return;
    case ChatEvent::Type::ReactionAdded:
        if (onChannel)
            pushShared(event, channelTopic, QStringLiteral("reaction_added"), [&] {
                return QJsonObject{{"message_id", e.reaction.messageId},
                                   {"reaction", PhoenixPayloads::reaction(e.reaction, dir)}};
            });
        return;
    case ChatEvent::Type::ReactionRemoved:
        if (onChannel)
            pushShared(event, channelTopic, QStringLiteral("reaction_removed"), [&] {
                return QJsonObject{{"message_id", e.reaction.messageId},
                                   {"reaction", PhoenixPayloads::reaction(e.reaction, dir)}};
            });
        return;
    case ChatEvent::Type::TypingStarted:
    case ChatEvent::Type::TypingStopped:
        // Nobody needs to be told that they themselves are typing.
        if (!onChannel || e.actor.id == m_session->userId()) return;
        return pushShared(event, channelTopic,
                          e.type == ChatEvent::Type::TypingStarted ? QStringLiteral("typing_start")
                                                                   : QStringLiteral("typing_stop"),
                          [&] {
            return QJsonObject{{"user_id", e.actor.id}, {"user_name", e.actor.name()}, {"channel_id", e.channel.id}};
        });
    case ChatEvent::Type::MemberJoined:
        if (onChannel)
            pushShared(event, channelTopic, QStringLiteral("user_joined"), [&] {
                return QJsonObject{{"user", PhoenixPayloads::user(e.subject)}, {"channel_id", e.channel.id}};
            });
        if (onWorkspace)
            pushShared(event, workspaceTopic, QStringLiteral("member_joined"), [&] {
                return QJsonObject{{"user", PhoenixPayloads::user(e.subject)}, {"channel_id", e.channel.id}};
            });
        return;
    case ChatEvent::Type::MemberLeft:
        if (onChannel)
            pushShared(event, channelTopic, QStringLiteral("user_left"), [&] {
                return QJsonObject{{"user_id", e.subject.id}, {"channel_id", e.channel.id}};
            });
        if (onWorkspace)
            pushShared(event, workspaceTopic, QStringLiteral("member_left"), [&] {
                return QJsonObject{{"user_id", e.subject.id}, {"channel_id", e.channel.id}};
            });
        return;
    case ChatEvent::Type::ChannelCreated:
        if (onWorkspace)
            pushShared(event, workspaceTopic, QStringLiteral("channel_created"), [&] {
                return QJsonObject{{"channel", PhoenixPayloads::channel(e.channel)}};
            });
        return;
    case ChatEvent::Type::ChannelUpdated:
        if (onChannel)
            pushShared(event, channelTopic, QStringLiteral("channel_updated"), [&] {
                return QJsonObject{{"channel", PhoenixPayloads::channel(e.channel)}};
            });
        if (onWorkspace)
            pushShared(event, workspaceTopic, QStringLiteral("channel_updated"), [&] {
                return QJsonObject{{"channel", PhoenixPayloads::channel(e.channel)}};
            });
        return;
    case ChatEvent::Type::ChannelDeleted:
        // The phx_close for channel:{id} follows when the core unsubscribes us.
        if (onChannel)
            pushShared(event, channelTopic, QStringLiteral("channel_deleted"), [&] {
                return QJsonObject{{"channel_id", e.channel.id}};
            });
        if (onWorkspace)
            pushShared(event, workspaceTopic, QStringLiteral("channel_deleted"), [&] {
                return QJsonObject{{"channel_id", e.channel.id}};
            });
        return;
    case ChatEvent::Type::MessageRead:
        if (onChannel)
            pushShared(event, channelTopic, QStringLiteral("message_read"), [&] {
                return QJsonObject{{"message_id", e.message.id},
                                   {"user_id", e.actor.id},
                                   {"channel_id", e.channel.id},
                                   {"read_at", Timestamp::toIso(e.at)}};
            });
        return;
    case ChatEvent::Type::ThreadUpdated:
        if (onChannel)
            pushShared(event, channelTopic, QStringLiteral("thread_updated"), [&] { return threadPayload(e.message); });
        return;
    case ChatEvent::Type::ThreadStarted:
        if (onChannel)
            pushShared(event, channelTopic, QStringLiteral("thread_started"), [&] { return threadPayload(e.message); });
        return;
    case ChatEvent::Type::PresenceChanged: // presence_diff comes from the hub, per connection
    case ChatEvent::Type::Mention:         // new_message carries mentions
    case ChatEvent::Type::SystemMessage:
    case ChatEvent::Type::ParticipantJoined: // seed 002's room participation; presence covers it here
    case ChatEvent::Type::ParticipantLeft: return;
    }
}

// ---- output ---------------------------------------------------------------

void PhoenixConnection::send(const PhoenixMessage &message, const QString &channelId)
{
    m_transport->sendFrame(m_codec.encodeText(message), false, message.event, channelId);
}

void PhoenixConnection::sendBroadcast(const PhoenixBroadcast &broadcast)
{
    const QString &topic = broadcast.message().topic;
    const QString channelId = topic.startsWith(QLatin1String("channel:")) ? topic.mid(8) : QString();
    m_transport->sendFrame(broadcast.frame(m_codec), false, broadcast.message().event, channelId);
}

void PhoenixConnection::reply(const PhoenixMessage &request, const QString &status, const QJsonObject &response)
{
    const auto it = m_joined.constFind(request.topic);
    const QString channelId = it != m_joined.constEnd() && it->kind == Kind::Channel ? it->id : QString();
    send(PhoenixCodec::reply(request.joinRef, request.ref, request.topic, status, response), channelId);
}

void PhoenixConnection::replyError(const PhoenixMessage &request, const CoreError &error)
{
    reply(request, kError, PhoenixErrors::reply(error));
}

void PhoenixConnection::push(const QString &topic, const QString &joinRef, const QString &event,
                             const QJsonObject &payload)
{
    const auto it = m_joined.constFind(topic);
    const QString channelId = it != m_joined.constEnd() && it->kind == Kind::Channel ? it->id : QString();
    send(PhoenixCodec::push(joinRef, topic, event, payload), channelId);
}

void PhoenixConnection::pushShared(const ChatEventPtr &event, const QString &topic, const QString &phxEvent,
                                   const std::function<QJsonObject()> &payload)
{
    // Broadcast form (join_ref null): identical bytes for every socket on the
    // topic, so the event caches them per serializer.
    const QByteArray key = QByteArrayLiteral("phx") + (m_codec.serializer() == PhoenixSerializer::V2 ? '2' : '1') + ':'
                         + phxEvent.toUtf8() + ':' + topic.toUtf8();
    const QByteArray &frame = event->encodedFor(key, [&] {
        QJsonObject p = payload();
        // Logged channel events carry the channel's sequence (resume: the client's last_seq).
        if (event->seq > 0 && topic.startsWith(QLatin1String("channel:"))) p.insert("seq", event->seq);
        return m_codec.encodeText(PhoenixCodec::broadcast(topic, phxEvent, p));
    });
    const QString channelId = topic.startsWith(QLatin1String("channel:")) ? topic.mid(8) : QString();
    m_transport->sendFrame(frame, false, phxEvent, channelId);
}

QJsonObject PhoenixConnection::threadPayload(const Message &parent) const
{
    QStringList participants;
    // As this socket's user (joined, so a reader): the core refuses an anonymous read.
    if (auto replies = m_chat->threadReplies(m_session->userId(), parent.id, 200); replies.ok())
        for (const Message &r : replies.value)
            if (!participants.contains(r.userId)) participants.append(r.userId);
    return QJsonObject{{"message_id", parent.id}, {"thread", PhoenixPayloads::thread(parent, participants)}};
}

} // namespace switchboard
