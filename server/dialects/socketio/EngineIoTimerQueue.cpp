#include "EngineIoTimerQueue.h"

#include "EngineIoTimer.h"

namespace switchboard {

EngineIoTimerQueue::EngineIoTimerQueue(QObject *parent) : QObject(parent)
{
    m_clock.start();
    m_wakeup.setSingleShot(true);
    // Precise: the slack is ours (slackFor()); a coarse QTimer would
    // add its own 5 %, and may fire early.
    m_wakeup.setTimerType(Qt::PreciseTimer);
    connect(&m_wakeup, &QTimer::timeout, this, &EngineIoTimerQueue::fire);
}

EngineIoTimerQueue::~EngineIoTimerQueue()
{
    for (const auto &lane : m_lanes) {
        for (EngineIoTimer *t = lane->head; t;) {
            EngineIoTimer *next = t->m_next;
            t->m_lane = nullptr;
            t->m_prev = t->m_next = nullptr;
            t->m_queue = nullptr;
            t = next;
        }
    }
}

void EngineIoTimerQueue::add(EngineIoTimer *timer, qint64 ms)
{
    Lane *lane = nullptr;
    for (const auto &l : m_lanes) {
        if (l->durationMs == ms) {
            lane = l.get();
            break;
        }
    }
    if (!lane) {
        m_lanes.push_back(std::make_unique<Lane>());
        lane = m_lanes.back().get();
        lane->durationMs = ms;
    }
    // The clock never goes back and the duration is the lane's: appending
    // keeps the lane sorted by due time.
    timer->m_due = m_clock.elapsed() + ms;
    timer->m_lane = lane;
    timer->m_prev = lane->tail;
    timer->m_next = nullptr;
    if (lane->tail)
        lane->tail->m_next = timer;
    else
        lane->head = timer;
    lane->tail = timer;
    ++m_active;
    if (lane->head == timer) arm();
}

void EngineIoTimerQueue::remove(EngineIoTimer *timer)
{
    Lane *lane = timer->m_lane;
    if (timer->m_prev)
        timer->m_prev->m_next = timer->m_next;
    else
        lane->head = timer->m_next;
    if (timer->m_next)
        timer->m_next->m_prev = timer->m_prev;
    else
        lane->tail = timer->m_prev;
    timer->m_lane = nullptr;
    timer->m_prev = timer->m_next = nullptr;
    --m_active;
    // No re-arm: a wake-up with nothing due costs one pass and re-arms then,
    // cheaper than moving the QTimer on every pong.
}

void EngineIoTimerQueue::arm()
{
    if (m_firing) return; // fire() re-arms once it is done
    qint64 at = -1;
    for (const auto &lane : m_lanes) {
        if (!lane->head) continue;
        const qint64 latest = lane->head->m_due + slackFor(lane->durationMs);
        if (at < 0 || latest < at) at = latest;
    }
    if (at < 0) {
        m_wakeup.stop();
        m_wakeupAt = -1;
        return;
    }
    if (m_wakeupAt >= 0 && m_wakeupAt <= at && m_wakeup.isActive()) return; // already due to wake up in time
    m_wakeupAt = at;
    m_wakeup.start(int(qMax<qint64>(0, at - m_clock.elapsed())));
}

void EngineIoTimerQueue::fire()
{
    m_wakeupAt = -1;
    m_firing = true;
    const qint64 now = m_clock.elapsed();
    QElapsedTimer pass;
    pass.start();
    int fired = 0;
    bool more = false;
    // Index, not iterator: a callback may start a timer of a new duration.
    for (size_t i = 0; i < m_lanes.size() && !more; ++i) {
        Lane *lane = m_lanes[i].get();
        // Timers started by a callback are due at least 1 ms after `now`, so
        // this loop ends.
        while (lane->head && lane->head->m_due <= now) {
            // Out of budget: the rest goes to the next pass (a 0 ms wake-up,
            // after the sockets ready now have been served).
            if (fired >= kMaxPerPass || (fired % 32 == 31 && pass.elapsed() >= kPassBudgetMs)) {
                more = true;
                break;
            }
            EngineIoTimer *t = lane->head;
            remove(t);
            ++fired;
            t->m_onTimeout(); // t may be stopped or restarted in here, not deleted
        }
    }
    m_firing = false;
    if (more) {
        m_wakeupAt = now;
        m_wakeup.start(0);
        return;
    }
    arm();
}

} // namespace switchboard
