#pragma once

#include <QString>

#include <functional>

namespace switchboard {

struct CoreContext;
struct User;

// The cluster's directory sync: another node changed users, workspaces or
// channels (a "reload" notice over Redis); this node re-reads what changed from
// the shared database: the rows named by id (one user; one workspace and its
// members; one channel and its members, or its removal), or the whole kind
// when no id is given (after a Redis outage). Re-reading adds and updates rows
// and replaces channel member sets; it does not announce the change again.
class DirectoryReloader
{
public:
    explicit DirectoryReloader(CoreContext &core) : m_core(core) {}
    // kind: "users", "workspaces" or "channels"; false for an unknown kind.
    bool reload(const QString &kind, const QString &id = QString());
    // A user this node has not heard of yet (registered on another node a
    // moment ago): read by name or e-mail; true if found.
    bool reloadUserNamed(const QString &nameOrEmail);
    bool reloadUser(const QString &id);
    // Told the kind and id after each local directory change (to announce it).
    // Setting one also marks the database as shared (CoreContext::reloader).
    void setChangeHook(std::function<void(const char *kind, const QString &id)> hook);

private:
    void putNewUser(const User &u);
    CoreContext &m_core;
};

} // namespace switchboard
