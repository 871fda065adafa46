#include "ChannelAccess.h"

#include "Directory.h"
#include "RoomManager.h"
#include "Workspace.h"

#include <algorithm>

namespace switchboard {

QList<Channel> ChannelAccess::visible(const QString &userId, const QString &workspaceId) const
{
    QList<Channel> out;
    const QStringList wss = workspaceId.isEmpty() ? m_dir.workspacesOf(userId) : QStringList{workspaceId};
    for (const QString &ws : wss) {
        if (!m_dir.isWorkspaceMember(ws, userId)) continue;
        for (const Channel &c : m_dir.channelsOfWorkspace(ws))
            if (m_dir.canRead(c.id, userId)) out.append(c);
    }
    std::sort(out.begin(), out.end(), [](const Channel &a, const Channel &b) {
        return a.createdAt < b.createdAt || (a.createdAt == b.createdAt && a.id < b.id);
    });
    return out;
}

const Channel *ChannelAccess::find(const QString &channelId, const QString &userId) const
{
    const Channel *c = m_dir.channel(channelId);
    const bool refused = !c || (!userId.isEmpty() && !m_dir.canRead(channelId, userId));
    if (!refused || channelId.isEmpty() || !recheck(userId, channelId)) return c;
    return m_dir.channel(channelId);
}

Result<Channel> ChannelAccess::readable(const QString &userId, const QString &channelId) const
{
    Result<Channel> r = check(userId, channelId);
    if (!r.ok() && recheck(userId, channelId)) r = check(userId, channelId);
    return r;
}

Result<Channel> ChannelAccess::check(const QString &userId, const QString &channelId) const
{
    const Channel *c = m_dir.channel(channelId);
    if (!c) return Result<Channel>::failure(CoreError::notFound("channel not found"));
    if (!m_dir.canRead(channelId, userId)) {
        if (c->type == Channel::Type::Dm)
            return Result<Channel>::failure(CoreError::accessDenied("Access denied to conversation"));
        return Result<Channel>::failure(CoreError::accessDenied("Access denied to channel"));
    }
    return Result<Channel>::success(*c);
}

bool ChannelAccess::canModerate(const QString &actorId, const Channel &c) const
{
    if (actorId.isEmpty() || c.createdBy == actorId) return true;
    const Workspace *w = m_dir.workspace(c.workspaceId);
    return w && w->ownerId == actorId;
}

QStringList ChannelAccess::topicsFor(const Channel &c, bool withWorkspace) const
{
    QStringList t{RoomManager::channelTopic(c.id)};
    if (withWorkspace && c.isPublic()) t.append(RoomManager::workspaceTopic(c.workspaceId));
    if (!c.isPublic())
        for (const QString &u : m_dir.channelMembers(c.id)) t.append(RoomManager::userTopic(u));
    return t;
}

} // namespace switchboard
