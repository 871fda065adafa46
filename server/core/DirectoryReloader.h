#pragma once

#include <QString>

#include <functional>

namespace switchboard {

struct ChatEvent;
struct CoreContext;

// The cluster's directory sync: another node changed users, workspaces or
// channels (a "reload" notice over Redis); this node re-reads that part of the
// directory from the shared database. Re-reading adds and updates rows and
// replaces channel member sets; it does not announce the change again.
class DirectoryReloader
{
public:
    explicit DirectoryReloader(CoreContext &core) : m_core(core) {}
    // kind: "users", "workspaces", "channels" or "revocations"; false for an
    // unknown kind. Users newly disabled and revoked tokens lose their local
    // connections, as on the node that made the change.
    bool reload(const QString &kind);
    // Tells the other nodes about a change outside the directory ("revocations").
    void announce(const char *kind) const;
    // Another node added or removed a channel member (its MemberJoined or
    // MemberLeft event, the directory already re-read): this node's sessions
    // of that user follow the channel or stop, as on the node that made it.
    // Called after the event was delivered here. A channel deleted there
    // (ChannelDeleted) leaves this node's directory and rooms too.
    void followRemoteMember(const ChatEvent &e);
    void unfollowRemoteMember(const ChatEvent &e);
    // Told the kind after each local directory change (to announce it).
    void setChangeHook(std::function<void(const char *kind)> hook);
    // Cluster nodes: a lookup that should have found a row (a signed token's
    // user) may be ahead of the notice of another node's change; reloadOnMiss
    // re-reads that part at once. Off (false) on a single server.
    void setReadThrough(bool on);
    bool readThrough() const { return m_readThrough; }
    bool reloadOnMiss(const char *kind);

private:
    CoreContext &m_core;
    bool m_readThrough = false;
};

} // namespace switchboard
