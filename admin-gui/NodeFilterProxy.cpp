#include "NodeFilterProxy.h"

namespace switchboard {

NodeFilterProxy::NodeFilterProxy(int nodeRole, QObject *parent) : QSortFilterProxyModel(parent), m_nodeRole(nodeRole) {}

void NodeFilterProxy::setNode(const QString &node)
{
    if (node == m_node) return;
    m_node = node;
    invalidateRowsFilter();
}

bool NodeFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (!m_node.isEmpty()) {
        const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
        if (index.data(m_nodeRole).toString() != m_node) return false;
    }
    return QSortFilterProxyModel::filterAcceptsRow(sourceRow, sourceParent);
}

} // namespace switchboard
