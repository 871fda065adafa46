#include "WebSocketFlushQueue.h"

#include "MonotonicClock.h"
#include "WebSocketConnection.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEvent>

#include <algorithm>
#include <limits>

namespace switchboard {

static const QEvent::Type FlushEvent = QEvent::Type(QEvent::User + 0x5b1);

namespace {
// The bulk budget is checked every few connections: one send is a few µs.
constexpr int kBulkCheckEvery = 16;
} // namespace

std::atomic<WebSocketFlushQueue::WaitObserver> WebSocketFlushQueue::s_urgentWaitObserver{nullptr};

void WebSocketFlushQueue::setUrgentWaitObserver(WaitObserver observer)
{
    s_urgentWaitObserver = observer;
}

WebSocketFlushQueue::WebSocketFlushQueue()
{
    m_lingerTimer.setSingleShot(true);
    m_lingerTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_lingerTimer, &QTimer::timeout, this, [this] { post(); });
}

WebSocketFlushQueue *WebSocketFlushQueue::instance()
{
    // One per thread; connections are used only by the thread they live in.
    static thread_local WebSocketFlushQueue queue;
    return &queue;
}

void WebSocketFlushQueue::setBulkBudget(qint64 ns)
{
    m_bulkBudgetNs = std::max<qint64>(0, ns);
}

void WebSocketFlushQueue::setBulkLinger(qint64 ns)
{
    m_lingerNs = std::max<qint64>(0, ns);
    m_lingerTimer.stop();
    if (!m_bulkQueue.empty()) post(); // what is waiting is due by the new linger, or the timer restarts
}

void WebSocketFlushQueue::post()
{
    if (m_posted) return;
    m_posted = true;
    QCoreApplication::postEvent(this, new QEvent(FlushEvent));
}

void WebSocketFlushQueue::add(WebSocketConnection *connection)
{
    using State = WebSocketConnection::FlushState;
    if (connection->m_flushState == State::Urgent) return;
    if (!m_bulk) {
        // A message: this connection goes out first (its earlier bulk frames
        // with it; its entry in the bulk lane is skipped later).
        connection->m_flushState = State::Urgent;
        m_urgent.push_back({connection, monotonicNs()});
    } else if (connection->m_flushState == State::None) {
        connection->m_flushState = State::Bulk;
        ++connection->m_bulkEntries;
        m_bulkQueue.push_back({connection, monotonicNs()});
        if (m_lingerNs > 0) {
            // Due once it has lingered. The timer follows the oldest entry; a
            // posted flush restarts it after sending what is due.
            if (!m_lingerTimer.isActive() && !m_posted) m_lingerTimer.start(int((m_lingerNs + 999999) / 1000000));
            return;
        }
    } else {
        return; // already waiting in the bulk lane
    }
    post();
}

void WebSocketFlushQueue::remove(WebSocketConnection *connection)
{
    const auto it = std::find_if(m_urgent.begin(), m_urgent.end(),
                                 [connection](const Entry &e) { return e.connection == connection; });
    if (it != m_urgent.end()) m_urgent.erase(it);
    if (connection->m_bulkEntries > 0) {
        m_bulkQueue.erase(std::remove_if(m_bulkQueue.begin(), m_bulkQueue.end(),
                                         [connection](const Entry &e) { return e.connection == connection; }),
                          m_bulkQueue.end());
        connection->m_bulkEntries = 0;
    }
    connection->m_flushState = WebSocketConnection::FlushState::None;
}

void WebSocketFlushQueue::flushUrgent()
{
    // Flushing never queues again (see WebSocketConnection::flush), but take
    // the list first so that a connection added meanwhile is not lost.
    std::vector<Entry> batch;
    batch.swap(m_urgent);
    const WaitObserver observe = s_urgentWaitObserver.load(std::memory_order_relaxed);
    for (const Entry &e : batch) {
        e.connection->m_flushState = WebSocketConnection::FlushState::None;
        if (observe) observe(monotonicNs() - e.queuedNs);
        e.connection->flush();
    }
}

bool WebSocketFlushQueue::flushBulk(qint64 budgetNs)
{
    QElapsedTimer clock;
    clock.start();
    const qint64 dueBefore = budgetNs >= 0 ? monotonicNs() - m_lingerNs : std::numeric_limits<qint64>::max();
    int sent = 0;
    while (!m_bulkQueue.empty()) {
        if (budgetNs >= 0 && sent > 0 && sent % kBulkCheckEvery == 0 && clock.nsecsElapsed() > budgetNs) {
            ++m_bulkCuts;
            return true;
        }
        const Entry &front = m_bulkQueue.front();
        if (front.queuedNs > dueBefore) {
            // The queue is in arrival order: the rest is younger still.
            const qint64 waitNs = front.queuedNs - dueBefore;
            if (!m_lingerTimer.isActive()) m_lingerTimer.start(int((waitNs + 999999) / 1000000));
            return false;
        }
        WebSocketConnection *c = front.connection;
        m_bulkQueue.pop_front();
        --c->m_bulkEntries;
        if (c->m_flushState != WebSocketConnection::FlushState::Bulk) continue; // sent as urgent meanwhile
        c->m_flushState = WebSocketConnection::FlushState::None;
        c->flush();
        ++sent;
    }
    m_lingerTimer.stop();
    return false;
}

void WebSocketFlushQueue::flushAll()
{
    flushUrgent();
    flushBulk(-1);
    m_lingerTimer.stop();
}

bool WebSocketFlushQueue::event(QEvent *e)
{
    if (e->type() != FlushEvent) return QObject::event(e);
    m_posted = false;
    flushUrgent();
    // Posted again, the rest waits for the next pass (after sockets and timers).
    if (flushBulk(m_bulkBudgetNs)) post();
    return true;
}

} // namespace switchboard
