#include "TrafficFilterProxy.h"
#include "TrafficModel.h"

namespace switchboard {

TrafficFilterProxy::TrafficFilterProxy(QObject *parent) : QSortFilterProxyModel(parent) {}

void TrafficFilterProxy::setFilter(const TrafficFilter &filter)
{
    m_filter = filter;
    // Pausing hides nothing that is already here.
    m_filter.enabled = true;
    invalidateFilter();
}

bool TrafficFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (sourceParent.isValid()) return false;
    const auto *model = qobject_cast<const TrafficModel *>(sourceModel());
    if (!model || sourceRow >= model->rowCount()) return false;
    return m_filter.matches(model->at(sourceRow));
}

} // namespace switchboard
