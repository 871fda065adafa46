#include "WorkspaceManager.h"

#include "ChannelManager.h"
#include "CoreContext.h"
#include "storage/Store.h"
#include "Timestamp.h"

#include <algorithm>

namespace switchboard {

bool WorkspaceManager::ensureDefaultWorkspace(QString *error)
{
    if (!m_core.dir.defaultWorkspaceId().isEmpty()) return true;
    Workspace w{Timestamp::newId(), QStringLiteral("Default"), QString(), true, Timestamp::nowMs()};
    Channel general;
    general.id = Timestamp::newId();
    general.workspaceId = w.id;
    general.name = QStringLiteral("general");
    general.description = QStringLiteral("General discussion");
    general.createdAt = w.createdAt;
    StoreStatus first;
    auto note = [&first](const StoreStatus &s) { first = first.ok() ? s : first; }; // the first failure
    m_core.store->insertWorkspace(w, note);
    m_core.store->insertChannel(general, note);
    m_core.store->flush();
    if (!first.ok()) {
        *error = first.text;
        return false;
    }
    m_core.dir.putWorkspace(w);
    m_core.dir.putChannel(general);
    return true;
}

QList<Workspace> WorkspaceManager::workspacesOf(const QString &userId) const
{
    QList<Workspace> out;
    for (const QString &id : m_core.dir.workspacesOf(userId))
        if (const Workspace *w = m_core.dir.workspace(id)) out.append(*w);
    std::sort(out.begin(), out.end(), [](const Workspace &a, const Workspace &b) { return a.createdAt < b.createdAt; });
    return out;
}

void WorkspaceManager::createWorkspace(const QString &actorId, const QString &name, QObject *context,
                                       Callback<Workspace> done)
{
    const QString n = name.trimmed();
    if (n.isEmpty() || n.size() > 80)
        return CommitPath::reject(done, CoreError::invalid("name", "name must be 1-80 characters"));
    const Workspace w{Timestamp::newId(), n, actorId, false, Timestamp::nowMs()};
    CommitPath::Steps<Workspace> steps;
    steps.write = [=](Store &store, CommitPath::Tally &t) {
        store.insertWorkspace(w, t.next());
        store.addWorkspaceMember(w.id, actorId, QStringLiteral("owner"), w.createdAt, t.next());
    };
    steps.apply = [=, this] {
        m_core.dir.putWorkspace(w);
        m_core.dir.addWorkspaceMember(w.id, actorId);
        return Result<Workspace>::success(w);
    };
    steps.publish = [=, this](const Workspace &) {
        m_core.channels->subscribeFollowers(actorId, RoomManager::workspaceTopic(w.id));
    };
    m_core.commits.commit(context, std::move(done), std::move(steps));
}

void WorkspaceManager::addWorkspaceMember(const QString &actorId, const QString &workspaceId, const QString &userId,
                                          QObject *context, Callback<Workspace> done)
{
    const Workspace *w = m_core.dir.workspace(workspaceId);
    const auto readable = [&] {
        return w && (actorId.isEmpty() || m_core.dir.isWorkspaceMember(workspaceId, actorId));
    };
    // Made or joined on another cluster node a moment ago? (re-read once; single server: no-op)
    if (!readable() && m_core.access.recheck(actorId, QString(), workspaceId)) w = m_core.dir.workspace(workspaceId);
    if (!readable()) return CommitPath::reject(done, CoreError::notFound("no such workspace"));
    if (!actorId.isEmpty() && w->ownerId != actorId && !w->isDefault)
        return CommitPath::reject(done, CoreError::accessDenied("only the workspace owner can add members"));
    if (!m_core.dir.user(userId)) return CommitPath::reject(done, CoreError::notFound("no such user"));
    const Workspace ws = *w;
    CommitPath::Steps<Workspace> steps;
    steps.write = [=](Store &store, CommitPath::Tally &t) {
        store.addWorkspaceMember(workspaceId, userId, QStringLiteral("member"), Timestamp::nowMs(), t.next());
    };
    steps.apply = [=, this] {
        m_core.dir.addWorkspaceMember(workspaceId, userId);
        return Result<Workspace>::success(ws);
    };
    steps.publish = [=, this](const Workspace &) {
        m_core.channels->subscribeFollowers(userId, RoomManager::workspaceTopic(workspaceId));
    };
    m_core.commits.commit(context, std::move(done), std::move(steps));
}

} // namespace switchboard
