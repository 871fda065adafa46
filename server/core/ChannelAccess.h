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
    // The channel, or null; in a cluster one unknown here is looked for in
    // the shared database first (see setRecheck).
    const Channel *find(const QString &channelId) const;
    // The channel if the user may read it, else NotFound/AccessDenied.
    Result<Channel> readable(const QString &userId, const QString &channelId) const;
    // The creator, a workspace owner or the admin (empty actor).
    bool canModerate(const QString &actorId, const Channel &c) const;
    // The channel's topic, its workspace's for a public one (withWorkspace),
    // and each member's own topic for a private one (members who are not
    // subscribed to the channel still hear about it).
    QStringList topicsFor(const Channel &c, bool withWorkspace) const;

    // In a cluster: called when a channel is unknown here or refused, before
    // answering, to re-read it (and the user's memberships) from the shared
    // database; another node may have made it a moment ago.
    void setRecheck(std::function<void(const QString &userId, const QString &channelId)> recheck)
    {
        m_recheck = std::move(recheck);
    }

private:
    Result<Channel> check(const QString &userId, const QString &channelId) const;
    const Directory &m_dir;
    std::function<void(const QString &, const QString &)> m_recheck;
};

} // namespace switchboard
