#include "ConnectionModel.h"
#include "AdminFormat.h"

#include <algorithm>

namespace switchboard {

ConnectionModel::ConnectionModel(QObject *parent) : QAbstractTableModel(parent) {}

void ConnectionModel::reset(const QList<ConnectionInfo> &connections)
{
    beginResetModel();
    m_rows.clear();
    m_index.clear();
    for (const ConnectionInfo &c : connections) {
        if (!c.isValid() || m_index.contains(c.id)) continue;
        m_index.insert(c.id, int(m_rows.size()));
        m_rows.append(c);
    }
    endResetModel();
}

void ConnectionModel::upsert(const QList<ConnectionInfo> &connections)
{
    QList<ConnectionInfo> added;
    for (const ConnectionInfo &c : connections) {
        if (!c.isValid()) continue;
        const int row = m_index.value(c.id, -1);
        if (row >= 0) {
            if (m_rows.at(row) != c) {
                m_rows[row] = c;
                Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
            }
            continue;
        }
        // The same id twice in one batch: the later one wins.
        auto dup = std::find_if(added.begin(), added.end(), [&](const ConnectionInfo &a) { return a.id == c.id; });
        if (dup != added.end())
            *dup = c;
        else
            added.append(c);
    }
    if (added.isEmpty()) return;
    const int first = int(m_rows.size());
    beginInsertRows(QModelIndex(), first, first + int(added.size()) - 1);
    for (const ConnectionInfo &c : added) {
        m_index.insert(c.id, int(m_rows.size()));
        m_rows.append(c);
    }
    endInsertRows();
}

void ConnectionModel::remove(const QStringList &ids)
{
    QList<int> rows;
    for (const QString &id : ids) {
        const int row = m_index.value(id, -1);
        if (row >= 0 && !rows.contains(row)) rows.append(row);
    }
    if (rows.isEmpty()) return;
    std::sort(rows.begin(), rows.end(), std::greater<int>());
    // Remove contiguous runs from the bottom up so earlier rows keep their numbers.
    int i = 0;
    while (i < rows.size()) {
        int last = rows.at(i);
        int first = last;
        while (i + 1 < rows.size() && rows.at(i + 1) == first - 1) {
            ++i;
            first = rows.at(i);
        }
        beginRemoveRows(QModelIndex(), first, last);
        m_rows.remove(first, last - first + 1);
        // Listeners of rowsRemoved look rows up by id: the index must be right by then.
        rebuildIndex();
        endRemoveRows();
        ++i;
    }
}

void ConnectionModel::clear()
{
    reset({});
}

ConnectionInfo ConnectionModel::connection(const QString &id) const
{
    const int row = rowOf(id);
    return row >= 0 ? m_rows.at(row) : ConnectionInfo();
}

void ConnectionModel::rebuildIndex()
{
    m_index.clear();
    for (int i = 0; i < m_rows.size(); ++i) m_index.insert(m_rows.at(i).id, i);
}

int ConnectionModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ConnectionModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ConnectionModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return QVariant();
    const ConnectionInfo &c = m_rows.at(index.row());
    switch (role) {
    case IdRole: return c.id;
    case UserIdRole: return c.userId;
    case NodeRole: return c.node;
    case Qt::TextAlignmentRole:
        if ((index.column() >= MessagesIn && index.column() <= SendQueue) || index.column() == Channels)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return QVariant();
    case Qt::ToolTipRole:
        switch (index.column()) {
        case User: return c.userId;
        case UserAgent: return c.userAgent;
        case Channels: return c.channels.join(QLatin1Char('\n'));
        case ConnectedSince: return AdminFormat::dateTime(c.connectedAt);
        default: return QVariant();
        }
    case Qt::DisplayRole:
    case SortRole: {
        const bool raw = role == SortRole;
        switch (index.column()) {
        case Id: return c.id;
        case User: return c.userName.isEmpty() ? c.userId : c.userName;
        case Dialect: return c.dialect;
        case Transport: return c.transport;
        case RemoteAddress: return c.remoteAddress;
        case UserAgent: return c.userAgent;
        case ConnectedSince: return raw ? QVariant(c.connectedAt) : QVariant(AdminFormat::dateTime(c.connectedAt));
        case Channels: return int(c.channels.size());
        case MessagesIn: return c.messagesIn;
        case MessagesOut: return c.messagesOut;
        case BytesIn: return raw ? QVariant(c.bytesIn) : QVariant(AdminFormat::bytes(c.bytesIn));
        case BytesOut: return raw ? QVariant(c.bytesOut) : QVariant(AdminFormat::bytes(c.bytesOut));
        case SendQueue: return raw ? QVariant(c.sendQueueBytes) : QVariant(AdminFormat::bytes(c.sendQueueBytes));
        case Node: return c.node;
        }
        return QVariant();
    }
    default: return QVariant();
    }
}

QVariant ConnectionModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Id: return tr("Id");
    case User: return tr("User");
    case Dialect: return tr("Dialect");
    case Transport: return tr("Transport");
    case RemoteAddress: return tr("Remote address");
    case UserAgent: return tr("User agent");
    case ConnectedSince: return tr("Connected since");
    case Channels: return tr("Channels");
    case MessagesIn: return tr("Msgs in");
    case MessagesOut: return tr("Msgs out");
    case BytesIn: return tr("Bytes in");
    case BytesOut: return tr("Bytes out");
    case SendQueue: return tr("Send queue");
    case Node: return tr("Node");
    }
    return QVariant();
}

} // namespace switchboard
