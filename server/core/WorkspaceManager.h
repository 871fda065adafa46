#pragma once

#include "Result.h"
#include "Workspace.h"

#include <QList>
#include <QObject>

namespace switchboard {

struct CoreContext;

// Workspaces: the default one every user joins, new ones and their members.
class WorkspaceManager
{
public:
    explicit WorkspaceManager(CoreContext &core) : m_core(core) {}

    bool ensureDefaultWorkspace(QString *error);
    QList<Workspace> workspacesOf(const QString &userId) const;
    void createWorkspace(const QString &actorId, const QString &name, QObject *context, Callback<Workspace> done);
    void addWorkspaceMember(const QString &actorId, const QString &workspaceId, const QString &userId, QObject *context,
                            Callback<Workspace> done);

private:
    CoreContext &m_core;
};

} // namespace switchboard
