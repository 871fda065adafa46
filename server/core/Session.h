#pragma once

#include "ChatEvent.h"
#include "CoreError.h"
#include "ResumeMerge.h"
#include "User.h"

#include <QHostAddress>
#include <QObject>
#include <QStringList>
#include <QSet>

#include <memory>

namespace switchboard {

class ChatService;

// One client connection of any dialect, as the core sees it. A dialect
// subclasses it: deliver() turns core events into the dialect's packets,
// disconnectWithReason() closes the transport. The core keeps the topic
// subscriptions (RoomManager) and the user's presence (PresenceManager).
class Session : public QObject
{
    Q_OBJECT
public:
    struct Stats
    {
        quint64 messagesIn = 0, messagesOut = 0, bytesIn = 0, bytesOut = 0;
    };
    // How a frame or event is reported to the traffic tap (admin feed).
    enum class Direction { In, Out };

    // Why a connection lost its right to stay open (closeUnauthorized()).
    enum class AuthLoss {
        TokenRevoked,    // its token was logged out
        AccountDisabled, // the admin disabled its user
    };

    Session(const QString &dialect, const QString &transport, QObject *parent = nullptr);
    ~Session() override;

    const QString &id() const { return m_id; }
    const QString &dialect() const { return m_dialect; }
    QString transport() const { return m_transport; }
    void setTransport(const QString &t) { m_transport = t; }
    const User &user() const { return m_user; }
    const QString &userId() const { return m_user.id; }
    void setUser(const User &u) { m_user = u; }
    // The token the connection authenticated with, as its SHA-256 (TokenRevocations::digest):
    // a logout of that token closes this connection.
    const QByteArray &tokenDigest() const { return m_tokenDigest; }
    void setToken(QByteArrayView token);
    QHostAddress remoteAddress() const { return m_remoteAddress; }
    void setRemoteAddress(const QHostAddress &a) { m_remoteAddress = a; }
    QString userAgent() const { return m_userAgent; }
    void setUserAgent(const QString &ua) { m_userAgent = ua; }
    qint64 connectedAt() const { return m_connectedAt; }
    const Stats &stats() const { return m_stats; }
    // Topics this session is subscribed to (kept by RoomManager).
    const QStringList &topics() const { return m_topics; }

    // Sessions that follow memberships (flat JSON, workspace JSON) are subscribed
    // to every channel their user belongs to, including channels joined later.
    bool followsMemberships() const { return m_followsMemberships; }
    void setFollowsMemberships(bool on) { m_followsMemberships = on; }

    virtual void deliver(const ChatEventPtr &event) = 0;
    // How the rooms hand an event over: straight to deliver(), unless the
    // channel is being replayed to this session (ResumeManager), in which case
    // live channel events wait in the merge and follow the replay. After a
    // resume, what the client already has (replayed, or seen on another cluster
    // node that was ahead of this one) is not delivered again when it comes live.
    void receive(const ChatEventPtr &event)
    {
        if (m_merges && event->seq > 0) {
            auto it = m_merges->find(event->channel.id);
            if (it != m_merges->end()) return it->addLive(event);
        }
        if (m_resumedUpTo && event->seq > 0 && event->seq <= m_resumedUpTo->value(event->channel.id)) return;
        deliver(event);
    }
    void beginMerge(const QString &channelId, const ResumeMerge &merge);
    ResumeMerge *merge(const QString &channelId);
    // Ends the merge and returns the live events that waited, in order.
    QList<ChatEventPtr> endMerge(const QString &channelId);
    // The global log position when the session subscribed to the channels it
    // follows (flat JSON, workspace JSON): a later sync replays up to there,
    // since everything after it came live.
    qint64 followedSinceGid() const { return m_followedSinceGid; }
    void setFollowedSinceGid(qint64 gid) { m_followedSinceGid = gid; }
    virtual void disconnectWithReason(const QString &reason) = 0;
    // Logout or disable: the dialect's own auth error, then close. Default: as a kick.
    virtual void closeUnauthorized(AuthLoss why, const QString &reason)
    {
        Q_UNUSED(why);
        disconnectWithReason(reason);
    }
    // Server shutdown: WebSocket transports close with 1001 "going away".
    virtual void goingAway() { disconnectWithReason(QStringLiteral("server shutting down")); }
    // Over the cluster's exact connection cap, found just after attach
    // (SessionManager): the dialect's connect refusal. Default: as a kick.
    virtual void refuseOverCap(const CoreError &error) { disconnectWithReason(error.message); }
    virtual qint64 sendQueueBytes() const { return 0; }

    // Bookkeeping for stats, metrics and the traffic tap. Dialects call these
    // for every frame they read or write.
    void noteTraffic(Direction dir, const QString &event, const QString &channelId, qint64 bytes,
                     const QByteArray &payload);

Q_SIGNALS:
    void closed(Session *session);
    // From the base destructor, while ids and topics are still valid.
    void aboutToBeDestroyed(Session *session);
    // Only emitted while someone watches traffic (see TrafficTap).
    void traffic(Session *session, Session::Direction dir, const QString &event, const QString &channelId, qint64 bytes,
                 const QByteArray &payload);

private:
    friend class RoomManager;
    QString m_id;
    QString m_dialect;
    QString m_transport;
    User m_user;
    QByteArray m_tokenDigest;
    QHostAddress m_remoteAddress;
    QString m_userAgent;
    qint64 m_connectedAt = 0;
    Stats m_stats;
    // A handful per session: a list costs far less than a QSet's first block.
    QStringList m_topics;
    bool m_followsMemberships = false;
    qint64 m_followedSinceGid = 0;
    std::unique_ptr<QHash<QString, ResumeMerge>> m_merges; // only while replaying
    std::unique_ptr<QHash<QString, qint64>> m_resumedUpTo; // per resumed channel: the client has up to here
};

} // namespace switchboard
