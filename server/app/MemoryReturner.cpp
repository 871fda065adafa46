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
    if (m_peak - now < MinDrop || now > m_peak / 2) return;
#if defined(__GLIBC__)
    QElapsedTimer clock;
    clock.start();
    m_chat->sessionManager()->compact();
    malloc_trim(0);
    qCDebug(lcMemory) << "returned free heap pages after" << (m_peak - now) << "connections left, in"
                      << clock.nsecsElapsed() / 1000 << "µs";
#endif
    m_peak = now;
}

} // namespace switchboard
