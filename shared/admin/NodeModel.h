#pragma once

#include "NodeInfo.h"

#include <QAbstractTableModel>
#include <QList>

namespace switchboard {

// The cluster's nodes, one row each. The feed sends the whole list whenever
// it changes (a handful of rows), so reset() keeps rows in place when the
// ids are the same and only says which cells changed: selections stay put.
class NodeModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Id, Health, Listen, Started, Connections, ColumnCount };
    enum Role {
        SortRole = Qt::UserRole, // raw value: numbers sort as numbers, times as times
        IdRole,                  // the node id, whatever the column
        LiveRole,
    };

    explicit NodeModel(QObject *parent = nullptr);

    void reset(const QList<NodeInfo> &nodes);
    void clear() { reset({}); }

    int rowOf(const QString &id) const;
    const NodeInfo &at(int row) const { return m_rows.at(row); }
    const QList<NodeInfo> &nodes() const { return m_rows; }
    // The node this console is attached to, empty without a cluster.
    QString selfId() const;
    int liveCount() const;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // "live", "live (this console)", "down since 10:41:07".
    static QString health(const NodeInfo &node);

private:
    QList<NodeInfo> m_rows;
};

} // namespace switchboard
