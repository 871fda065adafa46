#pragma once

#include "ConnectionInfo.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

namespace switchboard {

// Live connections, one row each, kept in step with the admin feed:
// reset() from a snapshot, upsert()/remove() from deltas. Rows keep their
// place when updated so selections in the console stay put.
class ConnectionModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        Id,
        User,
        Dialect,
        Transport,
        RemoteAddress,
        UserAgent,
        ConnectedSince,
        Channels,
        MessagesIn,
        MessagesOut,
        BytesIn,
        BytesOut,
        SendQueue,
        Node, // in a cluster: the node holding it (the console moves it next to User)
        ColumnCount
    };
    enum Role {
        SortRole = Qt::UserRole, // raw value: numbers sort as numbers, times as times
        IdRole,                  // the connection id, whatever the column
        UserIdRole,
        NodeRole, // the node holding it, "" on a single server
    };

    explicit ConnectionModel(QObject *parent = nullptr);

    void reset(const QList<ConnectionInfo> &connections);
    void upsert(const QList<ConnectionInfo> &connections);
    void remove(const QStringList &ids);
    void clear();

    int rowOf(const QString &id) const { return m_index.value(id, -1); }
    bool contains(const QString &id) const { return m_index.contains(id); }
    const ConnectionInfo &at(int row) const { return m_rows.at(row); }
    ConnectionInfo connection(const QString &id) const;
    const QList<ConnectionInfo> &connections() const { return m_rows; }

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void rebuildIndex();

    QList<ConnectionInfo> m_rows;
    QHash<QString, int> m_index;
};

} // namespace switchboard
