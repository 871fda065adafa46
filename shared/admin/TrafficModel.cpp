#include "TrafficModel.h"
#include "AdminFormat.h"

namespace switchboard {

TrafficModel::TrafficModel(QObject *parent) : QAbstractTableModel(parent) {}

void TrafficModel::setCapacity(int capacity)
{
    m_capacity = qBound(1, capacity, MaxCapacity);
    if (m_rows.size() > m_capacity) dropOldest(int(m_rows.size()) - m_capacity);
}

void TrafficModel::append(const QList<TrafficEvent> &events)
{
    if (events.isEmpty()) return;
    // Of a batch bigger than the window only its tail can ever be seen.
    const int skip = qMax(0, int(events.size()) - m_capacity);
    const int incoming = int(events.size()) - skip;
    m_evicted += skip;
    const int overflow = int(m_rows.size()) + incoming - m_capacity;
    if (overflow > 0) dropOldest(overflow);
    const int first = int(m_rows.size());
    beginInsertRows(QModelIndex(), first, first + incoming - 1);
    m_rows.append(events.mid(skip));
    endInsertRows();
}

void TrafficModel::clear()
{
    if (m_rows.isEmpty()) return;
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

void TrafficModel::dropOldest(int count)
{
    count = qMin(count, int(m_rows.size()));
    if (count <= 0) return;
    beginRemoveRows(QModelIndex(), 0, count - 1);
    // Qt 6 lists erase at the front by moving their start: no shifting.
    m_rows.remove(0, count);
    endRemoveRows();
    m_evicted += count;
}

int TrafficModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TrafficModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TrafficModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return QVariant();
    const TrafficEvent &e = m_rows.at(index.row());
    switch (role) {
    case ConnectionIdRole: return e.connectionId;
    case SeqRole: return e.seq;
    case Qt::TextAlignmentRole:
        if (index.column() == Size) return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return QVariant();
    case Qt::ToolTipRole:
        switch (index.column()) {
        case Payload: return e.truncated ? e.payload + QStringLiteral("…") : e.payload;
        case Channel: return e.channelId;
        case User: return e.userId;
        case Connection: return e.connectionId;
        default: return QVariant();
        }
    case Qt::DisplayRole:
    case SortRole: {
        const bool raw = role == SortRole;
        switch (index.column()) {
        case Time: return raw ? QVariant(e.time) : QVariant(AdminFormat::timeOfDay(e.time));
        case Connection: return e.connectionId;
        case User: return e.userName.isEmpty() ? e.userId : e.userName;
        case Dialect: return e.dialect;
        case Direction:
            if (raw) return e.directionName();
            return e.direction == TrafficEvent::Direction::In ? tr("in") : tr("out");
        case Event: return e.event;
        case Channel: return e.channelName.isEmpty() ? e.channelId : e.channelName;
        case Size: return e.size;
        case Payload: return e.truncated && !raw ? e.payload + QStringLiteral("…") : e.payload;
        }
        return QVariant();
    }
    default: return QVariant();
    }
}

QVariant TrafficModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Time: return tr("Time");
    case Connection: return tr("Connection");
    case User: return tr("User");
    case Dialect: return tr("Dialect");
    case Direction: return tr("Dir");
    case Event: return tr("Event");
    case Channel: return tr("Channel");
    case Size: return tr("Size");
    case Payload: return tr("Payload");
    }
    return QVariant();
}

} // namespace switchboard
