#include "ChannelModel.h"
#include "AdminFormat.h"

#include <QLocale>

#include <algorithm>

namespace switchboard {

ChannelModel::ChannelModel(QObject *parent) : QAbstractTableModel(parent) {}

void ChannelModel::reset(const QList<ChannelInfo> &channels)
{
    beginResetModel();
    m_rows.clear();
    m_index.clear();
    for (const ChannelInfo &c : channels) {
        if (!c.isValid() || m_index.contains(c.id)) continue;
        m_index.insert(c.id, int(m_rows.size()));
        m_rows.append(c);
    }
    endResetModel();
}

void ChannelModel::upsert(const QList<ChannelInfo> &channels)
{
    QList<ChannelInfo> added;
    for (const ChannelInfo &c : channels) {
        if (!c.isValid()) continue;
        const int row = m_index.value(c.id, -1);
        if (row >= 0) {
            if (m_rows.at(row) != c) {
                m_rows[row] = c;
                Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
            }
            continue;
        }
        auto dup = std::find_if(added.begin(), added.end(), [&](const ChannelInfo &a) { return a.id == c.id; });
        if (dup != added.end())
            *dup = c;
        else
            added.append(c);
    }
    if (added.isEmpty()) return;
    const int first = int(m_rows.size());
    beginInsertRows(QModelIndex(), first, first + int(added.size()) - 1);
    for (const ChannelInfo &c : added) {
        m_index.insert(c.id, int(m_rows.size()));
        m_rows.append(c);
    }
    endInsertRows();
}

void ChannelModel::remove(const QStringList &ids)
{
    QList<int> rows;
    for (const QString &id : ids) {
        const int row = m_index.value(id, -1);
        if (row >= 0 && !rows.contains(row)) rows.append(row);
    }
    if (rows.isEmpty()) return;
    std::sort(rows.begin(), rows.end(), std::greater<int>());
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

void ChannelModel::clear()
{
    reset({});
}

ChannelInfo ChannelModel::channel(const QString &id) const
{
    const int row = rowOf(id);
    return row >= 0 ? m_rows.at(row) : ChannelInfo();
}

void ChannelModel::rebuildIndex()
{
    m_index.clear();
    for (int i = 0; i < m_rows.size(); ++i) m_index.insert(m_rows.at(i).id, i);
}

int ChannelModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ChannelModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ChannelModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return QVariant();
    const ChannelInfo &c = m_rows.at(index.row());
    switch (role) {
    case IdRole: return c.id;
    case Qt::TextAlignmentRole:
        if (index.column() >= Members && index.column() <= MessagesPerMinute)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return QVariant();
    case Qt::ToolTipRole:
        if (index.column() == Workspace) return c.workspaceId;
        return QVariant();
    case Qt::DisplayRole:
    case SortRole: {
        const bool raw = role == SortRole;
        switch (index.column()) {
        case Name: return c.name;
        case Workspace: return c.workspaceName.isEmpty() ? c.workspaceId : c.workspaceName;
        case Type: return c.type;
        case Members: return c.members;
        case OnlineMembers: return c.onlineMembers;
        case MessagesPerMinute:
            return raw ? QVariant(c.messagesPerMinute) : QVariant(QLocale().toString(c.messagesPerMinute, 'f', 1));
        case LastActivity: return raw ? QVariant(c.lastActivity) : QVariant(AdminFormat::dateTime(c.lastActivity));
        case Id: return c.id;
        }
        return QVariant();
    }
    default: return QVariant();
    }
}

QVariant ChannelModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Name: return tr("Channel");
    case Workspace: return tr("Workspace");
    case Type: return tr("Type");
    case Members: return tr("Members");
    case OnlineMembers: return tr("Online");
    case MessagesPerMinute: return tr("Msgs/min");
    case LastActivity: return tr("Last activity");
    case Id: return tr("Id");
    }
    return QVariant();
}

} // namespace switchboard
