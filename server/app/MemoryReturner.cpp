#include "MemoryReturner.h"

#include <QElapsedTimer>

#include "core/ChatService.h"
#include "core/SessionManager.h"

#include <QLoggingCategory>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace switchboard {

Q_LOGGING_CATEGORY(lcMemory, "switchboard.memory")

MemoryReturner::MemoryReturner(ChatService *chat, QObject *parent) : QObject(parent), m_chat(chat)
{
    m_timer.setInterval(IntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &MemoryReturner::check);
    m_timer.start();
}

void MemoryReturner::check()
{
    const qsizetype now = m_chat->sessionCount();
    m_peak = qMax(m_peak, now);
    const bool dropped = m_peak - now >= MinDrop && now <= m_peak / 2;
    // One more once the count holds still: the leavers' objects, buffers and
    // queued frames are freed a little after they stop counting as sessions.
    const bool settled = m_trimAgain && now == m_last;
    m_last = now;
    if (!dropped && !settled) return;
    m_trimAgain = dropped;
    trim(m_peak - now);
    m_peak = now;
}

void MemoryReturner::trim(qsizetype left)
{
#if defined(__GLIBC__)
    QElapsedTimer clock;
    clock.start();
    m_chat->sessionManager()->compact();
#if !defined(SWITCHBOARD_JEMALLOC)
    // Under jemalloc (the release build) its background thread returns the
    // pages; glibc's trim would stall the loop for tens of ms.
    malloc_trim(0);
#endif
    qCDebug(lcMemory) << "returned free heap pages after" << left << "connections left, in"
                      << clock.nsecsElapsed() / 1000 << "µs";
#else
    Q_UNUSED(left);
#endif
}

} // namespace switchboard
