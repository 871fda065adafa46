#pragma once

#include "TrafficFilter.h"

#include <QSortFilterProxyModel>

namespace switchboard {

// Applies the same TrafficFilter the server uses to the history the console
// already holds, so changing a filter narrows what is on screen at once.
class TrafficFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit TrafficFilterProxy(QObject *parent = nullptr);

    void setFilter(const TrafficFilter &filter);
    const TrafficFilter &filter() const { return m_filter; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    TrafficFilter m_filter;
};

} // namespace switchboard
