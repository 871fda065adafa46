#pragma once

#include "ConnectionInfo.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QString>

namespace switchboard {

class ClusterControl;

// The connections other nodes hold, as the attached node's feed lists them
// (docs/cluster.md "The console and the cluster"). Each refresh asks every
// other live node that is not being asked already for its list (paged over
// Redis by ClusterControl); a node that fails to answer is marked
// unreachable and its rows leave the list, but never holds up the others.
// The feed takes what changed at the end of its round; rows that went are
// the ones holds() no longer knows.
class RemoteConnections : public QObject
{
    Q_OBJECT
public:
    explicit RemoteConnections(ClusterControl *control, QObject *parent = nullptr);

    void refresh();
    // No console watches any more: forget every row and every answer on its way.
    void clear();

    bool holds(const QString &connectionId) const { return m_owner.contains(connectionId); }
    bool isUnreachable(const QString &node) const { return m_unreachable.contains(node); }
    qsizetype size() const { return m_owner.size(); }
    // New or changed rows since the last call.
    QList<ConnectionInfo> takeChanged();

private:
    void apply(const QString &node, bool ok, const QList<ConnectionInfo> &rows);
    void dropNode(const QString &node);

    ClusterControl *m_control;
    QHash<QString, QHash<QString, ConnectionInfo>> m_rows; // node -> id -> row
    QHash<QString, QString> m_owner;                       // id -> node
    QHash<QString, ConnectionInfo> m_changed;
    QSet<QString> m_asking;
    QSet<QString> m_unreachable;
    quint64 m_generation = 0; // answers to an older generation are dropped
};

} // namespace switchboard
