#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace switchboard {

// Measures how late the event loop runs a 25 ms timer and records it in
// Metrics (worst lag, a histogram of every lag, count of stalls over
// 10/50/100 ms). Everything the
// server does runs on that loop, so a stall here is latency every client sees;
// the figure tells a slow loop from a slow network or a slow disk.
class LoopLagProbe : public QObject
{
    Q_OBJECT
public:
    explicit LoopLagProbe(QObject *parent = nullptr);

    static constexpr int IntervalMs = 25;

private:
    void tick();

    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_expectedNs = 0;
};

} // namespace switchboard
