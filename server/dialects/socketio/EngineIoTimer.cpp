#include "EngineIoTimer.h"

namespace switchboard {

EngineIoTimer::EngineIoTimer(EngineIoTimerQueue *queue, std::function<void()> onTimeout)
    : m_queue(queue)
    , m_onTimeout(std::move(onTimeout))
{
}

EngineIoTimer::~EngineIoTimer()
{
    stop();
}

void EngineIoTimer::start(int ms)
{
    if (!m_queue) return;
    stop();
    m_queue->add(this, qMax(1, ms));
}

void EngineIoTimer::stop()
{
    if (m_lane && m_queue) m_queue->remove(this);
}

qint64 EngineIoTimer::remainingMs() const
{
    if (!m_lane || !m_queue) return -1;
    return qMax<qint64>(0, m_due - m_queue->now());
}

} // namespace switchboard
