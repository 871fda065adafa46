#include "NodeModel.h"
#include "AdminFormat.h"


namespace switchboard {

NodeModel::NodeModel(QObject *parent) : QAbstractTableModel(parent) {}

void NodeModel::reset(const QList<NodeInfo> &nodes)
{
    QList<NodeInfo> rows;
    for (const NodeInfo &n : nodes) {
        bool dup = false;
        for (const NodeInfo &r : std::as_const(rows)) dup = dup || r.id == n.id;
        if (n.isValid() && !dup) rows.append(n);
    }
    bool sameIds = rows.size() == m_rows.size();
    for (qsizetype i = 0; sameIds && i < rows.size(); ++i) sameIds = rows.at(i).id == m_rows.at(i).id;
    if (!sameIds) {
        beginResetModel();
        m_rows = rows;
        endResetModel();
        return;
    }
    for (int i = 0; i < int(rows.size()); ++i) {
        if (rows.at(i) == m_rows.at(i)) continue;
        m_rows[i] = rows.at(i);
        Q_EMIT dataChanged(index(i, 0), index(i, ColumnCount - 1));
    }
}

int NodeModel::rowOf(const QString &id) const
{
    for (int i = 0; i < int(m_rows.size()); ++i)
        if (m_rows.at(i).id == id) return i;
    return -1;
}

QString NodeModel::selfId() const
{
    for (const NodeInfo &n : m_rows)
        if (n.self) return n.id;
    return QString();
}

int NodeModel::liveCount() const
{
    int live = 0;
    for (const NodeInfo &n : m_rows) live += n.live ? 1 : 0;
    return live;
}

QString NodeModel::health(const NodeInfo &n)
{
    if (!n.live)
        return n.downSince > 0 ? tr("down since %1").arg(AdminFormat::timeOfDay(n.downSince).left(8)) : tr("down");
    if (!n.reachable) return tr("live, not answering");
    return n.self ? tr("live (this console)") : tr("live");
}

int NodeModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int NodeModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant NodeModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return QVariant();
    const NodeInfo &n = m_rows.at(index.row());
    switch (role) {
    case IdRole: return n.id;
    case LiveRole: return n.live;
    case Qt::TextAlignmentRole:
        if (index.column() == Connections) return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return QVariant();
    case Qt::DisplayRole:
    case SortRole: {
        const bool raw = role == SortRole;
        switch (index.column()) {
        case Id: return n.id;
        case Health: return raw ? QVariant(n.live ? (n.reachable ? 2 : 1) : 0) : QVariant(health(n));
        case Listen: return n.listen;
        case Started: return raw ? QVariant(n.started) : QVariant(AdminFormat::dateTime(n.started));
        case Connections: return n.connections;
        }
        return QVariant();
    }
    default: return QVariant();
    }
}

QVariant NodeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Id: return tr("Node");
    case Health: return tr("Health");
    case Listen: return tr("Listen address");
    case Started: return tr("Started");
    case Connections: return tr("Connections");
    }
    return QVariant();
}

} // namespace switchboard
