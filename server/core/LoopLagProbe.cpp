#include "LoopLagProbe.h"

#include "Metrics.h"

namespace switchboard {

LoopLagProbe::LoopLagProbe(QObject *parent) : QObject(parent)
{
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(IntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &LoopLagProbe::tick);
    m_clock.start();
    m_expectedNs = qint64(IntervalMs) * 1000000;
    m_timer.start();
}

void LoopLagProbe::tick()
{
    const qint64 now = m_clock.nsecsElapsed();
    const double lagMs = double(now - m_expectedNs) / 1e6;
    m_expectedNs = now + qint64(IntervalMs) * 1000000;
    Metrics &m = Metrics::instance();
    m.loopLagMs.observe(qMax(0.0, lagMs));
    if (lagMs > m.loopLagMaxMs) m.loopLagMaxMs = lagMs;
    if (lagMs > 10) ++m.loopLagOver10ms;
    if (lagMs > 50) ++m.loopLagOver50ms;
    if (lagMs > 100) ++m.loopLagOver100ms;
}

} // namespace switchboard
