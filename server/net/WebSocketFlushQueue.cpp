#include "WebSocketFlushQueue.h"

#include "WebSocketConnection.h"

#include <QCoreApplication>
#include <QEvent>

#include <algorithm>

namespace switchboard {

static const QEvent::Type FlushEvent = QEvent::Type(QEvent::User + 0x5b1);

WebSocketFlushQueue *WebSocketFlushQueue::instance()
{
    // One per thread; connections are used only by the thread they live in.
    static thread_local WebSocketFlushQueue queue;
    return &queue;
}

void WebSocketFlushQueue::add(WebSocketConnection *connection)
{
    m_queue.push_back(connection);
    if (!m_posted) {
        m_posted = true;
        QCoreApplication::postEvent(this, new QEvent(FlushEvent));
    }
}

void WebSocketFlushQueue::remove(WebSocketConnection *connection)
{
    const auto it = std::find(m_queue.begin(), m_queue.end(), connection);
    if (it != m_queue.end()) m_queue.erase(it);
}

void WebSocketFlushQueue::flushAll()
{
    // Flushing never queues again (see WebSocketConnection::flush), but take
    // the list first so that a connection added meanwhile is not lost.
    std::vector<WebSocketConnection *> batch;
    batch.swap(m_queue);
    for (WebSocketConnection *c : batch) {
        c->m_flushQueued = false;
        c->flush();
    }
}

bool WebSocketFlushQueue::event(QEvent *e)
{
    if (e->type() != FlushEvent) return QObject::event(e);
    m_posted = false;
    flushAll();
    return true;
}

} // namespace switchboard
