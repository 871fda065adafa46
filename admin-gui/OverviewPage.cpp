#include "OverviewPage.h"
#include "AdminFormat.h"
#include "RateChart.h"

#include <QDateTime>
#include <QFrame>
#include <QGridLayout>
#include <QLabel>
#include <QLocale>
#include <QVBoxLayout>

namespace switchboard {

OverviewPage::OverviewPage(QWidget *parent)
    : QWidget(parent)
    , m_grid(new QGridLayout)
    , m_connectionsChart(new RateChart(tr("Connections by dialect"), this))
    , m_ratesChart(new RateChart(tr("Message rates (per second)"), this))
{
    setObjectName(QStringLiteral("overviewPage"));
    m_grid->setHorizontalSpacing(12);
    m_grid->setVerticalSpacing(8);
    addCounter(QStringLiteral("connections"), tr("Connections"), 0, 0);
    addCounter(QStringLiteral("messagesIn"), tr("Messages in / s"), 0, 1);
    addCounter(QStringLiteral("deliveriesOut"), tr("Deliveries out / s"), 0, 2);
    addCounter(QStringLiteral("errors"), tr("Errors"), 0, 3);
    addCounter(QStringLiteral("storageLatency"), tr("Storage latency"), 1, 0);
    addCounter(QStringLiteral("channels"), tr("Channels"), 1, 1);
    addCounter(QStringLiteral("totals"), tr("Messages in / deliveries (total)"), 1, 2);
    addCounter(QStringLiteral("uptime"), tr("Uptime"), 1, 3);

    m_connectionsChart->setObjectName(QStringLiteral("connectionsChart"));
    m_connectionsChart->addSeries(QStringLiteral("total"), tr("total"), QColor(0x2d, 0x5b, 0x8a));
    m_ratesChart->setObjectName(QStringLiteral("ratesChart"));
    m_ratesChart->addSeries(QStringLiteral("in"), tr("messages in"), QColor(0x27, 0xae, 0x60));
    m_ratesChart->addSeries(QStringLiteral("out"), tr("deliveries out"), QColor(0x2d, 0x5b, 0x8a));
    m_ratesChart->addSeries(QStringLiteral("errors"), tr("errors"), QColor(0xc0, 0x39, 0x2b));

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(m_grid);
    layout->addWidget(m_connectionsChart, 1);
    layout->addWidget(m_ratesChart, 1);
    clear();
}

QLabel *OverviewPage::addCounter(const QString &name, const QString &caption, int row, int column)
{
    auto *box = new QFrame(this);
    box->setFrameShape(QFrame::StyledPanel);
    auto *v = new QVBoxLayout(box);
    v->setContentsMargins(10, 6, 10, 6);
    auto *captionLabel = new QLabel(caption, box);
    captionLabel->setForegroundRole(QPalette::PlaceholderText);
    auto *value = new QLabel(box);
    value->setObjectName(name + QStringLiteral("Counter"));
    QFont f = value->font();
    f.setPointSizeF(f.pointSizeF() * 1.6);
    f.setBold(true);
    value->setFont(f);
    v->addWidget(captionLabel);
    v->addWidget(value);
    m_grid->addWidget(box, row, column);
    m_counters.insert(name, value);
    return value;
}

QString OverviewPage::counterText(const QString &name) const
{
    const QLabel *l = m_counters.value(name);
    return l ? l->text() : QString();
}

void OverviewPage::clear()
{
    for (QLabel *l : qAsConst(m_counters)) l->setText(QStringLiteral("–"));
    m_connectionsChart->clear();
    m_ratesChart->clear();
}

void OverviewPage::updateStats(const ServerStats &s)
{
    const QLocale locale;
    m_counters.value(QStringLiteral("connections"))->setText(locale.toString(s.totalConnections()));
    m_counters.value(QStringLiteral("messagesIn"))->setText(AdminFormat::rate(s.messagesInPerSec));
    m_counters.value(QStringLiteral("deliveriesOut"))->setText(AdminFormat::rate(s.deliveriesOutPerSec));
    m_counters.value(QStringLiteral("errors"))->setText(locale.toString(s.errors));
    m_counters.value(QStringLiteral("storageLatency"))
        ->setText(tr("%1 ms").arg(locale.toString(s.storageLatencyMs, 'f', 2)));
    m_counters.value(QStringLiteral("channels"))->setText(locale.toString(s.channels));
    m_counters.value(QStringLiteral("totals"))
        ->setText(locale.toString(s.messagesIn) + QStringLiteral(" / ") + locale.toString(s.deliveriesOut));
    if (s.startedAt > 0 && s.time >= s.startedAt) {
        const qint64 secs = (s.time - s.startedAt) / 1000;
        m_counters.value(QStringLiteral("uptime"))
            ->setText(QStringLiteral("%1:%2:%3")
                          .arg(secs / 3600)
                          .arg((secs / 60) % 60, 2, 10, QLatin1Char('0'))
                          .arg(secs % 60, 2, 10, QLatin1Char('0')));
    }

    const qint64 t = s.time > 0 ? s.time : QDateTime::currentMSecsSinceEpoch();
    QMap<QString, double> byDialect;
    byDialect.insert(QStringLiteral("total"), s.totalConnections());
    for (auto it = s.connectionsByDialect.cbegin(); it != s.connectionsByDialect.cend(); ++it)
        byDialect.insert(it.key(), it.value());
    m_connectionsChart->addSample(t, byDialect);
    m_ratesChart->addSample(t, {{QStringLiteral("in"), s.messagesInPerSec},
                                {QStringLiteral("out"), s.deliveriesOutPerSec},
                                {QStringLiteral("errors"), s.errorsPerSec}});
}

} // namespace switchboard
