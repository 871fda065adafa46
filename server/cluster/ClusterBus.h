#pragma once

#include "core/ChatEvent.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QStringList>

#include <functional>

namespace switchboard {

class ChannelSequencer;
class ChatService;
class ClusterConnectionQuota;
class ClusterLimits;
class ClusterPresence;
class DirectorySync;
class NodeLease;
class RedisConnection;
class RedisSubscriber;
class RedisUrl;

// Carries committed events between the nodes of a cluster (docs/cluster.md).
//  - Out: every committed event this node publishes goes to Redis once:
//    events for one channel topic to "sb:c:<channel>", the rest (workspace and
//    user topics) to the shared "sb:all", with this node's id.
//  - In: a node subscribes to "sb:c:<channel>" while it has local subscribers
//    of that channel, and always to "sb:all"; it re-publishes other nodes'
//    events into its local rooms only (never back to Redis).
//  - Order: every logged event, local or remote, passes the outlet's sequencer
//    here (ChannelSequencer): a seq already delivered is dropped, a jump is
//    filled from the database first (ResumeManager::eventsAfter), and when that
//    read fails the channel's later events wait until a retry fills it, so each
//    channel is delivered gapless in seq order; after a Redis reconnect every
//    watched channel is caught up from the database.
//  - Directory: local directory changes are announced ("reload users" ...) and
//    other nodes re-read that part from the shared database and acknowledge
//    it; a REST write answers after that (DirectorySync, read-after-write).
class ClusterBus : public QObject
{
    Q_OBJECT
public:
    ClusterBus(ChatService *chat, const RedisUrl &url, const QString &nodeId, QObject *parent = nullptr);
    ~ClusterBus() override;
    // Starts the bus and this node's lease (with its ttl in ms); a dead node's
    // users go offline presenceGraceMs after its lease expired (ClusterPresence).
    void start(int leaseMs = 5000, int presenceGraceMs = 3000);
    // Gives the lease back at a clean shutdown: peers see this node leave at once.
    void stop();
    QString nodeId() const { return m_node; }
    // This node's lease and the live nodes (docs/cluster.md "Node liveness").
    NodeLease *lease() const { return m_lease; }
    // Presence, rooms and typing across nodes; rate limits across nodes.
    ClusterPresence *presence() const { return m_presence; }
    ClusterLimits *limits() const { return m_limits; }
    // Shared with ClusterControl (admin actions across nodes): its "sb:ctl:" channels ride along.
    RedisConnection *commands() const { return m_commands; }
    RedisSubscriber *subscriber() const { return m_subscriber; }
    // Per-channel order and gap fill (channels waiting for a fill: /metrics).
    ChannelSequencer *sequencer() const { return m_sequencer; }

private:
    void sequence(const ChatEventPtr &event, const QStringList &topics);
    void deliverOrdered(const ChatEventPtr &event, const QStringList &topics, bool late);
    void deliverRemote(const ChatEventPtr &event, const QStringList &topics);
    void onPublished(const ChatEventPtr &event, const QStringList &topics);
    void publishToRedis(const ChatEventPtr &event, const QStringList &topics);
    void onMessage(const QByteArray &payload);
    void onTopicSubscribed(const QString &topic);
    void onTopicUnsubscribed(const QString &topic);
    void catchUp();
    void flushNotices();
    void onAck(const QByteArray &payload);
    // ClusterPort's read-after-write barrier: after this loop pass's notices are applied everywhere.
    void syncDirectory(std::function<void()> then);
    ChatEventPtr rebuild(const QString &type, const QString &channelId, qint64 seq, qint64 gid, qint64 at,
                         const QByteArray &payload, const QString &status) const;
    static QByteArray redisChannel(const QString &channelId) { return "sb:c:" + channelId.toUtf8(); }

    QPointer<ChatService> m_chat; // the server may delete the core first
    QString m_node;
    RedisConnection *m_commands;
    RedisSubscriber *m_subscriber;
    NodeLease *m_lease;
    ClusterPresence *m_presence;
    ClusterLimits *m_limits;
    ClusterConnectionQuota *m_quota;
    ChannelSequencer *m_sequencer;
    DirectorySync *m_sync;
    QSet<QString> m_watched; // chat channels with local subscribers
    // Directory rows changed in this loop pass, by kind; an empty set: too
    // many to name, the other nodes re-read the whole kind.
    QHash<QString, QSet<QString>> m_notices;
    bool m_noticeQueued = false;
    bool m_injecting = false;  // delivering another node's event: do not publish it again
    ChatEventPtr m_delivering; // that event, while it is delivered
};

} // namespace switchboard
