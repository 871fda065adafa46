#pragma once

#include <QObject>
#include <QTimer>

#include <atomic>

#include <deque>
#include <vector>

namespace switchboard {

class WebSocketConnection;

// Collects the connections that queued frames during the current event-loop
// pass and sends each one's bytes with a single send() when the loop comes
// back to posted events. A burst of messages to one socket (a group-commit
// batch, a busy room) then costs one syscall, not one per frame.
//
// Two lanes, messages first: frames queued inside a bulk scope (presence,
// typing and other ephemeral traffic, see setBulk()) are sent after every
// connection that has a message waiting, under a time budget per pass. The
// rest wait a pass and gather more frames meanwhile, so under a wave each
// send carries more of them: a presence storm never delays a message.
// A connection with bulk frames only also waits bulkLinger (100 ms) after its
// first one: on loopback every send() costs the sender the receiver's TCP
// processing too, and under a connect wave a recipient hears of its
// channel's newcomers one by one, so lingering packs several into one send.
class WebSocketFlushQueue : public QObject
{
public:
    // The queue of the calling thread.
    static WebSocketFlushQueue *instance();

    // While on, connections that queue frames join the bulk lane (unless a
    // message already put them in the urgent one).
    void setBulk(bool on) { m_bulk = on; }

    void add(WebSocketConnection *connection);
    void remove(WebSocketConnection *connection);
    // Sends everything queued in both lanes now (tests, shutdown, flushAll()).
    void flushAll();
    // Sends the urgent lane only (the dispatcher, after commit callbacks that
    // it sends between chat sockets).
    void flushUrgent();
    // Passes whose bulk sends ran past the budget (the rest waited a pass).
    quint64 bulkCuts() const { return m_bulkCuts; }
    qsizetype bulkBacklog() const { return qsizetype(m_bulkQueue.size()); }
    // Bulk sending per pass (the server sets it to --ephemeral-budget-ms):
    // after it the rest waits a pass, behind sockets and timers.
    void setBulkBudget(qint64 ns);
    qint64 bulkBudget() const { return m_bulkBudgetNs; }
    static constexpr qint64 DefaultBulkBudgetNs = 1000 * 1000;
    // Told, for each connection the urgent lane sends, how long since its
    // first message frame was queued (for /metrics: the send's share
    // of a message's time in the server). A plain function, all threads.
    using WaitObserver = void (*)(qint64 ns);
    static void setUrgentWaitObserver(WaitObserver observer);
    // How long a connection's first bulk frame may wait for company (tests).
    void setBulkLinger(qint64 ns);
    qint64 bulkLinger() const { return m_lingerNs; }
    static constexpr qint64 DefaultBulkLingerNs = 100 * 1000 * 1000;

protected:
    bool event(QEvent *e) override;

private:
    WebSocketFlushQueue();
    void post();
    // Sends bulk connections until budgetNs has passed (-1: all); true if some remain.
    bool flushBulk(qint64 budgetNs);

    struct Entry
    {
        WebSocketConnection *connection;
        qint64 queuedNs; // CLOCK_MONOTONIC
    };
    // Each with the time of its first message frame (the send wait in /metrics).
    std::vector<Entry> m_urgent;
    // May hold entries of connections promoted to urgent since: skipped.
    std::deque<Entry> m_bulkQueue;
    qint64 m_lingerNs = DefaultBulkLingerNs;
    qint64 m_bulkBudgetNs = DefaultBulkBudgetNs;
    QTimer m_lingerTimer; // wakes the queue when the oldest bulk entry is due
    bool m_posted = false;
    bool m_bulk = false;
    quint64 m_bulkCuts = 0;
    static std::atomic<WaitObserver> s_urgentWaitObserver;
};

} // namespace switchboard
