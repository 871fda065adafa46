#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <memory>
#include <vector>

namespace switchboard {

class EngineIoTimer;

// One QTimer for every EngineIoTimer of an Engine.IO server. Timers of equal
// duration are due in the order they were started, so each duration is one
// FIFO list sorted by construction: start and stop are O(1), and only the
// heads matter for the next wake-up. The wake-up is set for the earliest head
// plus its slack (1/20 of its duration, at most kMaxSlackMs), so that deadlines
// close together fire in one pass instead of one wake-up each; nothing fires
// before it is due. One pass fires at most kMaxPerPass timers and runs at most
// kPassBudgetMs: the rest are served by the next pass, after the loop has
// handled its sockets (a burst of due pings must not stall the room).
class EngineIoTimerQueue : public QObject
{
    Q_OBJECT
public:
    explicit EngineIoTimerQueue(QObject *parent = nullptr);
    // Timers still queued are detached: they stay inactive and start() no-ops.
    ~EngineIoTimerQueue() override;

    int activeCount() const { return m_active; }
    // How late after its due time a timer of `ms` may fire at most (besides
    // passes taken by timers due before it): min(ms / 20, kMaxSlackMs).
    static qint64 slackFor(qint64 ms) { return qMin<qint64>(ms / 20, kMaxSlackMs); }

    // Small enough that a spread of deadlines (jittered pings) stays spread
    // over many passes, large enough to coalesce wake-ups.
    static constexpr qint64 kMaxSlackMs = 25;
    static constexpr int kMaxPerPass = 512;
    static constexpr qint64 kPassBudgetMs = 3;

private:
    friend class EngineIoTimer;
    struct Lane
    {
        qint64 durationMs = 0;
        EngineIoTimer *head = nullptr;
        EngineIoTimer *tail = nullptr;
    };

    void add(EngineIoTimer *timer, qint64 ms);
    void remove(EngineIoTimer *timer);
    void arm();
    void fire();
    qint64 now() const { return m_clock.elapsed(); }

    std::vector<std::unique_ptr<Lane>> m_lanes; // a handful: one per distinct duration
    QTimer m_wakeup;
    QElapsedTimer m_clock;
    qint64 m_wakeupAt = -1; // when m_wakeup fires, on m_clock; -1: not armed
    int m_active = 0;
    bool m_firing = false;
};

} // namespace switchboard
