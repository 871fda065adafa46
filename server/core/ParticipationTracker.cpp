#include "ParticipationTracker.h"

#include "HashCompaction.h"

#include "CoreContext.h"
#include "EphemeralLane.h"
#include "RoomKey.h"
#include "Session.h"

namespace switchboard {

namespace {

bool isChannelTopic(const QString &topic)
{
    return topic.startsWith(QLatin1String("c:"));
}

} // namespace

ParticipationTracker::ParticipationTracker(CoreContext &core, QObject *parent) : QObject(parent), m_core(core)
{
    connect(&m_core.rooms, &RoomManager::subscribed, this, &ParticipationTracker::onSubscribed);
    connect(&m_core.rooms, &RoomManager::unsubscribed, this, &ParticipationTracker::onUnsubscribed);
}

bool ParticipationTracker::isInRoom(const QString &channelId, const QString &userId) const
{
    const QString k = RoomKey::of(channelId, userId);
    return m_sessions.contains(k) || m_remote.contains(k);
}

int ParticipationTracker::sessionsInRoom(const QString &channelId, const QString &userId) const
{
    return m_sessions.value(RoomKey::of(channelId, userId));
}

void ParticipationTracker::announce(const QString &channelId, const QString &userId, bool inRoom)
{
    if (m_core.lane->tellsChannel(channelId)) m_core.lane->participationChanged(channelId, userId, inRoom);
}

void ParticipationTracker::onSubscribed(Session *s, const QString &topic)
{
    if (!isChannelTopic(topic)) return;
    const QString channelId = topic.mid(2);
    const QString k = RoomKey::of(channelId, s->userId());
    const bool first = ++m_sessions[k] == 1;
    Q_EMIT localChanged(channelId, s->userId(), true);
    if (first && !m_remote.contains(k)) announce(channelId, s->userId(), true);
}

void ParticipationTracker::onUnsubscribed(Session *s, const QString &topic)
{
    if (!isChannelTopic(topic)) return;
    const QString channelId = topic.mid(2);
    const QString k = RoomKey::of(channelId, s->userId());
    auto it = m_sessions.find(k);
    if (it == m_sessions.end()) return;
    if (--it.value() > 0) {
        Q_EMIT localChanged(channelId, s->userId(), true); // one device less
        return;
    }
    m_sessions.erase(it);
    Q_EMIT localChanged(channelId, s->userId(), false);
    if (!m_remote.contains(k)) announce(channelId, s->userId(), false);
}

void ParticipationTracker::setRemote(const QString &channelId, const QString &userId, bool inRoom)
{
    const QString k = RoomKey::of(channelId, userId);
    const bool was = isInRoom(channelId, userId);
    if (inRoom)
        m_remote.insert(k);
    else
        m_remote.remove(k);
    if (isInRoom(channelId, userId) != was) announce(channelId, userId, !was);
}

void ParticipationTracker::compact()
{
    squeezeIfSparse(m_sessions);
    squeezeIfSparse(m_remote);
}

} // namespace switchboard
