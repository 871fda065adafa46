#pragma once

#include <QList>
#include <QPointer>
#include <QtGlobal>

namespace switchboard {

class WebSocketConnection;

// Admission control for chat sockets. While the server is behind on work it
// already accepted (committed writes whose fan-out has not run yet, or writes
// still waiting for the disk), reading more from the clients only makes the
// queue longer: every message read becomes a write and then a fan-out. While
// held, an established WebSocket that becomes readable is parked: its read
// notifier is switched off and its bytes stay in the kernel, so TCP pushes
// back on the sender. Released, every parked socket is read again, in the
// order it was parked. Liveness checks count unread bytes as alive
// (WebSocketConnection::hasUnreadInput), so a parked client is not dropped.
// One per thread, like SendBudget; who holds it is the owner's business
// (the server: StoreWriter's backlog past --max-pending-writes).
class ReadHold
{
public:
    static ReadHold &instance();

    bool isHeld() const { return m_held; }
    // Releasing resumes every parked connection (their reads come in the next passes).
    void setHeld(bool held);

    // Called by a connection that found the hold on when it became readable.
    void park(WebSocketConnection *connection);

    quint64 holds() const { return m_holds; }             // times the hold went on
    quint64 parkedTotal() const { return m_parkedTotal; } // connections parked, over all holds
    qsizetype parkedNow() const { return m_parked.size(); }

private:
    bool m_held = false;
    QList<QPointer<WebSocketConnection>> m_parked;
    quint64 m_holds = 0;
    quint64 m_parkedTotal = 0;
};

} // namespace switchboard
