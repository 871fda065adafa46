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
    // The channel if the user may read it, else NotFound/AccessDenied.
    Result<Channel> readable(const QString &userId, const QString &channelId) const;
    // Cluster nodes: a refused check may be older than another node's change
    // (a channel or membership made there a moment ago). refresh() re-reads
    // the channels (DirectoryReloader) and says whether it did; readable()
    // asks for it once before refusing.
    void setRefresh(std::function<bool()> refresh) { m_refresh = std::move(refresh); }
    bool refresh() const { return m_refresh && m_refresh(); }
    // The creator, a workspace owner or the admin (empty actor).
    bool canModerate(const QString &actorId, const Channel &c) const;
    // The channel's topic, its workspace's for a public one (withWorkspace),
    // and each member's own topic for a private one (members who are not
    // subscribed to the channel still hear about it).
    QStringList topicsFor(const Channel &c, bool withWorkspace) const;

private:
    Result<Channel> check(const QString &userId, const QString &channelId) const;

    const Directory &m_dir;
    std::function<bool()> m_refresh;
};

} // namespace switchboard
