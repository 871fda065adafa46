#include "ReadHold.h"

#include <algorithm>

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
    const QList<Parked> parked = std::exchange(m_parked, {});
    for (const Parked &p : parked) {
        if (p.owner) p.resume();
    }
}

qsizetype ReadHold::parkedNow() const
{
    return std::count_if(m_parked.cbegin(), m_parked.cend(), [](const Parked &p) { return !p.owner.isNull(); });
}

void ReadHold::park(QObject *owner, std::function<void()> resume)
{
    m_parked.append({owner, std::move(resume)});
    ++m_parkedTotal;
}

} // namespace switchboard
