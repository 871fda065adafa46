#include "DirectoryReloader.h"

#include "AccountManager.h"
#include "ChannelManager.h"
#include "ChatEvent.h"
#include "CoreContext.h"
#include "Session.h"
#include "SessionManager.h"
#include "Timestamp.h"

namespace switchboard {

namespace {

// Applying another node's change must not announce it back.
struct Mute
{
    explicit Mute(Directory &d) : dir(d), saved(d.changeHook()) { dir.setChangeHook({}); }
    ~Mute() { dir.setChangeHook(saved); }
    Directory &dir;
    Directory::ChangeHook saved;
};

} // namespace

void DirectoryReloader::setChangeHook(std::function<void(const char *kind, const QString &id)> hook)
{
    m_core.dir.setChangeHook(std::move(hook));
}

bool DirectoryReloader::reloadUserNamed(const QString &nameOrEmail)
{
    if (!m_readThrough || !m_core.store || nameOrEmail.isEmpty()) return false;
    const QList<User> users = m_core.store->loadUsersNamed(nameOrEmail);
    for (const User &u : users) putNewUser(u);
    return !users.isEmpty();
}

bool DirectoryReloader::reloadUser(const QString &id)
{
    if (!m_readThrough || !m_core.store || id.isEmpty()) return false;
    const QList<User> users = m_core.store->loadUsers(id);
    for (const User &u : users) putNewUser(u);
    return !users.isEmpty();
}

void DirectoryReloader::putNewUser(const User &u)
{
    // With the memberships its registration made (the default workspace and
    // its general channel), whose own notices may still be on their way.
    Store *store = m_core.store;
    const auto workspaces = store->loadMembershipsOf(u.id, false);
    const auto channels = store->loadMembershipsOf(u.id, true);
    // A channel of theirs this node has not heard of (a conversation opened on
    // another node a moment ago): read it, with its members.
    for (const auto &m : channels)
        if (!m_core.dir.channel(m.scopeId)) reload(QStringLiteral("channels"), m.scopeId);
    Mute mute{m_core.dir};
    m_core.dir.putUser(u);
    for (const auto &m : workspaces) m_core.dir.addWorkspaceMember(m.scopeId, m.userId);
    for (const auto &m : channels)
        if (m_core.dir.channel(m.scopeId)) m_core.dir.addChannelMember(m.scopeId, m.userId);
}

void DirectoryReloader::announce(const char *kind) const
{
    if (const Directory::ChangeHook &hook = m_core.dir.changeHook()) hook(kind, QString());
}

void DirectoryReloader::setReadThrough(bool on)
{
    m_readThrough = on;
    m_rechecked.clear();
    if (on)
        m_core.access.setRecheck([this](const QString &userId, const QString &channelId, const QString &workspaceId) {
            recheck(userId, channelId, workspaceId);
        });
    else
        m_core.access.setRecheck({});
}

void DirectoryReloader::recheck(const QString &userId, const QString &channelId, const QString &workspaceId)
{
    // Read once since the last notice: the database had nothing newer then, and
    // a change since comes with a notice (reload() forgets these).
    const QString key = userId + QLatin1Char('\n') + channelId + QLatin1Char('\n') + workspaceId;
    const qint64 now = Timestamp::nowMs();
    const auto it = m_rechecked.constFind(key);
    if (it != m_rechecked.cend() && now - it.value() < kRecheckTtlMs) return;
    if (m_rechecked.size() >= kRecheckMax) m_rechecked.clear(); // bounded: a flood of bad ids starts over
    m_rechecked.insert(key, now);
    if (!channelId.isEmpty()) read(QStringLiteral("channels"), channelId);
    if (!workspaceId.isEmpty()) read(QStringLiteral("workspaces"), workspaceId);
    if (!userId.isEmpty()) reloadUser(userId);
}

void DirectoryReloader::followRemoteMember(const ChatEvent &e)
{
    if (e.type != ChatEvent::Type::MemberJoined || e.subject.id.isEmpty()) return;
    m_core.channels->subscribeFollowers(e.subject.id, RoomManager::channelTopic(e.channel.id));
}

void DirectoryReloader::unfollowRemoteMember(const ChatEvent &e)
{
    if (e.type == ChatEvent::Type::ChannelDeleted) {
        // As ChannelManager::deleteChannel settles it; the re-read keeps rows it no longer sees.
        const QString topic = RoomManager::channelTopic(e.channel.id);
        for (Session *s : m_core.rooms.subscribers(topic)) m_core.rooms.unsubscribe(s, topic);
        Mute mute{m_core.dir};
        if (m_core.dir.channel(e.channel.id)) m_core.dir.removeChannel(e.channel.id);
        return;
    }
    if (e.type != ChatEvent::Type::MemberLeft || e.subject.id.isEmpty()) return;
    // As ChannelManager::memberRemoved, with the membership already re-read.
    const bool stillReadable = m_core.dir.canRead(e.channel.id, e.subject.id);
    for (Session *s : m_core.sessions->sessionsOfUser(e.subject.id))
        if (s->followsMemberships() || !stillReadable)
            m_core.rooms.unsubscribe(s, RoomManager::channelTopic(e.channel.id));
}

bool DirectoryReloader::reload(const QString &kind, const QString &id)
{
    m_rechecked.clear();
    return read(kind, id);
}

bool DirectoryReloader::read(const QString &kind, const QString &id)
{
    Store *store = m_core.store;
    if (!store) return false;
    Directory &dir = m_core.dir;
    if (kind == QLatin1String("users")) {
        const QList<User> users = store->loadUsers(id);
        QStringList disabled;
        {
            Mute mute{dir};
            for (const User &u : users) {
                const User *before = dir.user(u.id);
                if (u.disabled && before && !before->disabled) disabled.append(u.id);
                dir.putUser(u);
            }
        }
        for (const QString &u : std::as_const(disabled)) m_core.accounts->closeDisabled(u, QString());
        return true;
    }
    if (kind == QLatin1String("revocations")) {
        m_core.accounts->applyRemoteRevocations();
        return true;
    }
    if (kind == QLatin1String("workspaces")) {
        const QList<Workspace> workspaces = store->loadWorkspaces(id);
        const auto members = store->loadWorkspaceMembers(id);
        Mute mute{dir};
        for (const Workspace &w : workspaces) dir.putWorkspace(w);
        for (const auto &m : members) dir.addWorkspaceMember(m.scopeId, m.userId);
        return true;
    }
    if (kind == QLatin1String("channels")) {
        const QList<Channel> channels = store->loadChannels(id);
        QHash<QString, QSet<QString>> members;
        for (const auto &m : store->loadChannelMembers(id)) members[m.scopeId].insert(m.userId);
        Mute mute{dir};
        // Deleted on the other node: gone from the database, so gone here too.
        if (!id.isEmpty() && channels.isEmpty() && dir.channel(id)) dir.removeChannel(id);
        for (const Channel &c : channels) {
            dir.putChannel(c);
            const QSet<QString> wanted = members.value(c.id);
            for (const QString &u : dir.channelMembers(c.id))
                if (!wanted.contains(u)) dir.removeChannelMember(c.id, u);
            for (const QString &u : wanted) dir.addChannelMember(c.id, u);
            if (c.type == Channel::Type::Dm) dir.putDm(Directory::dmKey(wanted.values()), c.id);
        }
        return true;
    }
    return false;
}

} // namespace switchboard
