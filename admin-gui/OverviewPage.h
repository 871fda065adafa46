#pragma once

#include "ServerStats.h"

#include <QHash>
#include <QWidget>

class QGridLayout;
class QLabel;

namespace switchboard {

class RateChart;

// The first tab: headline counters and live charts of connections (per
// dialect) and of message rates, fed by the stats in the admin feed.
class OverviewPage : public QWidget
{
    Q_OBJECT
public:
    explicit OverviewPage(QWidget *parent = nullptr);

    void updateStats(const ServerStats &stats);
    void clear();

    RateChart *connectionsChart() const { return m_connectionsChart; }
    RateChart *ratesChart() const { return m_ratesChart; }
    QString counterText(const QString &name) const;

private:
    QLabel *addCounter(const QString &name, const QString &caption, int row, int column);

    QHash<QString, QLabel *> m_counters;
    QGridLayout *m_grid;
    RateChart *m_connectionsChart;
    RateChart *m_ratesChart;
};

} // namespace switchboard
