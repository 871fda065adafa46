#include "ReadHold.h"

#include "WebSocketConnection.h"

namespace switchboard {

ReadHold &ReadHold::instance()
{
    static thread_local ReadHold hold;
    return hold;
}

void ReadHold::setHeld(bool held)
{
    if (held == m_held) return;
    m_held = held;
    if (held) {
        ++m_holds;
        return;
    }
    // Swapped out first: a resumed connection cannot park again (the hold is
    // off), but one that closes while resuming must not touch the list we walk.
    const QList<QPointer<WebSocketConnection>> parked = std::exchange(m_parked, {});
    for (const QPointer<WebSocketConnection> &c : parked) {
        if (c) c->resumeReading();
    }
}

void ReadHold::park(WebSocketConnection *connection)
{
    m_parked.append(connection);
    ++m_parkedTotal;
}

} // namespace switchboard
