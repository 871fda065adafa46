#pragma once

#include <QtGlobal>

namespace switchboard {

// The per-console rate cap of the traffic stream: at most `rate` events in
// any one-second window; what does not fit is counted, not queued. Counting
// is all a refused event costs, so a flood never grows a buffer.
class TrafficThrottle
{
public:
    explicit TrafficThrottle(int ratePerSecond = 200) : m_rate(qMax(1, ratePerSecond)) {}

    void setRate(int ratePerSecond) { m_rate = qMax(1, ratePerSecond); }
    int rate() const { return m_rate; }

    // True if one more event fits into the current second.
    bool admit(qint64 nowMs);
    // Counts an event refused for another reason (console too slow).
    void refuse() { ++m_dropped; }
    // Events refused since the last call; resets the count.
    qint64 takeDropped();
    qint64 totalDropped() const { return m_totalDropped + m_dropped; }

private:
    int m_rate;
    qint64 m_windowStart = -1;
    int m_inWindow = 0;
    qint64 m_dropped = 0;
    qint64 m_totalDropped = 0;
};

} // namespace switchboard
