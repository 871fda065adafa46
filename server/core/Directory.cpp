#include "Directory.h"

#include <algorithm>

namespace switchboard {

void Directory::clear()
{
    ChangeHook hook = std::move(m_changed);
    *this = Directory();
    m_changed = std::move(hook);
}

void Directory::putUser(const User &u)
{
    if (const User *old = user(u.id)) {
        m_userByName.remove(old->username.toLower());
        if (!old->email.isEmpty()) m_userByName.remove(old->email.toLower());
    }
    m_users.insert(u.id, u);
    m_userByName.insert(u.username.toLower(), u.id);
    if (!u.email.isEmpty()) m_userByName.insert(u.email.toLower(), u.id);
    changed("users", u.id);
}

const User *Directory::user(const QString &id) const
{
    auto it = m_users.constFind(id);
    return it == m_users.constEnd() ? nullptr : &it.value();
}

const User *Directory::userByName(const QString &name) const
{
    return user(m_userByName.value(name.toLower()));
}

void Directory::putWorkspace(const Workspace &w)
{
    m_workspaces.insert(w.id, w);
    if (w.isDefault) m_defaultWorkspace = w.id;
    changed("workspaces", w.id);
}

const Workspace *Directory::workspace(const QString &id) const
{
    auto it = m_workspaces.constFind(id);
    return it == m_workspaces.constEnd() ? nullptr : &it.value();
}

void Directory::addWorkspaceMember(const QString &wsId, const QString &userId)
{
    m_wsMembers[wsId].insert(userId);
    m_userWorkspaces[userId].insert(wsId);
    changed("workspaces", wsId);
}

bool Directory::isWorkspaceMember(const QString &wsId, const QString &userId) const
{
    return m_wsMembers.value(wsId).contains(userId);
}

QStringList Directory::workspacesOf(const QString &userId) const
{
    return m_userWorkspaces.value(userId).values();
}

void Directory::putChannel(const Channel &c)
{
    m_channels.insert(c.id, c);
    changed("channels", c.id);
}

void Directory::removeChannel(const QString &id)
{
    for (const QString &u : m_chMembers.value(id)) m_userChannels[u].remove(id);
    m_chMembers.remove(id);
    m_channels.remove(id);
    for (auto it = m_dmIndex.begin(); it != m_dmIndex.end();) {
        if (it.value() == id)
            it = m_dmIndex.erase(it);
        else
            ++it;
    }
    changed("channels", id);
}

const Channel *Directory::channel(const QString &id) const
{
    auto it = m_channels.constFind(id);
    return it == m_channels.constEnd() ? nullptr : &it.value();
}

QList<Channel> Directory::channelsOfWorkspace(const QString &wsId) const
{
    QList<Channel> out;
    for (const Channel &c : m_channels)
        if (c.workspaceId == wsId) out.append(c);
    return out;
}

void Directory::addChannelMember(const QString &channelId, const QString &userId)
{
    m_chMembers[channelId].insert(userId);
    m_userChannels[userId].insert(channelId);
    changed("channels", channelId);
}

void Directory::removeChannelMember(const QString &channelId, const QString &userId)
{
    m_chMembers[channelId].remove(userId);
    m_userChannels[userId].remove(channelId);
    changed("channels", channelId);
}

bool Directory::isChannelMember(const QString &channelId, const QString &userId) const
{
    auto it = m_chMembers.constFind(channelId);
    return it != m_chMembers.constEnd() && it->contains(userId);
}

QStringList Directory::channelsOf(const QString &userId) const
{
    return m_userChannels.value(userId).values();
}

bool Directory::canRead(const QString &channelId, const QString &userId) const
{
    const Channel *c = channel(channelId);
    if (!c) return false;
    if (isChannelMember(channelId, userId)) return true;
    return c->isPublic() && isWorkspaceMember(c->workspaceId, userId);
}

QString Directory::findChannelByName(const QString &wsId, const QString &name) const
{
    for (const Channel &c : m_channels)
        if (c.workspaceId == wsId && c.type != Channel::Type::Dm && c.name.compare(name, Qt::CaseInsensitive) == 0)
            return c.id;
    return QString();
}

QString Directory::dmKey(QStringList participantIds)
{
    participantIds.removeDuplicates();
    std::sort(participantIds.begin(), participantIds.end());
    return participantIds.join(QLatin1Char(','));
}

} // namespace switchboard
