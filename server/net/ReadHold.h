#pragma once

#include <QList>
#include <QObject>
#include <QPointer>
#include <QtGlobal>

#include <functional>

namespace switchboard {

// Admission control for chat sockets. While the server is behind on work it
// already accepted (committed writes whose fan-out has not run yet, or writes
// still waiting for the disk), reading more from the clients only makes the
// queue longer: every message read becomes a write and then a fan-out. While
// held, an established WebSocket that becomes readable is parked: its read
// notifier is switched off and its bytes stay in the kernel, so TCP pushes
// back on the sender. An HTTP request that can write (any method but GET,
// HEAD and OPTIONS: REST posts, long-poll sends) waits the same way, read but
// not yet handled, its connection read no further. Released, every parked
// reader goes on, in the order it was parked. Liveness checks count unread
// bytes as alive (WebSocketConnection::hasUnreadInput), so a parked client is
// not dropped. One per thread, like SendBudget; who holds it is the owner's
// business (the server: StoreWriter's backlog past --max-pending-writes).
class ReadHold
{
public:
    static ReadHold &instance();

    bool isHeld() const { return m_held; }
    // Releasing resumes every parked connection (their reads come in the next passes).
    void setHeld(bool held);

    // Called by a reader that found the hold on: resume runs on release,
    // unless owner is gone by then.
    void park(QObject *owner, std::function<void()> resume);

    quint64 holds() const { return m_holds; }             // times the hold went on
    quint64 parkedTotal() const { return m_parkedTotal; } // connections parked, over all holds
    qsizetype parkedNow() const;                          // parked and still there

private:
    bool m_held = false;
    struct Parked
    {
        QPointer<QObject> owner;
        std::function<void()> resume;
    };
    QList<Parked> m_parked;
    quint64 m_holds = 0;
    quint64 m_parkedTotal = 0;
};

} // namespace switchboard
