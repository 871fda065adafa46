#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <memory>
#include <vector>

class EngineIoTimer;

// One QTimer for every EngineIoTimer of an Engine.IO server. Timers of equal
// duration are due in the order they were started, so each duration is one
// FIFO list sorted by construction: start and stop are O(1), and only the
// heads matter for the next wake-up. The wake-up is set for the earliest head
// plus 1/20 of its duration, so that deadlines that close together fire in
// one pass instead of one wake-up each; nothing fires before it is due.
class EngineIoTimerQueue : public QObject
{
    Q_OBJECT
public:
    explicit EngineIoTimerQueue(QObject *parent = nullptr);
    // Timers still queued are detached: they stay inactive and start() no-ops.
    ~EngineIoTimerQueue() override;

    int activeCount() const { return m_active; }

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

    std::vector<std::unique_ptr<Lane>> m_lanes; // a handful: one per distinct duration
    QTimer m_wakeup;
    QElapsedTimer m_clock;
    qint64 m_wakeupAt = -1; // when m_wakeup fires, on m_clock; -1: not armed
    int m_active = 0;
    bool m_firing = false;
};
