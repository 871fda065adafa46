#include "MessageManager.h"

#include "ChannelManager.h"
#include "CoreContext.h"
#include "EphemeralLane.h"
#include "storage/EventStamp.h"
#include "EventLogCodec.h"
#include "ResumeManager.h"
#include "MentionParser.h"
#include "Metrics.h"
#include "storage/Store.h"
#include "Timestamp.h"
#include "UploadAccess.h"

#include <QJsonArray>
#include <algorithm>

namespace switchboard {

MessageManager::MessageManager(CoreContext &core, QObject *parent)
    : QObject(parent)
    , m_core(core)
    , m_attachments([&core](const QString &id) { return core.store ? core.store->attachment(id) : std::nullopt; })
{
}

CoreError MessageManager::Post::takeAttachments(const QJsonValue &list)
{
    if (list.isUndefined() || list.isNull()) return {};
    if (!list.isArray()) return CoreError::invalid("attachments", "attachments must be an array");
    for (const QJsonValue &a : list.toArray()) {
        if (a.isString())
            uploadIds.append(a.toString());
        else if (a.isObject())
            attachments.append(Attachment::fromJson(a.toObject()));
        else
            return CoreError::invalid("attachments", "attachments must be objects or upload ids");
    }
    return {};
}

CoreError MessageManager::validateContent(const QString &content, bool allowEmpty) const
{
    // Without copies: this runs for every message.
    if (!allowEmpty && std::all_of(content.cbegin(), content.cend(), [](QChar c) { return c.isSpace(); }))
        return CoreError::invalid("content", "can't be blank");
    // A UTF-16 unit is at most three UTF-8 bytes: only long texts need counting.
    const int max = m_core.config.maxMessageBytes;
    if (content.size() * 3 > max && content.toUtf8().size() > max)
        return CoreError::tooLarge(QStringLiteral("message is larger than %1 bytes").arg(max));
    return {};
}

void MessageManager::fillMessageContext(ChatEvent &e) const
{
    if (const User *u = m_core.dir.user(e.message.userId)) e.actor = *u;
    if (!e.message.replyToId.isEmpty())
        if (auto r = m_core.store->message(e.message.replyToId)) e.replyTo = *r;
    if (!e.message.forwardedFromId.isEmpty())
        if (auto r = m_core.store->message(e.message.forwardedFromId)) e.forwardedFrom = *r;
}

EventStampPtr MessageManager::stampAbout(ChatEvent::Type type, const Message &m, const QString &actorId,
                                         const Reaction &reaction) const
{
    return m_core.resume->stamp(type, m.channelId, [m, reaction, actorId](qint64) {
        return EventLogCodec::encode(m, reaction, actorId, QString());
    });
}

void MessageManager::publishAbout(ChatEvent::Type type, const Message &m, const QString &actorId,
                                  const EventStampPtr &stamp, const Reaction &reaction)
{
    const Channel *c = m_core.dir.channel(m.channelId);
    if (!c || (stamp && stamp->skip)) return;
    m_core.outlet.publish(type, *c, [&](ChatEvent &e) {
        e.message = m;
        e.reaction = reaction;
        e.seq = stamp ? stamp->seq : 0;
        e.gid = stamp ? stamp->gid : 0;
        if (type == ChatEvent::Type::MessageUpdated)
            fillMessageContext(e);
        else if (const User *u = m_core.dir.user(actorId))
            e.actor = *u;
    });
}

// ---- posting ------------------------------------------------------------------

void MessageManager::post(const QString &actorId, const Post &cmd, QObject *context, Callback<Message> done,
                          const QString &originSessionId)
{
    Result<QList<Attachment>> atts = m_attachments.resolve(actorId, cmd.attachments, cmd.uploadIds);
    if (!atts.ok()) return CommitPath::reject(done, atts.error);
    postResolved(actorId, cmd, atts.value, context, std::move(done), originSessionId);
}

void MessageManager::postResolved(const QString &actorId, const Post &cmd, QList<Attachment> attachments,
                                  QObject *context, Callback<Message> done, const QString &originSessionId)
{
    const bool system = actorId == CoreContext::systemUserId();
    const User *author = m_core.dir.user(actorId);
    if (!author || (author->disabled && !system))
        return CommitPath::reject(done, CoreError::unauthorized("unknown user"));
    if (cmd.channelId.isEmpty()) return CommitPath::reject(done, CoreError::invalid("channel_id", "can't be blank"));
    Result<Channel> ch = system && m_core.dir.channel(cmd.channelId)
                           ? Result<Channel>::success(*m_core.dir.channel(cmd.channelId))
                           : m_core.access.readable(actorId, cmd.channelId);
    if (!ch.ok()) return CommitPath::reject(done, ch.error);
    if (CoreError e = validateContent(cmd.content, !attachments.isEmpty() || !cmd.forwardedFromId.isEmpty()))
        return CommitPath::reject(done, e);
    if (system || m_core.config.messagesPerMinutePerChannel <= 0)
        return postChecked(actorId, cmd, std::move(attachments), context, std::move(done), originSessionId);
    // Exact across a cluster's nodes: Redis's count answers first (a caller gone
    // meanwhile gets no answer, so nothing is posted for it); its later commands wait.
    const QString key = QLatin1String("msg:") + actorId + QLatin1Char(':') + cmd.channelId;
    m_core.checkRateInOrder(context, key, m_core.config.messagesPerMinutePerChannel,
                            [=, this, self = QPointer<MessageManager>(this), caller = QPointer<QObject>(context),
                             done = std::move(done)](const CoreError &e) {
        if (!self || (context && !caller)) return;
        if (e) return CommitPath::reject(done, e);
        postChecked(actorId, cmd, attachments, context, done, originSessionId);
    });
}

void MessageManager::postChecked(const QString &actorId, const Post &cmd, QList<Attachment> attachments,
                                 QObject *context, Callback<Message> done, const QString &originSessionId)
{
    Message m;
    m.id = Timestamp::newTimeOrderedId();
    m.channelId = cmd.channelId;
    m.userId = actorId;
    m.content = cmd.content;
    m.attachments = std::move(attachments);
    m.metadata = cmd.metadata;
    m.forwardedFromId = cmd.forwardedFromId;
    if (!cmd.threadId.isEmpty()) {
        auto parent = m_core.store->message(cmd.threadId);
        if (!parent || parent->channelId != cmd.channelId || parent->isDeleted())
            return CommitPath::reject(done, CoreError::notFound("thread parent not found"));
        m.threadId = parent->threadId.isEmpty() ? parent->id : parent->threadId; // threads are one level deep
    }
    if (!cmd.replyToId.isEmpty()) {
        auto quoted = m_core.store->message(cmd.replyToId);
        if (!quoted || quoted->channelId != cmd.channelId)
            return CommitPath::reject(done, CoreError::notFound("replied-to message not found"));
        m.replyToId = quoted->id;
    }
    QList<User> mentioned;
    for (const QString &name : MentionParser::usernames(m.content)) {
        const User *u = m_core.dir.userByName(name);
        if (u && u->id != actorId && m_core.dir.canRead(m.channelId, u->id)) {
            mentioned.append(*u);
            m.mentions.append(u->id);
        }
    }
    m.createdAt = Timestamp::nowMs();

    // The message's sequence number is its creation event's, assigned in the transaction.
    auto stamp = m_core.resume->stamp(ChatEvent::Type::MessageCreated, m.channelId, [m, actorId](qint64 seq) {
        Message logged = m;
        logged.seq = seq;
        return EventLogCodec::encode(logged, Reaction(), actorId, QString());
    });
    CommitPath::Steps<Message> steps;
    steps.write = [m, stamp](Store &store, CommitPath::Tally &t) { store.insertMessage(m, t.next(), stamp); };
    steps.apply = [m, stamp] {
        ++Metrics::instance().messagesPosted;
        Message posted = m;
        posted.seq = stamp->seq;
        return Result<Message>::success(posted);
    };
    steps.publish = [=, this](const Message &m) {
        const Channel *c = m_core.dir.channel(m.channelId);
        if (!c) return;
        m_core.outlet.publish(ChatEvent::Type::MessageCreated, *c, [&](ChatEvent &e) {
            e.message = m;
            e.originSessionId = originSessionId;
            e.seq = stamp->seq;
            e.gid = stamp->gid;
            fillMessageContext(e);
        });
        for (const User &u : mentioned)
            m_core.outlet.publish(
                ChatEvent::Type::Mention, *c,
                [&](ChatEvent &e) {
                e.message = m;
                e.subject = u;
                e.actor = *m_core.dir.user(m.userId);
                },
                {RoomManager::userTopic(u.id)});
    };
    m_core.commits.commit(context, std::move(done), std::move(steps));
    if (!m.threadId.isEmpty()) bumpThread(m);
}

void MessageManager::bumpThread(const Message &reply)
{
    const QString parentId = reply.threadId;
    CommitPath::Steps<Message> steps;
    steps.write = [=](Store &store, CommitPath::Tally &t) { store.bumpThread(parentId, reply.createdAt, t.next()); };
    steps.apply = [=, this] {
        auto parent = m_core.store->message(parentId);
        return parent ? Result<Message>::success(*parent)
                      : Result<Message>::failure(CoreError::notFound("thread parent not found"));
    };
    steps.publish = [=, this](const Message &parent) {
        const Channel *c = m_core.dir.channel(reply.channelId);
        if (!c) return;
        m_core.outlet.publish(ChatEvent::Type::ThreadUpdated, *c, [&](ChatEvent &e) {
            e.message = parent;
            if (const User *u = m_core.dir.user(reply.userId)) e.actor = *u;
        });
    };
    m_core.commits.commit<Message>(nullptr, nullptr, std::move(steps));
}

void MessageManager::forward(const QString &actorId, const QString &messageId, const QString &targetChannelId,
                             QObject *context, Callback<Message> done)
{
    Result<Message> found = message(actorId, messageId);
    if (!found.ok() || found.value.isDeleted())
        return CommitPath::reject(done, CoreError::notFound("message not found"));
    Post cmd;
    cmd.channelId = targetChannelId;
    cmd.content = found.value.content;
    cmd.forwardedFromId = found.value.id;
    // The original's attachments were judged when it was posted.
    postResolved(actorId, cmd, found.value.attachments, context, std::move(done), QString());
}

void MessageManager::systemMessage(const QString &channelId, const QString &text, QObject *context, Callback<int> done)
{
    QStringList targets;
    if (channelId.isEmpty()) {
        for (const Workspace &w : m_core.dir.workspaces())
            for (const Channel &c : m_core.dir.channelsOfWorkspace(w.id))
                if (c.type != Channel::Type::Dm) targets.append(c.id);
    } else if (m_core.dir.channel(channelId)) {
        targets.append(channelId);
    } else {
        return CommitPath::reject(done, CoreError::notFound("channel not found"));
    }
    if (CoreError e = validateContent(text, false)) return CommitPath::reject(done, e);
    if (targets.isEmpty()) return done ? done(Result<int>::success(0)) : void();
    auto remaining = std::make_shared<int>(int(targets.size()));
    auto posted = std::make_shared<int>(0);
    for (const QString &id : targets) {
        Post cmd;
        cmd.channelId = id;
        cmd.content = text;
        cmd.metadata = QJsonObject{{"system", true}};
        postResolved(
            CoreContext::systemUserId(), cmd, {}, nullptr,
            [=, guard = ContextGuard(context)](const Result<Message> &r) {
            if (r.ok()) ++*posted;
            if (--*remaining == 0) CommitPath::reply(guard, done, Result<int>::success(*posted));
            },
            QString());
    }
}

// ---- changes to a message ---------------------------------------------------------

void MessageManager::edit(const QString &actorId, const QString &messageId, const QString &content, QObject *context,
                          Callback<Message> done)
{
    Result<Message> found = message(actorId, messageId);
    if (!found.ok() || found.value.isDeleted())
        return CommitPath::reject(done, CoreError::notFound("message not found"));
    Message m = found.value;
    if (m.userId != actorId)
        return CommitPath::reject(done, CoreError::accessDenied("only the author can edit a message"));
    if (m_core.config.editWindowSeconds > 0
        && Timestamp::nowMs() - m.createdAt > m_core.config.editWindowSeconds * 1000)
        return CommitPath::reject(done, CoreError::accessDenied("Edit time limit exceeded"));
    if (CoreError e = validateContent(content, !m.attachments.isEmpty())) return CommitPath::reject(done, e);
    m.content = content;
    m.editedAt = Timestamp::nowMs();
    auto stamp = stampAbout(ChatEvent::Type::MessageUpdated, m, actorId);
    CommitPath::Steps<Message> steps;
    steps.write = [m, stamp](Store &store, CommitPath::Tally &t) {
        store.updateMessageContent(m.id, m.content, m.editedAt, t.next(), stamp);
    };
    steps.apply = [m] { return Result<Message>::success(m); };
    steps.publish = [=, this](const Message &) { publishAbout(ChatEvent::Type::MessageUpdated, m, actorId, stamp); };
    m_core.commits.commit(context, std::move(done), std::move(steps));
}

void MessageManager::remove(const QString &actorId, const QString &messageId, QObject *context, Callback<Message> done)
{
    Result<Message> found = message(actorId, messageId);
    if (!found.ok() || found.value.isDeleted())
        return CommitPath::reject(done, CoreError::notFound("message not found"));
    Message m = found.value;
    const Channel *c = m_core.dir.channel(m.channelId);
    if (m.userId != actorId && !(c && m_core.access.canModerate(actorId, *c)))
        return CommitPath::reject(done, CoreError::accessDenied("only the author can delete a message"));
    m.deletedAt = Timestamp::nowMs();
    auto stamp = stampAbout(ChatEvent::Type::MessageDeleted, m, actorId);
    CommitPath::Steps<Message> steps;
    steps.write = [m, stamp](Store &store, CommitPath::Tally &t) {
        store.markMessageDeleted(m.id, m.deletedAt, t.next(), stamp);
    };
    steps.apply = [m] { return Result<Message>::success(m); };
    steps.publish = [=, this](const Message &) { publishAbout(ChatEvent::Type::MessageDeleted, m, actorId, stamp); };
    m_core.commits.commit(context, std::move(done), std::move(steps));
}

void MessageManager::addReaction(const QString &actorId, const QString &messageId, const QString &emoji,
                                 QObject *context, Callback<Reaction> done)
{
    const CoreError already = CoreError::conflict("reaction already added");
    if (emoji.trimmed().isEmpty() || emoji.size() > 64)
        return CommitPath::reject(done, CoreError::invalid("emoji", "emoji must be 1-64 characters"));
    Result<Message> found = message(actorId, messageId);
    if (!found.ok() || found.value.isDeleted())
        return CommitPath::reject(done, CoreError::notFound("message not found"));
    for (const Reaction &r : found.value.reactions)
        if (r.userId == actorId && r.emoji == emoji) return CommitPath::reject(done, already);
    const Reaction r{Timestamp::newId(), messageId, actorId, emoji, Timestamp::nowMs()};
    const Message m = found.value;
    auto stamp = stampAbout(ChatEvent::Type::ReactionAdded, m, actorId, r);
    CommitPath::Steps<Reaction> steps;
    steps.onConflict = already; // the same reaction raced in from another connection
    steps.write = [r, stamp](Store &store, CommitPath::Tally &t) { store.insertReaction(r, t.next(), stamp); };
    steps.apply = [r] { return Result<Reaction>::success(r); };
    steps.publish = [=, this](const Reaction &) { publishAbout(ChatEvent::Type::ReactionAdded, m, actorId, stamp, r); };
    m_core.commits.commit(context, std::move(done), std::move(steps));
}

void MessageManager::removeReaction(const QString &actorId, const QString &messageId, const QString &emoji,
                                    QObject *context, Callback<Reaction> done)
{
    Result<Message> found = message(actorId, messageId);
    if (!found.ok()) return CommitPath::reject(done, CoreError::notFound("message not found"));
    for (const Reaction &r : found.value.reactions)
        if (r.userId == actorId && r.emoji == emoji) return removeReactionById(actorId, r.id, context, std::move(done));
    CommitPath::reject(done, CoreError::notFound("reaction not found"));
}

void MessageManager::removeReactionById(const QString &actorId, const QString &reactionId, QObject *context,
                                        Callback<Reaction> done)
{
    auto r = reactionId.isEmpty() ? std::nullopt : m_core.store->reaction(reactionId);
    if (!r) return CommitPath::reject(done, CoreError::notFound("reaction not found"));
    Result<Message> found = message(actorId, r->messageId);
    if (!found.ok()) return CommitPath::reject(done, CoreError::notFound("reaction not found"));
    if (r->userId != actorId)
        return CommitPath::reject(done, CoreError::accessDenied("only the reactor can remove a reaction"));
    const Reaction reaction = *r;
    const Message m = found.value;
    auto stamp = stampAbout(ChatEvent::Type::ReactionRemoved, m, actorId, reaction);
    CommitPath::Steps<Reaction> steps;
    steps.write = [reaction, stamp](Store &store, CommitPath::Tally &t) {
        store.deleteReaction(reaction.id, t.next(), stamp);
    };
    steps.apply = [reaction] { return Result<Reaction>::success(reaction); };
    steps.publish = [=, this](const Reaction &) {
        publishAbout(ChatEvent::Type::ReactionRemoved, m, actorId, stamp, reaction);
    };
    m_core.commits.commit(context, std::move(done), std::move(steps));
}

void MessageManager::markRead(const QString &actorId, const QString &messageId, QObject *context,
                              Callback<Message> done)
{
    Result<Message> found = message(actorId, messageId);
    if (!found.ok()) return CommitPath::reject(done, found.error);
    const Message m = found.value;
    CommitPath::Steps<Message> steps;
    steps.write = [=](Store &store, CommitPath::Tally &t) {
        store.markRead(m.channelId, actorId, m.id, Timestamp::nowMs(), t.next());
    };
    steps.apply = [m] { return Result<Message>::success(m); };
    steps.publish = [=, this](const Message &) { m_core.lane->readChanged(m, actorId); };
    m_core.commits.commit(context, std::move(done), std::move(steps));
}

// ---- uploads and reads ------------------------------------------------------------

void MessageManager::registerUpload(const QString &actorId, const Attachment &upload, QObject *context,
                                    Callback<Attachment> done)
{
    if (!m_core.dir.user(actorId)) return CommitPath::reject(done, CoreError::unauthorized("unknown user"));
    Attachment a = upload;
    a.uploaderId = actorId;
    CommitPath::Steps<Attachment> steps;
    steps.write = [a](Store &store, CommitPath::Tally &t) { store.insertAttachment(a, t.next()); };
    steps.apply = [a] { return Result<Attachment>::success(a); };
    m_core.commits.commit(context, std::move(done), std::move(steps));
}

Result<Attachment> MessageManager::upload(const QString &actorId, const QString &uploadId) const
{
    return UploadAccess(m_core).downloadable(actorId, uploadId);
}

Result<Message> MessageManager::message(const QString &actorId, const QString &messageId) const
{
    auto m = messageId.isEmpty() ? std::nullopt : m_core.store->message(messageId);
    if (!m || (!actorId.isEmpty() && !m_core.dir.canRead(m->channelId, actorId)))
        return Result<Message>::failure(CoreError::notFound("message not found"));
    return Result<Message>::success(*m);
}

void MessageManager::announceThreadStarted(const Message &parent, const QString &actorId,
                                           const QString &originSessionId)
{
    const Channel *c = m_core.dir.channel(parent.channelId);
    if (!c) return;
    // Through the outlet, so that the cluster carries it to the other nodes (ClusterPresence).
    m_core.outlet.publish(ChatEvent::Type::ThreadStarted, *c, [&](ChatEvent &e) {
        e.message = parent;
        if (const User *u = m_core.dir.user(actorId)) e.actor = *u;
        e.originSessionId = originSessionId;
    });
}

} // namespace switchboard
