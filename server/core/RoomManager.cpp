#include "RoomManager.h"

#include "HashCompaction.h"

#include "Metrics.h"
#include "Session.h"

namespace switchboard {

RoomManager::RoomManager(QObject *parent) : QObject(parent) {}

void RoomManager::subscribe(Session *s, const QString &topic)
{
    if (!m_topics[topic].insert(s)) return;
    s->m_topics.append(topic);
    Q_EMIT subscribed(s, topic);
}

void RoomManager::unsubscribe(Session *s, const QString &topic)
{
    auto it = m_topics.find(topic);
    if (it == m_topics.end() || !it->remove(s)) return;
    if (it->isEmpty()) m_topics.erase(it);
    s->m_topics.removeOne(topic);
    Q_EMIT unsubscribed(s, topic);
}

void RoomManager::unsubscribeAll(Session *s)
{
    const QStringList topics = s->m_topics;
    for (const QString &t : topics) unsubscribe(s, t);
}

bool RoomManager::isSubscribed(Session *s, const QString &topic) const
{
    auto it = m_topics.constFind(topic);
    return it != m_topics.constEnd() && it->contains(s);
}

QList<Session *> RoomManager::subscribers(const QString &topic) const
{
    auto it = m_topics.constFind(topic);
    return it == m_topics.constEnd() ? QList<Session *>() : it->values();
}

int RoomManager::subscriberCount(const QString &topic) const
{
    auto it = m_topics.constFind(topic);
    return it == m_topics.constEnd() ? 0 : int(it->size());
}

int RoomManager::publish(const QStringList &topics, const ChatEventPtr &event)
{
    ++Metrics::instance().eventsPublished;
    // Snapshot first: a delivery may close a session (slow reader), which
    // unsubscribes it while we iterate.
    QList<Session *> targets;
    if (topics.size() == 1) {
        targets = subscribers(topics.first());
    } else {
        QSet<Session *> seen;
        for (const QString &t : topics) {
            auto it = m_topics.constFind(t);
            if (it == m_topics.constEnd()) continue;
            it->forEach([&](Session *s) {
                if (!seen.contains(s)) {
                    seen.insert(s);
                    targets.append(s);
                }
            });
        }
    }
    int delivered = 0;
    for (Session *s : std::as_const(targets)) {
        if (!s->m_topics.isEmpty()) { // still subscribed to something: not closed meanwhile
            s->receive(event);
            ++delivered;
        }
    }
    Metrics::instance().deliveries += delivered;
    return delivered;
}

void RoomManager::compact()
{
    squeezeIfSparse(m_topics);
}

} // namespace switchboard
