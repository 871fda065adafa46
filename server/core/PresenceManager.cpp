#include "PresenceManager.h"

#include "HashCompaction.h"


namespace switchboard {

PresenceManager::PresenceManager(QObject *parent) : QObject(parent) {}

bool PresenceManager::isValidStatus(const QString &s)
{
    return s == QLatin1String("online") || s == QLatin1String("away") || s == QLatin1String("busy")
        || s == QLatin1String("offline");
}

void PresenceManager::announce(const QString &userId, const QString &before)
{
    const QString now = status(userId);
    if (now != before) Q_EMIT presenceChanged(userId, now);
}

void PresenceManager::connectionOpened(const QString &userId)
{
    const QString before = status(userId);
    Entry &e = m_users[userId];
    // Away or busy on another node stays so here.
    if (++e.connections == 1) e.status = m_remote.value(userId, {0, QStringLiteral("online")}).status;
    announce(userId, before);
    Q_EMIT localChanged(userId);
}

void PresenceManager::connectionClosed(const QString &userId)
{
    auto it = m_users.find(userId);
    if (it == m_users.end()) return;
    const QString before = status(userId);
    if (--it->connections <= 0) m_users.erase(it);
    announce(userId, before);
    Q_EMIT localChanged(userId);
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
        Q_EMIT localChanged(userId);
    }
    return true;
}

void PresenceManager::setRemote(const QString &userId, const QString &status, int connections)
{
    const QString before = this->status(userId);
    if (status.isEmpty() || status == QLatin1String("offline"))
        m_remote.remove(userId);
    else
        m_remote.insert(userId, {qMax(0, connections), status});
    announce(userId, before);
}

QString PresenceManager::status(const QString &userId) const
{
    if (auto it = m_users.constFind(userId); it != m_users.constEnd()) return it->status;
    if (auto it = m_remote.constFind(userId); it != m_remote.constEnd()) return it->status;
    return QStringLiteral("offline");
}

QString PresenceManager::localStatus(const QString &userId) const
{
    auto it = m_users.constFind(userId);
    return it == m_users.constEnd() ? QStringLiteral("offline") : it->status;
}

int PresenceManager::connectionCount(const QString &userId) const
{
    return m_users.value(userId).connections + m_remote.value(userId).connections;
}

QStringList PresenceManager::onlineUsers() const
{
    QStringList out = m_users.keys();
    for (auto it = m_remote.cbegin(); it != m_remote.cend(); ++it)
        if (!m_users.contains(it.key())) out.append(it.key());
    return out;
}

void PresenceManager::compact()
{
    squeezeIfSparse(m_users);
    squeezeIfSparse(m_remote);
}

} // namespace switchboard
