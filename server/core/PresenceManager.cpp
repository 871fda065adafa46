#include "PresenceManager.h"

namespace switchboard {

PresenceManager::PresenceManager(QObject *parent) : QObject(parent) {}

bool PresenceManager::isValidStatus(const QString &s)
{
    return s == QLatin1String("online") || s == QLatin1String("away") || s == QLatin1String("busy")
        || s == QLatin1String("offline");
}

void PresenceManager::connectionOpened(const QString &userId)
{
    Entry &e = m_users[userId];
    if (++e.connections == 1) {
        e.status = QStringLiteral("online");
        Q_EMIT presenceChanged(userId, e.status);
    }
}

void PresenceManager::connectionClosed(const QString &userId)
{
    auto it = m_users.find(userId);
    if (it == m_users.end()) return;
    if (--it->connections <= 0) {
        m_users.erase(it);
        Q_EMIT presenceChanged(userId, QStringLiteral("offline"));
    }
}

bool PresenceManager::setStatus(const QString &userId, const QString &status)
{
    auto it = m_users.find(userId);
    if (it == m_users.end() || !isValidStatus(status)) return false;
    // "offline" from a connected client means "appear offline" is not supported:
    // we treat it as away, since the user is still reachable.
    const QString s = status == QLatin1String("offline") ? QStringLiteral("away") : status;
    if (it->status != s) {
        it->status = s;
        Q_EMIT presenceChanged(userId, s);
    }
    return true;
}

QString PresenceManager::status(const QString &userId) const
{
    auto it = m_users.constFind(userId);
    return it == m_users.constEnd() ? QStringLiteral("offline") : it->status;
}

int PresenceManager::connectionCount(const QString &userId) const
{
    return m_users.value(userId).connections;
}

} // namespace switchboard
