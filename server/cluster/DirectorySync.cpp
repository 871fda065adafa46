#include "DirectorySync.h"

#include <QLoggingCategory>
#include <QTimer>

namespace switchboard {

Q_DECLARE_LOGGING_CATEGORY(lcCluster)

DirectorySync::DirectorySync(int timeoutMs, QObject *parent) : QObject(parent), m_timeoutMs(timeoutMs) {}

qint64 DirectorySync::next()
{
    const qint64 token = ++m_last;
    m_inFlight.insert(token, Pending{});
    QTimer::singleShot(m_timeoutMs, this, [this, token] {
        if (!m_inFlight.remove(token)) return;
        ++m_timedOut;
        qCWarning(lcCluster, "directory notice %lld not acknowledged by every node within %d ms", token, m_timeoutMs);
        release();
    });
    return token;
}

void DirectorySync::published(qint64 token, int receivers)
{
    auto it = m_inFlight.find(token);
    if (it == m_inFlight.end()) return;
    it->expected = qMax(0, receivers);
    settleIfDone(token);
}

void DirectorySync::acknowledged(qint64 token)
{
    auto it = m_inFlight.find(token);
    if (it == m_inFlight.end()) return;
    ++it->acks; // may come before PUBLISH's answer (another connection)
    settleIfDone(token);
}

void DirectorySync::whenApplied(std::function<void()> then)
{
    if (m_inFlight.isEmpty()) return then();
    m_waiters.append({m_last, std::move(then)});
}

void DirectorySync::settleIfDone(qint64 token)
{
    const auto it = m_inFlight.constFind(token);
    if (it == m_inFlight.cend() || it->expected < 0 || it->acks < it->expected) return;
    m_inFlight.erase(it);
    release();
}

void DirectorySync::release()
{
    // Waiters for tokens below the oldest one still in flight are done.
    const qint64 oldest = m_inFlight.isEmpty() ? m_last + 1 : m_inFlight.firstKey();
    QList<std::function<void()>> ready;
    while (!m_waiters.isEmpty() && m_waiters.first().first < oldest) ready.append(m_waiters.takeFirst().second);
    for (const auto &then : std::as_const(ready)) then();
}

} // namespace switchboard
