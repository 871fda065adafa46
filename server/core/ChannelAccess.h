#pragma once

#include "Channel.h"
#include "Result.h"

#include <QStringList>

#include <functional>

namespace switchboard {

class Directory;

// Who may see a channel, who may moderate it, and which topics hear about a
// change to it: the read rules every manager asks, in one place.
class ChannelAccess
{
public:
    explicit ChannelAccess(const Directory &dir) : m_dir(dir) {}

    QList<Channel> visible(const QString &userId, const QString &workspaceId) const;
    // The channel, or null; in a cluster one unknown here (or, with a userId,
    // one that user cannot read here yet) is looked for in the shared database
    // first (see setRecheck). Whether the user may act on it is the caller's.
    const Channel *find(const QString &channelId, const QString &userId = QString()) const;
    // The channel if the user may read it, else NotFound/AccessDenied.
    Result<Channel> readable(const QString &userId, const QString &channelId) const;
    // The creator, a workspace owner or the admin (empty actor).
    bool canModerate(const QString &actorId, const Channel &c) const;
    // The channel's topic, its workspace's for a public one (withWorkspace),
    // and each member's own topic for a private one (members who are not
    // subscribed to the channel still hear about it).
    QStringList topicsFor(const Channel &c, bool withWorkspace) const;

    // Cluster nodes: a refused or failed lookup may be older than another
    // node's change (a channel, workspace or membership made there a moment
    // ago). recheck() re-reads the named rows (the user with their
    // memberships, the channel, the workspace; DirectoryReloader) and says
    // whether it did; readable() and find() ask once before refusing.
    using Recheck = std::function<void(const QString &userId, const QString &channelId, const QString &workspaceId)>;
    void setRecheck(Recheck recheck) { m_recheck = std::move(recheck); }
    bool recheck(const QString &userId, const QString &channelId, const QString &workspaceId = QString()) const
    {
        if (!m_recheck) return false;
        m_recheck(userId, channelId, workspaceId);
        return true;
    }

private:
    Result<Channel> check(const QString &userId, const QString &channelId) const;
    const Directory &m_dir;
    Recheck m_recheck;
};

} // namespace switchboard
