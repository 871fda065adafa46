#include "ParticipationTracker.h"

#include "CoreContext.h"
#include "EphemeralLane.h"
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
    return m_sessions.contains(key(channelId, userId));
}

int ParticipationTracker::sessionsInRoom(const QString &channelId, const QString &userId) const
{
    return m_sessions.value(key(channelId, userId));
}

void ParticipationTracker::onSubscribed(Session *s, const QString &topic)
{
    if (!isChannelTopic(topic)) return;
    const QString channelId = topic.mid(2);
    if (++m_sessions[key(channelId, s->userId())] != 1) return;
    if (m_core.dir.channelMemberCount(channelId) <= m_core.config.presenceChannelLimit)
        m_core.lane->participationChanged(channelId, s->userId(), true);
}

void ParticipationTracker::onUnsubscribed(Session *s, const QString &topic)
{
    if (!isChannelTopic(topic)) return;
    const QString channelId = topic.mid(2);
    auto it = m_sessions.find(key(channelId, s->userId()));
    if (it == m_sessions.end() || --it.value() > 0) return;
    m_sessions.erase(it);
    if (m_core.dir.channelMemberCount(channelId) <= m_core.config.presenceChannelLimit)
        m_core.lane->participationChanged(channelId, s->userId(), false);
}

} // namespace switchboard
