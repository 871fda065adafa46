#include "DirectoryReloader.h"

#include "CoreContext.h"

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
    m_core.reloader = hook ? this : nullptr;
    if (hook)
        m_core.access.setRecheck([this](const QString &userId, const QString &channelId) {
            reload(QStringLiteral("channels"), channelId);
            if (!userId.isEmpty()) reloadUser(userId);
        });
    else
        m_core.access.setRecheck({});
    m_core.dir.setChangeHook(std::move(hook));
}

bool DirectoryReloader::reloadUserNamed(const QString &nameOrEmail)
{
    if (!m_core.store || nameOrEmail.isEmpty()) return false;
    const QList<User> users = m_core.store->loadUsersNamed(nameOrEmail);
    for (const User &u : users) putNewUser(u);
    return !users.isEmpty();
}

bool DirectoryReloader::reloadUser(const QString &id)
{
    if (!m_core.store || id.isEmpty()) return false;
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
    Mute mute{m_core.dir};
    m_core.dir.putUser(u);
    for (const auto &m : workspaces) m_core.dir.addWorkspaceMember(m.scopeId, m.userId);
    for (const auto &m : channels)
        if (m_core.dir.channel(m.scopeId)) m_core.dir.addChannelMember(m.scopeId, m.userId);
}

bool DirectoryReloader::reload(const QString &kind, const QString &id)
{
    Store *store = m_core.store;
    if (!store) return false;
    Directory &dir = m_core.dir;
    if (kind == QLatin1String("users")) {
        const QList<User> users = store->loadUsers(id);
        Mute mute{dir};
        for (const User &u : users) dir.putUser(u);
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
