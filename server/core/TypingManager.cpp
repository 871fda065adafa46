#include "TypingManager.h"

#include <QDateTime>

namespace switchboard {

TypingManager::TypingManager(QObject *parent) : QObject(parent)
{
    // One coarse sweep timer for all entries instead of a timer each.
    m_sweep.setInterval(250);
    connect(&m_sweep, &QTimer::timeout, this, &TypingManager::expire);
}

void TypingManager::setTyping(const QString &channelId, const QString &userId, const QString &sessionId, bool typing)
{
    const QString key = channelId + QLatin1Char('/') + userId;
    auto it = m_entries.find(key);
    if (typing) {
        const qint64 deadline = QDateTime::currentMSecsSinceEpoch() + m_timeoutMs;
        if (it != m_entries.end()) {
            it->deadline = deadline;
            it->sessionId = sessionId;
            return;
        }
        m_entries.insert(key, {channelId, userId, sessionId, deadline});
        if (!m_sweep.isActive()) m_sweep.start();
        Q_EMIT typingChanged(channelId, userId, true);
    } else if (it != m_entries.end()) {
        m_entries.erase(it);
        Q_EMIT typingChanged(channelId, userId, false);
    }
}

void TypingManager::clearSession(const QString &sessionId)
{
    QList<Entry> gone;
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        if (it->sessionId == sessionId) {
            gone.append(*it);
            it = m_entries.erase(it);
        } else
            ++it;
    }
    for (const Entry &e : gone) Q_EMIT typingChanged(e.channelId, e.userId, false);
}

bool TypingManager::isTyping(const QString &channelId, const QString &userId) const
{
    return m_entries.contains(channelId + QLatin1Char('/') + userId);
}

void TypingManager::expire()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QList<Entry> gone;
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        if (it->deadline <= now) {
            gone.append(*it);
            it = m_entries.erase(it);
        } else
            ++it;
    }
    if (m_entries.isEmpty()) m_sweep.stop();
    for (const Entry &e : gone) Q_EMIT typingChanged(e.channelId, e.userId, false);
}

} // namespace switchboard
