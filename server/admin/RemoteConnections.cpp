#include "RemoteConnections.h"

#include "cluster/ClusterControl.h"

namespace switchboard {

RemoteConnections::RemoteConnections(ClusterControl *control, QObject *parent) : QObject(parent), m_control(control) {}

void RemoteConnections::refresh()
{
    QSet<QString> others;
    for (const NodeInfo &n : m_control->nodes()) {
        if (n.live && !n.self) others.insert(n.id);
    }
    // A node whose lease ended takes its rows with it.
    const QStringList known = m_rows.keys();
    for (const QString &node : known) {
        if (!others.contains(node)) dropNode(node);
    }
    m_unreachable.intersect(others);
    for (const QString &node : std::as_const(others)) {
        if (m_asking.contains(node)) continue; // its answer is still coming: one list per node at a time
        m_asking.insert(node);
        m_control->listConnections(node, this,
                                   [this, node, generation = m_generation](const ClusterControl::Reply &reply,
                                                                           const QList<ConnectionInfo> &rows) {
            if (generation != m_generation) return;
            m_asking.remove(node);
            apply(node, reply.ok, rows);
        });
    }
}

void RemoteConnections::clear()
{
    ++m_generation;
    m_rows.clear();
    m_owner.clear();
    m_changed.clear();
    m_asking.clear();
    m_unreachable.clear();
}

QList<ConnectionInfo> RemoteConnections::takeChanged()
{
    QList<ConnectionInfo> out = m_changed.values();
    m_changed.clear();
    return out;
}

void RemoteConnections::apply(const QString &node, bool ok, const QList<ConnectionInfo> &rows)
{
    if (!ok) {
        m_unreachable.insert(node);
        dropNode(node);
        return;
    }
    m_unreachable.remove(node);
    QHash<QString, ConnectionInfo> &mine = m_rows[node];
    QHash<QString, ConnectionInfo> next;
    next.reserve(rows.size());
    for (const ConnectionInfo &c : rows) {
        const auto old = mine.constFind(c.id);
        if (old == mine.constEnd() || *old != c) m_changed.insert(c.id, c);
        m_owner.insert(c.id, node);
        next.insert(c.id, c);
    }
    for (auto it = mine.constBegin(); it != mine.constEnd(); ++it) {
        if (next.contains(it.key())) continue;
        m_owner.remove(it.key());
        m_changed.remove(it.key());
    }
    mine = std::move(next);
}

void RemoteConnections::dropNode(const QString &node)
{
    const QHash<QString, ConnectionInfo> rows = m_rows.take(node);
    for (auto it = rows.constBegin(); it != rows.constEnd(); ++it) {
        m_owner.remove(it.key());
        m_changed.remove(it.key());
    }
}

} // namespace switchboard
