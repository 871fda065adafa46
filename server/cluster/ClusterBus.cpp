#include "ClusterBus.h"

#include "ChannelSequencer.h"
#include "ClusterConnectionQuota.h"
#include "ClusterEventCodec.h"
#include "ClusterLimits.h"
#include "ClusterPresence.h"
#include "DirectorySync.h"
#include "NodeLease.h"
#include "RedisConnection.h"
#include "RedisSubscriber.h"
#include "core/ChatService.h"
#include "core/ClusterPort.h"
#include "core/DirectoryReloader.h"
#include "core/EventLogCodec.h"
#include "core/EventOutlet.h"
#include "core/ResumeManager.h"
#include "core/RoomManager.h"
#include "core/Session.h"

#include <QLoggingCategory>
#include <QTimer>

#include <algorithm>

namespace switchboard {

Q_LOGGING_CATEGORY(lcCluster, "switchboard.cluster")

namespace {
const QByteArray kAll = "sb:all";
constexpr int kMaxNoticeIds = 256; // rows named in one notice; beyond, the whole kind
// How long a REST write waits for the other nodes to acknowledge its directory
// change: a stalled node must not stall writers (it catches up by the notice).
constexpr int kDirectorySyncTimeoutMs = 2000;
QByteArray ackChannel(const QString &node)
{
    return "sb:ack:" + node.toUtf8();
}
} // namespace

ClusterBus::ClusterBus(ChatService *chat, const RedisUrl &url, const QString &nodeId, QObject *parent)
    : QObject(parent)
    , m_chat(chat)
    , m_node(nodeId)
    , m_commands(new RedisConnection(url, this))
    , m_subscriber(new RedisSubscriber(url, this))
    , m_lease(new NodeLease(m_commands, nodeId, this))
    , m_presence(new ClusterPresence(chat, m_commands, m_lease, nodeId, this))
    , m_limits(new ClusterLimits(m_commands, this))
    , m_quota(new ClusterConnectionQuota(m_commands, nodeId, this))
    , m_sequencer(
          new ChannelSequencer([this](const QString &ch) { return m_chat->outlet()->publishedSeq(ch); },
                               [this](const QString &ch, qint64 after, int limit) {
    return m_chat->resume()->eventsAfter(ch, after, limit);
          },
                               [this](const ChatEventPtr &e, const QStringList &topics, bool late) {
    deliverOrdered(e, topics, late);
          },
          [this](const QString &ch) { return m_chat->rooms()->subscriberCount(RoomManager::channelTopic(ch)) > 0; },
          this))
, m_sync(new DirectorySync(kDirectorySyncTimeoutMs, this))
{
}

ClusterBus::~ClusterBus()
{
    if (!m_chat) return;
    m_chat->outlet()->setSequencer({});
    m_chat->directoryReloader()->setChangeHook({});
    m_chat->directoryReloader()->setReadThrough(false);
    m_chat->clusterPort()->setSharedLimits(nullptr);
    m_chat->clusterPort()->setConnectionQuota(nullptr);
    m_chat->clusterPort()->setChannelsAwaitingFill(0);
    m_chat->clusterPort()->setDirectorySync({});
}

void ClusterBus::start(int leaseMs, int presenceGraceMs)
{
    EventOutlet *outlet = m_chat->outlet();
    outlet->setSequencer([this](const ChatEventPtr &e, const QStringList &topics) { sequence(e, topics); });
    connect(outlet, &EventOutlet::published, this, &ClusterBus::onPublished);
    RoomManager *rooms = m_chat->rooms();
    connect(rooms, &RoomManager::subscribed, this, [this](Session *, const QString &t) { onTopicSubscribed(t); });
    connect(rooms, &RoomManager::unsubscribed, this, [this](Session *, const QString &t) { onTopicUnsubscribed(t); });
    m_chat->directoryReloader()->setReadThrough(true);
    m_chat->directoryReloader()->setChangeHook([this](const char *kind, const QString &id) {
        const QString k = QString::fromLatin1(kind);
        const bool all = m_notices.contains(k) && m_notices[k].isEmpty();
        QSet<QString> &ids = m_notices[k];
        if (!all && !id.isEmpty()) ids.insert(id);
        if (ids.size() > kMaxNoticeIds) ids.clear(); // a bulk change: re-read it all
        if (!m_noticeQueued) {
            m_noticeQueued = true;
            QTimer::singleShot(0, this, &ClusterBus::flushNotices);
        }
    });
    // Only the channels this bus subscribed come here (ClusterControl has its own).
    m_subscriber->setHandler(this, [this](const QByteArray &channel, const QByteArray &payload) {
        if (channel == ackChannel(m_node))
            onAck(payload);
        else
            onMessage(payload);
    });
    m_chat->clusterPort()->setDirectorySync([this](std::function<void()> then) { syncDirectory(std::move(then)); });
    connect(m_subscriber, &RedisSubscriber::resubscribed, this, &ClusterBus::catchUp);
    // Events published between a local join and Redis confirming the SUBSCRIBE
    // were not received: read them from the database once it is confirmed.
    connect(m_subscriber, &RedisSubscriber::subscribed, this, [this](const QByteArray &name) {
        const QString ch = QString::fromUtf8(name.mid(5));
        if (name.startsWith("sb:c:") && m_watched.contains(ch)) m_sequencer->catchUp(ch);
    });
    connect(m_commands, &RedisConnection::errorOccurred, this,
            [](const QString &m) { qCWarning(lcCluster, "redis: %s", qPrintable(m)); });
    m_subscriber->subscribe(kAll, this);
    m_subscriber->subscribe(ackChannel(m_node), this);
    m_commands->open();
    m_subscriber->open();
    m_lease->setTtl(leaseMs);
    // The count travels with the next refresh (the admin console's node list).
    connect(m_lease, &NodeLease::checked, this, [this] { m_lease->setConnectionCount(int(m_chat->sessionCount())); });
    connect(m_lease, &NodeLease::nodeUp, this,
            [](const QString &id) { qCInfo(lcCluster, "node %s is up", qPrintable(id)); });
    connect(m_lease, &NodeLease::nodeDown, this, [](const QString &id) {
        qCInfo(lcCluster, "node %s is down (lease expired or given back)", qPrintable(id));
    });
    m_presence->setGraceMs(presenceGraceMs);
    m_presence->start();
    m_chat->clusterPort()->setSharedLimits(m_limits);
    m_chat->clusterPort()->setConnectionQuota(m_quota);
    connect(m_sequencer, &ChannelSequencer::waitingChanged, this, [this](int channels) {
        if (m_chat) m_chat->clusterPort()->setChannelsAwaitingFill(channels);
    });
    m_lease->start();
    qCInfo(lcCluster, "cluster node %s on %s", qPrintable(m_node), qPrintable(m_commands->url().toDisplayString()));
}

void ClusterBus::stop()
{
    m_lease->stop();
}

void ClusterBus::sequence(const ChatEventPtr &event, const QStringList &topics)
{
    // Delivered now, a local event reaches the other nodes through onPublished();
    // already delivered (a fill read it first) or held behind a gap, it goes now.
    if (m_sequencer->offer(event, topics) != ChannelSequencer::Outcome::Delivered && !m_injecting)
        publishToRedis(event, topics);
}

void ClusterBus::deliverOrdered(const ChatEventPtr &event, const QStringList &topics, bool late)
{
    // A late event (from the database, or held) is never published again.
    const bool wasInjecting = m_injecting;
    m_injecting = m_injecting || late;
    m_chat->outlet()->deliver(event, topics);
    m_injecting = wasInjecting;
}

void ClusterBus::deliverRemote(const ChatEventPtr &event, const QStringList &topics)
{
    m_injecting = true;
    m_delivering = event;
    if (event->seq > 0)
        sequence(event, topics);
    else
        m_chat->outlet()->deliver(event, topics);
    // After the delivery (the member hears it on their own topic): a channel's
    // first local subscriber gets the channel from this event on.
    m_chat->directoryReloader()->followRemoteMember(*event);
    m_chat->directoryReloader()->unfollowRemoteMember(*event);
    m_delivering.reset();
    m_injecting = false;
}

void ClusterBus::onPublished(const ChatEventPtr &event, const QStringList &topics)
{
    if (m_injecting || !EventOutlet::isCommitted(event->type)) return;
    publishToRedis(event, topics);
}

void ClusterBus::publishToRedis(const ChatEventPtr &event, const QStringList &topics)
{
    flushNotices(); // a new user or channel must be known before its first event
    const bool oneChannel = topics.size() == 1 && !event->channel.id.isEmpty()
                         && topics.first() == RoomManager::channelTopic(event->channel.id);
    const QByteArray target = oneChannel ? redisChannel(event->channel.id) : kAll;
    m_commands->command({"PUBLISH", target, ClusterEventCodec::encodeEvent(m_node, *event, topics)},
                        [](const RedisReply &) {});
}

void ClusterBus::flushNotices()
{
    m_noticeQueued = false;
    // Memberships before the users they name: a node that learns of a new user
    // (a registration) from the users re-read already has its workspace and
    // channels, so the user's next request there is not refused.
    QStringList kinds = m_notices.keys();
    const auto rank = [](const QString &k) {
        return k == QLatin1String("workspaces") ? 0
             : k == QLatin1String("channels")   ? 1
             : k == QLatin1String("users")      ? 3
                                                : 2;
    };
    std::sort(kinds.begin(), kinds.end(), [&](const QString &a, const QString &b) { return rank(a) < rank(b); });
    for (const QString &kind : std::as_const(kinds)) {
        const qint64 token = m_sync->next();
        m_commands->command({"PUBLISH", kAll,
                             ClusterEventCodec::encodeNotice(m_node, kind, m_notices[kind].values(), token)},
                            [this, guard = QPointer<ClusterBus>(this), token](const RedisReply &reply) {
            if (!guard) return;
            // Every subscriber of "sb:all" but this node acknowledges (this one ignores its own).
            const int others = reply.isInteger() ? int(reply.toInteger()) - (m_subscriber->isConnected() ? 1 : 0) : -1;
            m_sync->published(token, others);
        });
    }
    m_notices.clear();
}

void ClusterBus::syncDirectory(std::function<void()> then)
{
    // On the next loop pass: the command's own follow-up (publish, settle) may
    // change the directory after its answer was given (a deleted channel).
    QMetaObject::invokeMethod(
        this,
        [this, then = std::move(then)]() mutable {
        flushNotices();
        m_sync->whenApplied(std::move(then));
        },
        Qt::QueuedConnection);
}

void ClusterBus::onAck(const QByteArray &payload)
{
    bool ok = false;
    const qint64 token = payload.toLongLong(&ok);
    if (ok) m_sync->acknowledged(token);
}

void ClusterBus::onMessage(const QByteArray &payload)
{
    const ClusterEventCodec::Frame f = ClusterEventCodec::decode(payload);
    if (!f.ok) {
        qCWarning(lcCluster, "ignored a malformed cluster frame (%lld bytes)", qint64(payload.size()));
        return;
    }
    if (f.node == m_node) return;
    if (f.ephemeral) {
        m_presence->onFrame(f.node, f.kind, f.body);
        return;
    }
    if (f.directory) {
        bool known = true;
        if (f.ids.isEmpty()) known = m_chat->directoryReloader()->reload(f.kind);
        for (const QString &id : f.ids) known = m_chat->directoryReloader()->reload(f.kind, id) && known;
        if (!known) qCWarning(lcCluster, "ignored a directory notice for '%s'", qPrintable(f.kind));
        // Re-read (or not understood): the writer may answer its client now.
        if (f.token > 0)
            m_commands->command({"PUBLISH", ackChannel(f.node), QByteArray::number(f.token)},
                                [](const RedisReply &) {});
        return;
    }
    if (ChatEventPtr e = rebuild(f.type, f.channelId, f.seq, f.gid, f.at, f.payload, f.status))
        deliverRemote(e, f.topics);
    else
        qCWarning(lcCluster, "dropped a %s event from %s for unknown channel '%s'", qPrintable(f.type),
                  qPrintable(f.node), qPrintable(f.channelId));
}

ChatEventPtr ClusterBus::rebuild(const QString &type, const QString &channelId, qint64 seq, qint64 gid, qint64 at,
                                 const QByteArray &payload, const QString &status) const
{
    const Directory &dir = m_chat->directory();
    std::shared_ptr<ChatEvent> e;
    if (!channelId.isEmpty()) {
        // The resume path's rebuild: the same event a replay would give.
        ChatEventPtr built = m_chat->resume()->rebuild(channelId, gid, seq, type, payload, at);
        if (!built) return nullptr;
        e = std::make_shared<ChatEvent>(*built);
    } else {
        e = std::make_shared<ChatEvent>();
        const EventLogCodec::Decoded d = EventLogCodec::decode(payload);
        if (!d.ok || !ChatEvent::typeFromName(type, &e->type)) return nullptr;
        e->at = at;
        e->message = d.message;
        e->reaction = d.reaction;
        if (const User *u = dir.user(d.actorId)) e->actor = *u;
        if (const User *u = dir.user(d.subjectId)) e->subject = *u;
        e->seq = seq;
        e->gid = gid;
    }
    e->replayed = false;
    e->status = status;
    return e;
}

void ClusterBus::onTopicSubscribed(const QString &topic)
{
    if (!topic.startsWith(QLatin1String("c:")) || m_chat->rooms()->subscriberCount(topic) != 1) return;
    const QString ch = topic.mid(2);
    // Unwatched until now: what was committed meanwhile is history, not a gap.
    // Unless another node's event of this channel (its creation, a member
    // joining) made this subscriber: what followed that event in the channel is
    // to come, live or by the fill once Redis confirms the SUBSCRIBE (it may be
    // committed already, e.g. the creator's member_joined after channel_created).
    EventOutlet *outlet = m_chat->outlet();
    const bool byItsEvent = m_delivering && m_delivering->channel.id == ch;
    const qint64 from = byItsEvent ? m_delivering->seq : m_chat->resume()->committedSeq(ch);
    outlet->setPublished(ch, qMax(outlet->publishedSeq(ch), from));
    // ...and so is its place in the log: a session that follows the channel from
    // now on replays up to there on a sync (Session::followedSinceGid), since
    // those events will not come live on this node.
    outlet->setPublishedGid(qMax(outlet->publishedGid(), m_chat->resume()->committedGid()));
    m_watched.insert(ch);
    m_subscriber->subscribe(redisChannel(ch), this);
}

void ClusterBus::onTopicUnsubscribed(const QString &topic)
{
    if (!topic.startsWith(QLatin1String("c:")) || m_chat->rooms()->subscriberCount(topic) != 0) return;
    m_watched.remove(topic.mid(2));
    m_sequencer->forget(topic.mid(2));
    m_subscriber->unsubscribe(redisChannel(topic.mid(2)), this);
}

void ClusterBus::catchUp()
{
    // Pub/sub kept nothing while the subscriber was away: read it back.
    for (const QString &kind : {QStringLiteral("users"), QStringLiteral("workspaces"), QStringLiteral("channels")})
        m_chat->directoryReloader()->reload(kind);
    const QSet<QString> watched = m_watched;
    for (const QString &ch : watched) m_sequencer->catchUp(ch);
    m_presence->reload();
}

} // namespace switchboard
