#include "ChannelManager.h"

#include "CoreContext.h"
#include "storage/EventStamp.h"
#include "EventLogCodec.h"
#include "ResumeManager.h"
#include "Session.h"
#include "SessionManager.h"
#include "storage/Store.h"
#include "Timestamp.h"

#include <algorithm>

namespace switchboard {

using R = Result<Channel>;

ChannelManager::ChannelManager(CoreContext &core, QObject *parent) : QObject(parent), m_core(core) {}

void ChannelManager::subscribeFollowers(const QString &userId, const QString &topic)
{
    // Every session hears its workspaces; channel topics only sessions that follow memberships.
    const bool all = topic.startsWith(RoomManager::workspaceTopic(QString()));
    for (Session *s : m_core.sessions->sessionsOfUser(userId))
        if (all || s->followsMemberships()) m_core.rooms.subscribe(s, topic);
}

// ---- channels -----------------------------------------------------------------


void ChannelManager::createChannel(const QString &actorId, const QString &name, const QString &type,
                                   const QString &description, const QString &workspaceId, QObject *context,
                                   Callback<Channel> done)
{
    Channel c;
    c.name = name.trimmed();
    if (c.name.startsWith('#')) c.name.remove(0, 1);
    if (c.name.isEmpty() || c.name.size() > 80)
        return CommitPath::reject(done, CoreError::invalid("name", "name must be 1-80 characters"));
    if (!Channel::parseType(type.isEmpty() ? QStringLiteral("public") : type, &c.type) || c.type == Channel::Type::Dm)
        return CommitPath::reject(done, CoreError::invalid("type", "type must be public or private"));
    if (description.size() > 1000)
        return CommitPath::reject(done, CoreError::invalid("description", "description is too long"));
    c.workspaceId = workspaceId.isEmpty() ? m_core.dir.defaultWorkspaceId() : workspaceId;
    const auto member = [&] {
        return m_core.dir.workspace(c.workspaceId) && m_core.dir.isWorkspaceMember(c.workspaceId, actorId);
    };
    // Made or joined on another cluster node a moment ago? (re-read once; single server: no-op)
    if (!member() && !(m_core.access.recheck(actorId, QString(), c.workspaceId) && member()))
        return CommitPath::reject(done, CoreError::notFound("no such workspace"));
    const CoreError taken = CoreError::conflict("a channel with that name exists");
    const QString nameKey = c.workspaceId + QLatin1Char('/') + c.name.toLower();
    if (!m_core.dir.findChannelByName(c.workspaceId, c.name).isEmpty() || m_pendingChannelNames.contains(nameKey))
        return CommitPath::reject(done, taken);
    m_pendingChannelNames.insert(nameKey); // the directory learns of it only at commit
    c.id = Timestamp::newId();
    c.description = description;
    c.createdBy = actorId;
    c.createdAt = Timestamp::nowMs();
    CommitPath::Steps<Channel> steps;
    steps.onConflict = taken;
    auto joined = memberStamp(ChatEvent::Type::MemberJoined, c.id, actorId, actorId);
    steps.write = [=](Store &store, CommitPath::Tally &t) {
        store.insertChannel(c, t.next());
        store.addChannelMember(c.id, actorId, c.createdAt, t.next(), joined);
    };
    steps.landed = [=, this] { m_pendingChannelNames.remove(nameKey); };
    steps.apply = [=, this] {
        m_core.dir.putChannel(c);
        m_core.dir.addChannelMember(c.id, actorId);
        return R::success(c);
    };
    steps.publish = [=, this](const Channel &) {
        m_core.outlet.publish(
            ChatEvent::Type::ChannelCreated, c, [&](ChatEvent &e) { e.actor = *m_core.dir.user(actorId); },
            c.isPublic() ? QStringList{RoomManager::workspaceTopic(c.workspaceId)}
                         : QStringList{RoomManager::userTopic(actorId)});
        announceMember(c, actorId, actorId, joined);
    };
    m_core.commits.commit(context, std::move(done), std::move(steps));
}

void ChannelManager::updateChannel(const QString &actorId, const QString &channelId, const std::optional<QString> &name,
                                   const std::optional<QString> &description, QObject *context, Callback<Channel> done)
{
    const Channel *cur = m_core.access.find(channelId, actorId);
    if (!cur || !m_core.dir.canRead(channelId, actorId))
        return CommitPath::reject(done, CoreError::notFound("channel not found"));
    if (!m_core.access.canModerate(actorId, *cur))
        return CommitPath::reject(done, CoreError::accessDenied(
                                            "only the creator or a workspace owner can change a channel"));
    Channel c = *cur;
    if (name) {
        QString n = name->trimmed();
        if (n.startsWith('#')) n.remove(0, 1);
        if (n.isEmpty() || n.size() > 80)
            return CommitPath::reject(done, CoreError::invalid("name", "name must be 1-80 characters"));
        const QString other = m_core.dir.findChannelByName(c.workspaceId, n);
        if (!other.isEmpty() && other != c.id)
            return CommitPath::reject(done, CoreError::conflict("a channel with that name exists"));
        c.name = n;
    }
    if (description) {
        if (description->size() > 1000)
            return CommitPath::reject(done, CoreError::invalid("description", "description is too long"));
        c.description = *description;
    }
    CommitPath::Steps<Channel> steps;
    steps.onConflict = CoreError::conflict("a channel with that name exists");
    steps.write = [=](Store &store, CommitPath::Tally &t) { store.updateChannel(c, t.next()); };
    steps.apply = [=, this] {
        m_core.dir.putChannel(c);
        return R::success(c);
    };
    steps.publish = [=, this](const Channel &) {
        m_core.outlet.publish(
            ChatEvent::Type::ChannelUpdated, c,
            [&](ChatEvent &e) {
            if (const User *u = m_core.dir.user(actorId)) e.actor = *u;
            },
            m_core.access.topicsFor(c, true));
    };
    m_core.commits.commit(context, std::move(done), std::move(steps));
}

void ChannelManager::deleteChannel(const QString &actorId, const QString &channelId, QObject *context,
                                   Callback<Channel> done)
{
    const Channel *cur = m_core.access.find(channelId, actorId);
    if (!cur || !m_core.dir.canRead(channelId, actorId))
        return CommitPath::reject(done, CoreError::notFound("channel not found"));
    if (!m_core.access.canModerate(actorId, *cur))
        return CommitPath::reject(done, CoreError::accessDenied(
                                            "only the creator or a workspace owner can delete a channel"));
    const Channel c = *cur;
    CommitPath::Steps<Channel> steps;
    steps.write = [=](Store &store, CommitPath::Tally &t) { store.deleteChannel(channelId, t.next()); };
    steps.apply = [=] { return R::success(c); };
    steps.publish = [=, this](const Channel &) {
        m_core.outlet.publish(
            ChatEvent::Type::ChannelDeleted, c,
            [&](ChatEvent &e) {
            if (const User *u = m_core.dir.user(actorId)) e.actor = *u;
            },
            m_core.access.topicsFor(c, true));
    };
    steps.settle = [=, this](const Channel &) {
        const QString topic = RoomManager::channelTopic(c.id);
        for (Session *s : m_core.rooms.subscribers(topic)) m_core.rooms.unsubscribe(s, topic);
        m_core.dir.removeChannel(c.id);
    };
    m_core.commits.commit(context, std::move(done), std::move(steps));
}

// ---- membership -----------------------------------------------------------------

void ChannelManager::joinChannel(const QString &actorId, const QString &channelId, QObject *context,
                                 Callback<Channel> done)
{
    const Channel *c = m_core.access.find(channelId);
    if (!c) return CommitPath::reject(done, CoreError::notFound("channel not found"));
    // In a cluster the user's workspace membership may not have arrived yet.
    if (!m_core.dir.isWorkspaceMember(c->workspaceId, actorId) && m_core.access.recheck(actorId, QString())) {
        c = m_core.dir.channel(channelId);
        if (!c) return CommitPath::reject(done, CoreError::notFound("channel not found"));
    }
    if (!c->isPublic() || !m_core.dir.isWorkspaceMember(c->workspaceId, actorId)) {
        if (m_core.dir.isChannelMember(channelId, actorId)) return done ? done(R::success(*c)) : void();
        return CommitPath::reject(done, CoreError::accessDenied("Access denied to channel"));
    }
    addMember(QString(), channelId, actorId, context, std::move(done));
}

void ChannelManager::enterChannel(Session *session, const QString &channelId, QObject *context, Callback<Channel> done)
{
    const QString userId = session->userId();
    if (CoreError e = checkJoinRate(userId)) return CommitPath::reject(done, e);
    if (CoreError e = m_core.sessions->subscribe(session, channelId)) return CommitPath::reject(done, e);
    Result<Channel> ch = m_core.access.readable(userId, channelId);
    // Joining a public channel makes the user a member, as in Slack: members
    // are who every dialect shows and notifies.
    if (ch.value.isPublic() && !m_core.dir.isChannelMember(channelId, userId))
        return persistMember(ch.value, userId, userId, context, std::move(done));
    if (done) done(ch);
}

CoreError ChannelManager::checkJoinRate(const QString &userId)
{
    return m_core.checkRate(QStringLiteral("join:") + userId, m_core.config.joinsPerMinute);
}

void ChannelManager::addMember(const QString &actorId, const QString &channelId, const QString &userId,
                               QObject *context, Callback<Channel> done)
{
    const Channel *cur = m_core.access.find(channelId, actorId);
    if (!cur) return CommitPath::reject(done, CoreError::notFound("channel not found"));
    if (!actorId.isEmpty() && !m_core.dir.isChannelMember(channelId, actorId))
        return CommitPath::reject(done, CoreError::accessDenied("only members can add members"));
    if (cur->type == Channel::Type::Dm)
        return CommitPath::reject(done, CoreError::invalid("channel_id", "members of a conversation are fixed"));
    if (!m_core.dir.user(userId)) return CommitPath::reject(done, CoreError::notFound("no such user"));
    if (!m_core.dir.isWorkspaceMember(cur->workspaceId, userId))
        return CommitPath::reject(done, CoreError::invalid("user_id", "user is not in the channel's workspace"));
    // Already a member, unless they left on another cluster node a moment ago:
    // re-read the members once (single server: no-op), else the join is lost.
    const auto member = [&] { return m_core.dir.isChannelMember(channelId, userId); };
    if (member() && m_core.access.recheck(QString(), channelId) && !(cur = m_core.dir.channel(channelId)))
        return CommitPath::reject(done, CoreError::notFound("channel not found"));
    if (member()) return done ? done(R::success(*cur)) : void();
    if (CoreError e = checkJoinRate(userId)) return CommitPath::reject(done, e);
    persistMember(*cur, userId, actorId.isEmpty() ? userId : actorId, context, std::move(done));
}

void ChannelManager::persistMember(const Channel &c, const QString &userId, const QString &actorId, QObject *context,
                                   Callback<Channel> done)
{
    CommitPath::Steps<Channel> steps;
    auto joined = memberStamp(ChatEvent::Type::MemberJoined, c.id, userId, actorId);
    steps.write = [=](Store &store, CommitPath::Tally &t) {
        store.addChannelMember(c.id, userId, Timestamp::nowMs(), t.next(), joined);
    };
    steps.apply = [=, this] {
        // Deleted while the membership was being written.
        if (!m_core.dir.channel(c.id)) return R::failure(CoreError::notFound("channel not found"));
        return R::success(c);
    };
    steps.publish = [=, this](const Channel &) { memberAdded(c, userId, actorId, joined); };
    m_core.commits.commit(context, std::move(done), std::move(steps));
}

void ChannelManager::memberAdded(const Channel &c, const QString &userId, const QString &actorId,
                                 const EventStampPtr &stamp)
{
    // Two joins raced: announce once (the second changed no row and logged
    // nothing). Not "already in the directory": on a cluster node another
    // node's notice may have re-read this very row before this commit's
    // callback ran, and the logged event and its notice must still go out.
    if (stamp->skip) return;
    announceMember(c, userId, actorId, stamp);
}

EventStampPtr ChannelManager::memberStamp(ChatEvent::Type type, const QString &channelId, const QString &userId,
                                          const QString &actorId) const
{
    return m_core.resume->stamp(type, channelId, [userId, actorId](qint64) {
        return EventLogCodec::encode(Message(), Reaction(), actorId, userId);
    });
}

void ChannelManager::announceMember(const Channel &c, const QString &userId, const QString &actorId,
                                    const EventStampPtr &stamp)
{
    m_core.dir.addChannelMember(c.id, userId);
    subscribeFollowers(userId, RoomManager::channelTopic(c.id));
    m_core.outlet.publish(
        ChatEvent::Type::MemberJoined, c,
        [&](ChatEvent &e) {
        if (const User *u = m_core.dir.user(userId)) e.subject = *u;
        if (const User *a = m_core.dir.user(actorId)) e.actor = *a;
        e.seq = stamp->seq;
        e.gid = stamp->gid;
        },
        m_core.access.topicsFor(c, true) << RoomManager::userTopic(userId));
}

void ChannelManager::removeMember(const QString &actorId, const QString &channelId, const QString &userId,
                                  QObject *context, Callback<Channel> done)
{
    const Channel *cur = m_core.access.find(channelId, actorId);
    if (!cur || (!actorId.isEmpty() && !m_core.dir.canRead(channelId, actorId)))
        return CommitPath::reject(done, CoreError::notFound("channel not found"));
    if (actorId != userId && !m_core.access.canModerate(actorId, *cur))
        return CommitPath::reject(done,
                                  CoreError::accessDenied("only the creator or a workspace owner can remove members"));
    // Joined on another cluster node a moment ago? (re-read once; single server: no-op)
    if (!m_core.dir.isChannelMember(channelId, userId) && m_core.access.recheck(QString(), channelId))
        cur = m_core.dir.channel(channelId);
    if (!cur || !m_core.dir.isChannelMember(channelId, userId))
        return CommitPath::reject(done, CoreError::notFound("user is not a member"));
    const Channel c = *cur;
    const QString actor = actorId.isEmpty() ? userId : actorId;
    CommitPath::Steps<Channel> steps;
    auto left = memberStamp(ChatEvent::Type::MemberLeft, channelId, userId, actor);
    steps.write = [=](Store &store, CommitPath::Tally &t) {
        store.removeChannelMember(channelId, userId, t.next(), left);
    };
    steps.apply = [=] { return R::success(c); };
    // Everyone hears it (the leaver included) before the leaver's subscriptions go.
    steps.publish = [=, this](const Channel &) {
        if (left->skip) return; // two leaves raced: the second removed no row and logged nothing
        m_core.outlet.publish(
            ChatEvent::Type::MemberLeft, c,
            [&](ChatEvent &e) {
            if (const User *u = m_core.dir.user(userId)) e.subject = *u;
            if (const User *a = m_core.dir.user(actor)) e.actor = *a;
            e.seq = left->seq;
            e.gid = left->gid;
            },
            m_core.access.topicsFor(c, true) << RoomManager::userTopic(userId));
    };
    steps.settle = [=, this](const Channel &) { memberRemoved(c, userId); };
    m_core.commits.commit(context, std::move(done), std::move(steps));
}

void ChannelManager::memberRemoved(const Channel &c, const QString &userId)
{
    m_core.dir.removeChannelMember(c.id, userId);
    const bool stillReadable = m_core.dir.canRead(c.id, userId);
    for (Session *s : m_core.sessions->sessionsOfUser(userId))
        if (s->followsMemberships() || !stillReadable) m_core.rooms.unsubscribe(s, RoomManager::channelTopic(c.id));
}

void ChannelManager::openConversation(const QString &actorId, QStringList participantIds, QObject *context,
                                      Callback<Channel> done)
{
    participantIds.append(actorId);
    participantIds.removeDuplicates();
    if (participantIds.size() < 2 || participantIds.size() > 9)
        return CommitPath::reject(done,
                                  CoreError::invalid("participant_ids", "a conversation has 2 to 9 participants"));
    QStringList names;
    for (const QString &id : participantIds) {
        const User *u = m_core.dir.user(id);
        if (!u || u->id == CoreContext::systemUserId())
            return CommitPath::reject(done, CoreError::invalid("participant_ids",
                                                               QStringLiteral("no such user: %1").arg(id.left(64))));
        names.append(u->username);
    }
    const QString key = Directory::dmKey(participantIds);
    if (auto pending = m_pendingDms.find(key); pending != m_pendingDms.end()) {
        // Created but not committed yet: answered together with the first caller.
        pending->append({std::move(done), ContextGuard(context)});
        return;
    }
    const auto existing = [&] { return m_core.dir.channel(m_core.dir.dmChannel(key)); };
    // Opened on another cluster node a moment ago? (re-read once; single server: no-op)
    if (existing() || (m_core.access.recheck(actorId, QString()) && existing()))
        return done ? done(R::success(*existing())) : void();
    std::sort(names.begin(), names.end());
    Channel c;
    c.id = Timestamp::newId();
    c.workspaceId = m_core.dir.defaultWorkspaceId();
    c.name = names.join(QLatin1Char(','));
    c.type = Channel::Type::Dm;
    c.createdBy = actorId;
    c.createdAt = Timestamp::nowMs();
    m_pendingDms.insert(key, {}); // a second request before the commit waits for this one
    auto waiting = std::make_shared<QList<std::pair<Callback<Channel>, ContextGuard>>>();
    CommitPath::Steps<Channel> steps;
    steps.write = [=](Store &store, CommitPath::Tally &t) {
        store.insertChannel(c, t.next());
        for (const QString &id : participantIds) store.addChannelMember(c.id, id, c.createdAt, t.next());
    };
    steps.landed = [=, this] { *waiting = m_pendingDms.take(key); };
    steps.apply = [=, this] {
        m_core.dir.putChannel(c);
        m_core.dir.putDm(key, c.id);
        for (const QString &id : participantIds) m_core.dir.addChannelMember(c.id, id);
        return R::success(c);
    };
    steps.publish = [=, this](const Channel &) {
        QStringList topics;
        for (const QString &id : participantIds) topics.append(RoomManager::userTopic(id));
        m_core.outlet.publish(
            ChatEvent::Type::ChannelCreated, c, [&](ChatEvent &e) { e.actor = *m_core.dir.user(actorId); }, topics);
        for (const QString &id : participantIds) subscribeFollowers(id, RoomManager::channelTopic(c.id));
    };
    // Every caller hears the outcome, each only while its own context lives.
    Callback<Channel> all = [guard = ContextGuard(context), done = std::move(done), waiting](const Result<Channel> &r) {
        CommitPath::reply(guard, done, r);
        for (const auto &w : *waiting) CommitPath::reply(w.second, w.first, r);
    };
    m_core.commits.commit(nullptr, std::move(all), std::move(steps));
}

QStringList ChannelManager::onlineMembers(const QString &channelId) const
{
    QStringList out;
    for (const QString &u : m_core.dir.channelMembers(channelId))
        if (m_core.presence.isOnline(u)) out.append(u);
    out.sort();
    return out;
}

} // namespace switchboard
