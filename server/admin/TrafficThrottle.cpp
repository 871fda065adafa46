#include "TrafficThrottle.h"

namespace switchboard {

bool TrafficThrottle::admit(qint64 nowMs)
{
    if (m_windowStart < 0 || nowMs - m_windowStart >= 1000 || nowMs < m_windowStart) {
        m_windowStart = nowMs;
        m_inWindow = 0;
    }
    if (m_inWindow >= m_rate) {
        ++m_dropped;
        return false;
    }
    ++m_inWindow;
    return true;
}

qint64 TrafficThrottle::takeDropped()
{
    const qint64 d = m_dropped;
    m_totalDropped += d;
    m_dropped = 0;
    return d;
}

} // namespace switchboard
