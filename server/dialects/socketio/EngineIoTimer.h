#pragma once

#include "EngineIoTimerQueue.h"

#include <functional>

namespace switchboard {

// A single-shot timer for per-session deadlines (ping, pong, upgrade, close,
// connect timeout) that costs no QObject, no signal connection and no
// event-dispatcher registration: while it runs it is a link in its queue's
// list (idle memory, docs/design.md: four QTimers per idle session were ~2 KB). The queue fires
// it at most its slack late (EngineIoTimerQueue::slackFor), never early.
class EngineIoTimer
{
public:
    // `onTimeout` may start or stop any timer, this one included, and may ask
    // for its owner's deletion (deleteLater), not delete it on the spot.
    EngineIoTimer(EngineIoTimerQueue *queue, std::function<void()> onTimeout);
    ~EngineIoTimer();
    EngineIoTimer(const EngineIoTimer &) = delete;
    EngineIoTimer &operator=(const EngineIoTimer &) = delete;

    // (Re)starts the timer: it fires once, `ms` from now (at least 1 ms).
    void start(int ms);
    void stop();
    bool isActive() const { return m_lane != nullptr; }
    // Milliseconds until it is due (the queue may fire it up to its slack
    // later); -1 when inactive.
    qint64 remainingMs() const;

private:
    friend class EngineIoTimerQueue;

    EngineIoTimerQueue *m_queue; // null once the queue is gone
    std::function<void()> m_onTimeout;
    EngineIoTimerQueue::Lane *m_lane = nullptr; // the list it is in, while active
    EngineIoTimer *m_prev = nullptr;
    EngineIoTimer *m_next = nullptr;
    qint64 m_due = 0; // on the queue's clock, ms
};

} // namespace switchboard
