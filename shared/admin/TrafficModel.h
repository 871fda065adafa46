#pragma once

#include "TrafficEvent.h"

#include <QAbstractTableModel>
#include <QList>

namespace switchboard {

// The live traffic history: a bounded window of the newest events. When a
// batch would exceed the capacity the oldest rows go first, so memory stays
// flat however long the console watches.
class TrafficModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Time, Connection, User, Dialect, Direction, Event, Channel, Size, Payload, ColumnCount };
    enum Role {
        SortRole = Qt::UserRole,
        ConnectionIdRole,
        SeqRole,
    };
    static constexpr int DefaultCapacity = 5000;
    static constexpr int MaxCapacity = 1000000;

    explicit TrafficModel(QObject *parent = nullptr);

    int capacity() const { return m_capacity; }
    void setCapacity(int capacity); // drops the oldest rows if needed
    void append(const QList<TrafficEvent> &events);
    void clear();

    const TrafficEvent &at(int row) const { return m_rows.at(row); }
    const QList<TrafficEvent> &events() const { return m_rows; }
    // Events that arrived but were pushed out by the capacity.
    qint64 evicted() const { return m_evicted; }

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void dropOldest(int count);

    QList<TrafficEvent> m_rows;
    int m_capacity = DefaultCapacity;
    qint64 m_evicted = 0;
};

} // namespace switchboard
