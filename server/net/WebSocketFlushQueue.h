#pragma once

#include <QObject>

#include <vector>

namespace switchboard {

class WebSocketConnection;

// Collects the connections that queued frames during the current event-loop
// pass and sends each one's bytes with a single send() when the loop comes
// back to posted events. A burst of messages to one socket (a group-commit
// batch, a busy room) then costs one syscall, not one per frame.
class WebSocketFlushQueue : public QObject
{
public:
    // The queue of the calling thread.
    static WebSocketFlushQueue *instance();

    void add(WebSocketConnection *connection);
    void remove(WebSocketConnection *connection);
    void flushAll();

protected:
    bool event(QEvent *e) override;

private:
    WebSocketFlushQueue() = default;
    std::vector<WebSocketConnection *> m_queue;
    bool m_posted = false;
};

} // namespace switchboard
