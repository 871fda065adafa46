#pragma once

#include <QString>

#include <functional>

namespace switchboard {

struct CoreContext;

// The cluster's directory sync: another node changed users, workspaces or
// channels (a "reload" notice over Redis); this node re-reads that part of the
// directory from the shared database. Re-reading adds and updates rows and
// replaces channel member sets; it does not announce the change again.
class DirectoryReloader
{
public:
    explicit DirectoryReloader(CoreContext &core) : m_core(core) {}
    // kind: "users", "workspaces" or "channels"; false for an unknown kind.
    bool reload(const QString &kind);
    // Told the kind after each local directory change (to announce it).
    void setChangeHook(std::function<void(const char *kind)> hook);

private:
    CoreContext &m_core;
};

} // namespace switchboard
