#pragma once

#include <QHash>
#include <QString>

#include <functional>

namespace switchboard {

struct ChatEvent;
struct CoreContext;
struct User;

// The cluster's directory sync (docs/cluster.md#directory): another node
// changed users, workspaces or channels (a notice over Redis naming the rows);
// this node re-reads those rows from the shared database: a user; a workspace
// and its members; a channel and its members, or its removal. Without ids (a
// bulk change, or after a Redis outage) the whole kind is re-read. Re-reading
// adds and updates rows and replaces channel member sets; it does not announce
// the change again. Users newly disabled and revoked tokens lose their local
// connections, as on the node that made the change.
class DirectoryReloader
{
public:
    explicit DirectoryReloader(CoreContext &core) : m_core(core) {}
    // kind: "users", "workspaces", "channels" or "revocations"; false for an
    // unknown kind.
    // Also forgets the recent read-throughs (a notice may make a refusal right).
    bool reload(const QString &kind, const QString &id = QString());
    // Read-through (cluster nodes only, see setReadThrough): a user this node
    // has not heard of yet, registered on another node a moment ago, by name
    // or e-mail, or by id; with the memberships its registration made. True
    // if found.
    bool reloadUserNamed(const QString &nameOrEmail);
    bool reloadUser(const QString &id);
    // Tells the other nodes about a change outside the directory ("revocations").
    void announce(const char *kind) const;
    // Another node added or removed a channel member (its MemberJoined or
    // MemberLeft event, the directory already re-read): this node's sessions
    // of that user follow the channel or stop, as on the node that made it.
    // Called after the event was delivered here. A channel deleted there
    // (ChannelDeleted) leaves this node's directory and rooms too.
    void followRemoteMember(const ChatEvent &e);
    void unfollowRemoteMember(const ChatEvent &e);
    // Told the kind and id after each local directory change (to announce it).
    void setChangeHook(std::function<void(const char *kind, const QString &id)> hook);
    // Cluster nodes: a lookup that should have found a row (a signed token's
    // user, a channel or workspace a client names) may be ahead of the notice
    // of another node's change; those lookups then read the row at once
    // (ChannelAccess::recheck, AccountManager). Off on a single server.
    // A recheck of the same rows is not read again until a notice arrives (or
    // kRecheckTtlMs passed): a repeated bad request costs no database read.
    void setReadThrough(bool on);
    bool readThrough() const { return m_readThrough; }

    static constexpr int kRecheckTtlMs = 10000;
    static constexpr int kRecheckMax = 1024;

private:
    bool read(const QString &kind, const QString &id);
    void recheck(const QString &userId, const QString &channelId, const QString &workspaceId);
    void putNewUser(const User &u);
    CoreContext &m_core;
    bool m_readThrough = false;
    // The negative cache: rows re-read by a recheck since the last notice, and when.
    QHash<QString, qint64> m_rechecked;
};

} // namespace switchboard
