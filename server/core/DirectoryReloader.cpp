#include "DirectoryReloader.h"

#include "AccountManager.h"
#include "ChannelManager.h"
#include "ChatEvent.h"
#include "CoreContext.h"
#include "Session.h"
#include "SessionManager.h"

namespace switchboard {

void DirectoryReloader::setChangeHook(std::function<void(const char *kind)> hook)
{
    m_core.dir.setChangeHook(std::move(hook));
}

void DirectoryReloader::announce(const char *kind) const
{
    if (const Directory::ChangeHook &hook = m_core.dir.changeHook()) hook(kind);
}

void DirectoryReloader::setReadThrough(bool on)
{
    m_readThrough = on;
    if (on)
        m_core.access.setRefresh(
            [this] { return reload(QStringLiteral("workspaces")) && reload(QStringLiteral("channels")); });
    else
        m_core.access.setRefresh({});
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
        const Directory::ChangeHook saved = m_core.dir.changeHook();
        m_core.dir.setChangeHook({}); // applying another node's change must not announce it back
        m_core.dir.removeChannel(e.channel.id);
        m_core.dir.setChangeHook(saved);
        return;
    }
    if (e.type != ChatEvent::Type::MemberLeft || e.subject.id.isEmpty()) return;
    // As ChannelManager::memberRemoved, with the membership already re-read.
    const bool stillReadable = m_core.dir.canRead(e.channel.id, e.subject.id);
    for (Session *s : m_core.sessions->sessionsOfUser(e.subject.id))
        if (s->followsMemberships() || !stillReadable)
            m_core.rooms.unsubscribe(s, RoomManager::channelTopic(e.channel.id));
}

bool DirectoryReloader::reloadOnMiss(const char *kind)
{
    return m_readThrough && reload(QString::fromLatin1(kind));
}

bool DirectoryReloader::reload(const QString &kind)
{
    Store *store = m_core.store;
    if (!store) return false;
    Directory &dir = m_core.dir;
    // Applying another node's change must not announce it back.
    struct Mute
    {
        explicit Mute(Directory &d) : dir(d), saved(d.changeHook()) { dir.setChangeHook({}); }
        ~Mute() { dir.setChangeHook(saved); }
        Directory &dir;
        Directory::ChangeHook saved;
    };
    if (kind == QLatin1String("users")) {
        const QList<User> users = store->loadUsers();
        QStringList disabled;
        {
            Mute mute{dir};
            for (const User &u : users) {
                const User *before = dir.user(u.id);
                if (u.disabled && before && !before->disabled) disabled.append(u.id);
                dir.putUser(u);
            }
        }
        for (const QString &id : std::as_const(disabled)) m_core.accounts->closeDisabled(id, QString());
        return true;
    }
    if (kind == QLatin1String("revocations")) {
        m_core.accounts->applyRemoteRevocations();
        return true;
    }
    if (kind == QLatin1String("workspaces")) {
        const QList<Workspace> workspaces = store->loadWorkspaces();
        const auto members = store->loadWorkspaceMembers();
        Mute mute{dir};
        for (const Workspace &w : workspaces) dir.putWorkspace(w);
        for (const auto &m : members) dir.addWorkspaceMember(m.scopeId, m.userId);
        return true;
    }
    if (kind == QLatin1String("channels")) {
        const QList<Channel> channels = store->loadChannels();
        QHash<QString, QSet<QString>> members;
        for (const auto &m : store->loadChannelMembers()) members[m.scopeId].insert(m.userId);
        Mute mute{dir};
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
