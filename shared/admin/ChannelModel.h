#pragma once

#include "ChannelInfo.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

namespace switchboard {

// Live channels, one row each, kept in step with the admin feed:
// reset() from a snapshot, upsert()/remove() from deltas. Rows keep their
// place when updated so selections in the console stay put.
class ChannelModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Name, Workspace, Type, Members, OnlineMembers, MessagesPerMinute, LastActivity, Id, ColumnCount };
    enum Role {
        SortRole = Qt::UserRole, // raw value: numbers sort as numbers, times as times
        IdRole,                  // the channel id, whatever the column
    };

    explicit ChannelModel(QObject *parent = nullptr);

    void reset(const QList<ChannelInfo> &channels);
    void upsert(const QList<ChannelInfo> &channels);
    void remove(const QStringList &ids);
    void clear();

    int rowOf(const QString &id) const { return m_index.value(id, -1); }
    bool contains(const QString &id) const { return m_index.contains(id); }
    const ChannelInfo &at(int row) const { return m_rows.at(row); }
    ChannelInfo channel(const QString &id) const;
    const QList<ChannelInfo> &channels() const { return m_rows; }

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void rebuildIndex();

    QList<ChannelInfo> m_rows;
    QHash<QString, int> m_index;
};

} // namespace switchboard
