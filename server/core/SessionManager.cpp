#include "SessionManager.h"

#include "HashCompaction.h"

#include "ChannelManager.h"
#include "ConnectionQuota.h"
#include "CoreContext.h"
#include "Metrics.h"
#include "Session.h"
#include "EphemeralLane.h"
#include "ParticipationTracker.h"

#include <QPointer>

namespace switchboard {

SessionManager::SessionManager(CoreContext &core, QObject *parent) : QObject(parent), m_core(core)
{
    connect(&m_core.presence, &PresenceManager::presenceChanged, this, &SessionManager::onPresenceChanged);
    connect(&m_core.typing, &TypingManager::typingChanged, this, &SessionManager::onTypingChanged);
}

SessionManager::~SessionManager()
{
    // Adopted sessions still open; each detaches itself on the way.
    const QList<Session *> owned = m_owned.values();
    m_owned.clear();
    qDeleteAll(owned);
}

void SessionManager::adopt(Session *s)
{
    m_owned.insert(s);
    connect(
        s, &Session::aboutToBeDestroyed, this, [this](Session *gone) { m_owned.remove(gone); }, Qt::DirectConnection);
}

CoreError SessionManager::attach(Session *s)
{
    const User *u = m_core.dir.user(s->userId());
    if (!u || u->disabled) return CoreError::unauthorized("account disabled");
    const int cap = m_core.config.connectionsPerUser;
    // Connections on other nodes count too (the cluster keeps them per node lease).
    if (cap > 0 && m_userSessions.value(u->id).size() + m_core.presence.remoteConnectionCount(u->id) >= cap)
        return CoreError{CoreError::RateLimited, QStringLiteral("too many connections for this user"), {}, 1000};
    m_sessions.insert(s->id(), s);
    m_userSessions[u->id].insert(s);
    // Safety net for a dialect that deletes a session without detaching it: the
    // base destructor still has the topics and ids, so detach completely then.
    // And whatever subscribed it after its detach: a freed session must never stay in a room.
    connect(
        s, &Session::aboutToBeDestroyed, this,
        [this](Session *gone) {
        detach(gone);
        m_core.rooms.unsubscribeAll(gone);
        },
        Qt::DirectConnection);
    m_core.rooms.subscribe(s, RoomManager::userTopic(u->id));
    for (const QString &ws : m_core.dir.workspacesOf(u->id)) m_core.rooms.subscribe(s, RoomManager::workspaceTopic(ws));
    if (s->followsMemberships()) {
        for (const QString &c : m_core.dir.channelsOf(u->id)) m_core.rooms.subscribe(s, RoomManager::channelTopic(c));
        s->setFollowedSinceGid(m_core.outlet.publishedGid()); // a later sync replays up to here
    }
    if (cap > 0 && m_core.connectionQuota) reserveAcrossNodes(s, cap);
    ++Metrics::instance().connectionsOpened;
    ++Metrics::instance().connectionsByDialect[s->dialect()];
    Q_EMIT sessionAttached(s);
    // Presence goes out on the next loop pass, after the dialect's greeting
    // (seed 004: connection_established comes first).
    QPointer<Session> guard(s);
    QMetaObject::invokeMethod(
        this,
        [this, guard] {
        if (!guard || m_sessions.value(guard->id()) != guard) return;
        m_presenceCounted.insert(guard);
        m_core.presence.connectionOpened(guard->userId());
        },
        Qt::QueuedConnection);
    return {};
}

void SessionManager::detach(Session *s)
{
    if (m_sessions.value(s->id()) != s) return;
    m_sessions.remove(s->id());
    auto it = m_userSessions.find(s->userId());
    if (it != m_userSessions.end()) {
        it->remove(s);
        if (it->isEmpty()) m_userSessions.erase(it);
    }
    --Metrics::instance().connectionsByDialect[s->dialect()];
    m_core.rooms.unsubscribeAll(s);
    m_core.typing.clearSession(s->id());
    Q_EMIT sessionDetached(s);
    if (m_presenceCounted.remove(s)) m_core.presence.connectionClosed(s->userId());
    if (m_quotaCounted.remove(s) && m_core.connectionQuota) m_core.connectionQuota->release(s->userId());
}

void SessionManager::reserveAcrossNodes(Session *s, int cap)
{
    // The count above knows other nodes' connections only as of their last
    // presence frame; this one is exact (one atomic count in Redis).
    QPointer<Session> guard(s);
    const QString userId = s->userId();
    m_core.connectionQuota->reserve(userId, cap,
                                    [this, self = QPointer<SessionManager>(this), guard,
                                     userId](ConnectionQuota::Answer a) {
        if (!self) return;
        const bool here = guard && isAttached(guard);
        if (a == ConnectionQuota::Answer::Counted) {
            if (here)
                m_quotaCounted.insert(guard);
            else if (m_core.connectionQuota) // gone meanwhile
                m_core.connectionQuota->release(userId);
        } else if (a == ConnectionQuota::Answer::Refused && here) {
            guard->refuseOverCap(
                CoreError{CoreError::RateLimited, QStringLiteral("too many connections for this user"), {}, 1000});
        }
    });
}

QList<Session *> SessionManager::sessionsOfUser(const QString &userId) const
{
    auto it = m_userSessions.constFind(userId);
    return it == m_userSessions.constEnd() ? QList<Session *>() : it->values();
}

bool SessionManager::isAttached(Session *s) const
{
    return s && m_sessions.value(s->id()) == s;
}

CoreError SessionManager::subscribe(Session *s, const QString &channelId)
{
    // A session that closed while its command was committing hears nothing more.
    if (!isAttached(s)) return CoreError::notFound("connection closed");
    Result<Channel> ch = m_core.access.readable(s->userId(), channelId);
    if (!ch.ok()) return ch.error;
    m_core.rooms.subscribe(s, RoomManager::channelTopic(channelId));
    return {};
}

void SessionManager::unsubscribe(Session *s, const QString &channelId)
{
    m_core.rooms.unsubscribe(s, RoomManager::channelTopic(channelId));
}

CoreError SessionManager::setTyping(Session *session, const QString &channelId, bool typing)
{
    Result<Channel> ch = m_core.access.readable(session->userId(), channelId);
    if (!ch.ok()) return ch.error;
    if (typing && !m_core.typing.isTyping(channelId, session->userId()))
        if (CoreError e = m_core.checkRate(QStringLiteral("typing:%1:%2").arg(session->userId(), channelId),
                                           m_core.config.typingPerMinutePerChannel))
            return e;
    m_core.typing.setTyping(channelId, session->userId(), session->id(), typing);
    return {};
}

CoreError SessionManager::setPresence(const QString &userId, const QString &status)
{
    if (!PresenceManager::isValidStatus(status))
        return CoreError::invalid("status", "status must be online, away, busy or offline");
    if (!m_core.presence.setStatus(userId, status)) return CoreError::invalid("status", "user is not connected");
    return {};
}

// Presence and typing leave through the ephemeral lane: coalesced, budgeted,
// to who can see them.
void SessionManager::onPresenceChanged(const QString &userId, const QString &status)
{
    m_core.lane->presenceChanged(userId, status);
}

void SessionManager::onTypingChanged(const QString &channelId, const QString &userId, bool typing)
{
    m_core.lane->typingChanged(channelId, userId, typing);
}

void SessionManager::compact()
{
    squeezeIfSparse(m_owned);
    squeezeIfSparse(m_presenceCounted);
    squeezeIfSparse(m_quotaCounted);
    squeezeIfSparse(m_sessions);
    squeezeIfSparse(m_userSessions);
    m_core.rooms.compact();
    m_core.presence.compact();
    if (m_core.lane) m_core.lane->compact();
    if (m_core.participation) m_core.participation->compact();
}

} // namespace switchboard
