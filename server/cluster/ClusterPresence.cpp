#include "ClusterPresence.h"

#include "NodeLease.h"
#include "RedisConnection.h"
#include "RedisReply.h"
#include "Timestamp.h"
#include "core/ChatService.h"
#include "core/ClusterPort.h"
#include "core/EventOutlet.h"
#include "core/ParticipationTracker.h"
#include "core/PresenceManager.h"
#include "core/RoomKey.h"
#include "core/RoomManager.h"
#include "core/Session.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QTimer>

namespace switchboard {

Q_DECLARE_LOGGING_CATEGORY(lcCluster)

namespace {

const QByteArray kAll = "sb:all";

// KEYS: the node's hash, sb:all. ARGV: frame, version, full ("1": start
// afresh), then field/value pairs (an empty value deletes the field).
const QByteArray kWriteScript = QByteArrayLiteral("if ARGV[3] == '1' then redis.call('DEL', KEYS[1]) end\n"
                                                  "for i = 4, #ARGV, 2 do\n"
                                                  "  if ARGV[i + 1] == '' then redis.call('HDEL', KEYS[1], ARGV[i])\n"
                                                  "  else redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end\n"
                                                  "end\n"
                                                  "redis.call('HSET', KEYS[1], 'v', ARGV[2])\n"
                                                  "return redis.call('PUBLISH', KEYS[2], ARGV[1])\n");

// KEYS: the lease registry. ARGV: this node's id. Returns {node, {field, value...}, ...}
// for every other node whose lease is live (Redis time, as NodeLease).
const QByteArray kSnapshotScript = QByteArrayLiteral(
    "local t = redis.call('TIME')\n"
    "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"
    "local out = {}\n"
    "for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')) do\n"
    "  if id ~= ARGV[1] then\n"
    "    table.insert(out, id)\n"
    "    table.insert(out, redis.call('HGETALL', 'sb:pn:' .. id))\n"
    "  end\n"
    "end\n"
    "return out\n");

// KEYS: a dead node's hash, its lease. Deleted unless the node is back.
const QByteArray kCleanupScript = QByteArrayLiteral(
    "if redis.call('EXISTS', KEYS[2]) == 0 then return redis.call('DEL', KEYS[1]) end\n"
    "return 0\n");

QString offline()
{
    return QStringLiteral("offline");
}

} // namespace

ClusterPresence::ClusterPresence(ChatService *chat, RedisConnection *commands, NodeLease *lease, const QString &nodeId,
                                 QObject *parent)
    : QObject(parent)
    , m_chat(chat)
    , m_commands(commands)
    , m_lease(lease)
    , m_node(nodeId)
    , m_epoch(QString::number(QRandomGenerator::system()->generate64(), 36))
{
}

ClusterPresence::~ClusterPresence() = default;

void ClusterPresence::start()
{
    ClusterPort *port = m_chat->clusterPort();
    connect(port->presence(), &PresenceManager::localChanged, this, &ClusterPresence::onLocalPresence);
    connect(port->participation(), &ParticipationTracker::localChanged, this, &ClusterPresence::onLocalRoom);
    connect(m_chat->outlet(), &EventOutlet::published, this, &ClusterPresence::onPublished);
    // Connection counts of other nodes hold only while Redis can tell about them.
    connect(m_commands, &RedisConnection::connected, this, [this] {
        writeFull();
        for (const QString &u : m_mirror.users()) applyUser(u);
        if (m_reloadWanted) reload();
    });
    connect(m_commands, &RedisConnection::disconnected, this, [this] {
        for (const QString &u : m_mirror.users()) applyUser(u);
    });
    // A wait per down: one a node came back from never cuts a later death's grace short.
    connect(m_lease, &NodeLease::nodeDown, this, [this](const QString &node) {
        if (node != m_node) m_grace.nodeDown(node);
    });
    connect(m_lease, &NodeLease::nodeUp, &m_grace, &NodeGrace::nodeUp);
    connect(&m_grace, &NodeGrace::expired, this, &ClusterPresence::onGraceOver);
    if (m_commands->isConnected()) writeFull();
}

void ClusterPresence::onLocalPresence(const QString &userId)
{
    if (!m_chat) return;
    const PresenceManager *p = m_chat->clusterPort()->presence();
    const QString status = p->localStatus(userId);
    if (p->localConnectionCount(userId) <= 0) {
        m_stamps.remove(userId);
        m_sentStatus.remove(userId);
    } else {
        if (!m_sentStatus.contains(userId))
            m_stamps.insert(userId, m_mirror.user(userId).stamp); // took the cluster's status on connect
        else if (m_sentStatus.value(userId) != status && !m_adopting)
            m_stamps.insert(userId, Timestamp::nowMs()); // set here, now
        m_sentStatus.insert(userId, status);
    }
    m_dirtyUsers.insert(userId);
    scheduleFlush();
}

void ClusterPresence::onLocalRoom(const QString &channelId, const QString &userId, bool inRoom)
{
    m_dirtyRooms.insert(RoomKey::of(channelId, userId), inRoom);
    scheduleFlush();
}

void ClusterPresence::scheduleFlush()
{
    if (m_flushQueued) return;
    m_flushQueued = true;
    // One frame per loop pass, whatever the churn in it.
    QTimer::singleShot(0, this, &ClusterPresence::flush);
}

QJsonArray ClusterPresence::userEntry(const QString &userId) const
{
    const PresenceManager *p = m_chat->clusterPort()->presence();
    return {userId, p->localConnectionCount(userId), p->localStatus(userId), m_stamps.value(userId),
            QJsonArray::fromStringList(localDevices(userId, QString()))};
}

QStringList ClusterPresence::localDevices(const QString &userId, const QString &channelId) const
{
    // A token per session (its id): the other nodes show one Phoenix meta per device.
    QStringList out;
    const QString topic = channelId.isEmpty() ? QString() : RoomManager::channelTopic(channelId);
    for (const Session *session : m_chat->sessionsOfUser(userId))
        if (topic.isEmpty() || session->topics().contains(topic)) out.append(session->id());
    out.sort();
    return out;
}

QJsonArray ClusterPresence::roomEntry(const QString &key, QByteArray *value) const
{
    const auto [channel, user] = RoomKey::split(key);
    const QStringList devices = m_chat->clusterPort()->participation()->sessionsInRoom(channel, user) > 0
                                  ? localDevices(user, channel)
                                  : QStringList();
    *value = devices.join(QLatin1Char(',')).toUtf8();
    return {channel, user, !devices.isEmpty(), QJsonArray::fromStringList(devices)};
}

void ClusterPresence::flush()
{
    m_flushQueued = false;
    if (!m_chat || (m_dirtyUsers.isEmpty() && m_dirtyRooms.isEmpty())) return;
    const QSet<QString> users = std::exchange(m_dirtyUsers, {});
    const QHash<QString, bool> rooms = std::exchange(m_dirtyRooms, {});
    if (!m_commands->isConnected()) return; // written in full on reconnect
    QJsonArray userArray, roomArray;
    QList<QByteArray> fields;
    for (const QString &u : users) {
        const QJsonArray entry = userEntry(u);
        userArray.append(entry);
        fields << "u:" + u.toUtf8()
               << (entry.at(1).toInt() > 0 ? PresenceMirror::encode(userState(entry)) : QByteArray());
    }
    for (auto it = rooms.cbegin(); it != rooms.cend(); ++it) {
        QByteArray value; // the devices in the room; empty: out
        roomArray.append(roomEntry(it.key(), &value));
        fields << "r:" + it.key().toUtf8() << value;
    }
    sendState(userArray, roomArray, fields, false);
}

void ClusterPresence::writeFull()
{
    if (!m_chat || !m_commands->isConnected()) return;
    m_dirtyUsers.clear();
    m_dirtyRooms.clear();
    ClusterPort *port = m_chat->clusterPort();
    QJsonArray userArray, roomArray;
    QList<QByteArray> fields;
    for (const QString &u : port->presence()->localUsers()) {
        const QJsonArray entry = userEntry(u);
        userArray.append(entry);
        fields << "u:" + u.toUtf8() << PresenceMirror::encode(userState(entry));
    }
    for (const QString &key : port->participation()->localRooms()) {
        QByteArray value;
        roomArray.append(roomEntry(key, &value));
        fields << "r:" + key.toUtf8() << value;
    }
    sendState(userArray, roomArray, fields, true);
}

void ClusterPresence::sendState(const QJsonArray &users, const QJsonArray &rooms, const QList<QByteArray> &fields,
                                bool full)
{
    ++m_version;
    QJsonObject frame{{"n", m_node}, {"k", "p"}, {"e", m_epoch}, {"v", m_version}, {"u", users}, {"r", rooms}};
    if (full) frame.insert(QStringLiteral("f"), true);
    QList<QByteArray> argv{"EVAL",
                           kWriteScript,
                           "2",
                           hashKey(m_node),
                           kAll,
                           QJsonDocument(frame).toJson(QJsonDocument::Compact),
                           m_epoch.toUtf8() + ':' + QByteArray::number(m_version),
                           full ? "1" : "0"};
    argv += fields;
    m_commands->command(argv, [](const RedisReply &) {});
}

void ClusterPresence::onFrame(const QString &node, const QString &kind, const QJsonObject &frame)
{
    if (!m_chat || node == m_node) return;
    if (kind == QLatin1String("t")) {
        applyTyping(node, frame);
        return;
    }
    if (kind == QLatin1String("h")) {
        applyThreadStarted(frame);
        return;
    }
    if (kind != QLatin1String("p")) return;
    if (m_loading) {
        m_buffered.append({node, frame});
        return;
    }
    applyPresenceFrame(node, frame);
}

void ClusterPresence::applyPresenceFrame(const QString &node, const QJsonObject &frame)
{
    const QString epoch = frame.value("e").toString();
    const qint64 version = frame.value("v").toInteger();
    const bool full = frame.value("f").toBool();
    Seen &seen = m_seen[node];
    if (!full && seen.epoch == epoch && version <= seen.version) return; // the snapshot had it
    seen = {epoch, version};
    PresenceMirror::Dropped touched;
    if (full) touched = dropNode(node);
    for (const QJsonValue &v : frame.value("u").toArray()) {
        const QJsonArray a = v.toArray();
        const QString user = a.at(0).toString();
        if (user.isEmpty()) continue;
        setUser(node, user, userState(a));
        touched.users.append(user);
    }
    for (const QJsonValue &v : frame.value("r").toArray()) {
        const QJsonArray a = v.toArray();
        const QString channel = a.at(0).toString(), user = a.at(1).toString();
        if (channel.isEmpty() || user.isEmpty()) continue;
        QStringList devices;
        for (const QJsonValue &d : a.at(3).toArray()) devices.append(d.toString());
        if (devices.isEmpty() && a.at(2).toBool()) devices.append(QString()); // no devices sent: one
        setRoom(node, channel, user, devices);
        touched.rooms.append(RoomKey::of(channel, user));
    }
    applyDropped(touched);
}

void ClusterPresence::reload()
{
    if (!m_chat) return;
    m_reloadWanted = !m_commands->isConnected();
    if (m_reloadWanted) return;
    m_loading = true;
    m_commands->command({"EVAL", kSnapshotScript, "1", m_lease->registryKey(), m_node.toUtf8()},
                        [this, guard = QPointer<ClusterPresence>(this)](const RedisReply &reply) {
        if (guard) onSnapshot(reply);
    });
}

void ClusterPresence::onSnapshot(const RedisReply &reply)
{
    m_loading = false;
    if (!m_chat) return;
    PresenceMirror::Dropped touched;
    if (reply.isArray()) {
        const QList<RedisReply> &e = reply.elements();
        for (qsizetype i = 0; i + 1 < e.size(); i += 2) {
            const QString node = QString::fromUtf8(e.at(i).toByteArray());
            const QList<RedisReply> &fields = e.at(i + 1).elements();
            // Not written yet (Redis restarted and the node has not rewritten its
            // hash): keep what we know; its full frame follows. Nodes that are not
            // live are left to the lease (nodeDown, then the grace).
            if (fields.isEmpty()) continue;
            // What the hash no longer has goes; the rest is set (unchanged entries stay, with their Phoenix metas).
            QSet<QString> users, rooms;
            for (qsizetype j = 0; j + 1 < fields.size(); j += 2) {
                const QByteArray f = fields.at(j).toByteArray();
                if (f.startsWith("u:")) users.insert(QString::fromUtf8(f.mid(2)));
                if (f.startsWith("r:")) rooms.insert(QString::fromUtf8(f.mid(2)));
            }
            for (const QString &u : m_mirror.usersOn(node))
                if (!users.contains(u)) {
                    setUser(node, u, {});
                    touched.users.append(u);
                }
            for (const QString &key : m_mirror.roomsOn(node))
                if (!rooms.contains(key)) {
                    const auto [channel, user] = RoomKey::split(key);
                    setRoom(node, channel, user, {});
                    touched.rooms.append(key);
                }
            for (qsizetype j = 0; j + 1 < fields.size(); j += 2) {
                const QByteArray f = fields.at(j).toByteArray(), value = fields.at(j + 1).toByteArray();
                if (f == "v") {
                    const qsizetype cut = value.lastIndexOf(':');
                    m_seen.insert(node, {QString::fromUtf8(value.left(cut)), value.mid(cut + 1).toLongLong()});
                } else if (f.startsWith("u:")) {
                    const QString user = QString::fromUtf8(f.mid(2));
                    setUser(node, user, PresenceMirror::decode(value));
                    touched.users.append(user);
                } else if (f.startsWith("r:")) {
                    const QString key = QString::fromUtf8(f.mid(2));
                    QStringList devices = QString::fromUtf8(value).split(QLatin1Char(','), Qt::SkipEmptyParts);
                    if (devices == QStringList{QStringLiteral("1")}) devices = {QString()}; // no devices written: one
                    const auto [channel, user] = RoomKey::split(key);
                    setRoom(node, channel, user, devices);
                    touched.rooms.append(key);
                }
            }
        }
        applyDropped(touched);
    } else {
        qCWarning(lcCluster, "presence: reading the other nodes' state failed: %s", reply.toByteArray().constData());
    }
    const auto buffered = std::exchange(m_buffered, {});
    for (const auto &b : buffered) applyPresenceFrame(b.first, b.second);
}

void ClusterPresence::onGraceOver(const QString &node)
{
    // Users who reconnected elsewhere within the grace are on that node by now:
    // forgetting this one changes nothing for them.
    if (m_lease->liveNodes().contains(node)) return; // back meanwhile (its full frame replaced it)
    forgetNode(node);
    if (m_commands->isConnected())
        m_commands->command({"EVAL", kCleanupScript, "2", hashKey(node), "sb:node:" + node.toUtf8()},
                            [](const RedisReply &) {});
}

void ClusterPresence::forgetNode(const QString &node)
{
    m_seen.remove(node);
    const PresenceMirror::Dropped d = dropNode(node);
    if (!d.users.isEmpty() || !d.rooms.isEmpty())
        qCInfo(lcCluster, "presence: forgot node %s (%lld user(s), %lld room(s))", qPrintable(node),
               qint64(d.users.size()), qint64(d.rooms.size()));
    applyDropped(d);
    for (auto it = m_remoteTyping.begin(); it != m_remoteTyping.end();) {
        if (it.value() != node) {
            ++it;
            continue;
        }
        const QString key = it.key();
        it = m_remoteTyping.erase(it);
        const auto [channel, user] = RoomKey::split(key);
        deliverTyping(channel, user, false);
    }
}

PresenceMirror::UserState ClusterPresence::userState(const QJsonArray &entry)
{
    PresenceMirror::UserState s{entry.at(1).toInt(), entry.at(2).toString(), entry.at(3).toInteger(), {}};
    for (const QJsonValue &d : entry.at(4).toArray()) s.devices.append(d.toString());
    return s;
}

void ClusterPresence::setUser(const QString &node, const QString &userId, const PresenceMirror::UserState &state)
{
    // A node that sends no devices: one per user there.
    const auto devicesOf = [&] {
        if (!m_mirror.hasUser(node, userId)) return QStringList();
        const QStringList d = m_mirror.userDevices(node, userId);
        return d.isEmpty() ? QStringList{QString()} : d;
    };
    const QStringList was = devicesOf();
    m_mirror.setUser(node, userId, state);
    const QStringList now = devicesOf();
    if (was == now || !m_chat) return;
    // Every session subscribes to its user's workspaces: online there means present there.
    for (const QString &ws : m_chat->directory().workspacesOf(userId))
        m_chat->clusterPort()->setRemoteSubscription(RoomManager::workspaceTopic(ws), userId, node, now);
}

void ClusterPresence::setRoom(const QString &node, const QString &channelId, const QString &userId,
                              const QStringList &devices)
{
    const QStringList was = m_mirror.roomDevices(node, channelId, userId);
    m_mirror.setRoomDevices(node, channelId, userId, devices);
    if (was != devices && m_chat)
        m_chat->clusterPort()->setRemoteSubscription(RoomManager::channelTopic(channelId), userId, node, devices);
}

PresenceMirror::Dropped ClusterPresence::dropNode(const QString &node)
{
    PresenceMirror::Dropped d;
    if (!m_mirror.hasNode(node)) return d;
    // One by one, so that each leaves its Phoenix metas.
    d.users = m_mirror.usersOn(node);
    for (const QString &u : std::as_const(d.users)) setUser(node, u, {});
    const PresenceMirror::Dropped rest = m_mirror.dropNode(node); // its rooms
    for (const QString &key : rest.rooms) {
        const auto [channel, user] = RoomKey::split(key);
        if (m_chat) m_chat->clusterPort()->setRemoteSubscription(RoomManager::channelTopic(channel), user, node, {});
    }
    d.rooms = rest.rooms;
    return d;
}

void ClusterPresence::applyDropped(const PresenceMirror::Dropped &dropped)
{
    for (const QString &u : QSet<QString>(dropped.users.begin(), dropped.users.end())) applyUser(u);
    for (const QString &key : QSet<QString>(dropped.rooms.begin(), dropped.rooms.end())) {
        const auto [channel, user] = RoomKey::split(key);
        applyRoom(channel, user);
    }
}

void ClusterPresence::applyUser(const QString &userId)
{
    if (!m_chat) return;
    PresenceManager *p = m_chat->clusterPort()->presence();
    const PresenceMirror::UserState all = m_mirror.user(userId);
    // A status set on another node after ours was: it is the user's status here too.
    if (all.connections > 0 && p->localConnectionCount(userId) > 0 && all.stamp > m_stamps.value(userId)
        && all.status != p->localStatus(userId)) {
        m_adopting = true;
        m_stamps.insert(userId, all.stamp);
        p->setStatus(userId, all.status);
        m_adopting = false;
    }
    p->setRemote(userId, all.connections > 0 ? all.status : offline(), m_commands->isConnected() ? all.connections : 0);
}

void ClusterPresence::applyRoom(const QString &channelId, const QString &userId)
{
    if (m_chat)
        m_chat->clusterPort()->participation()->setRemote(channelId, userId, m_mirror.inRoom(channelId, userId));
}

void ClusterPresence::onPublished(const ChatEventPtr &event, const QStringList &)
{
    if (m_injecting || event->channel.id.isEmpty()) return;
    if (event->type == ChatEvent::Type::ThreadStarted) {
        if (!m_commands->isConnected()) return; // news, not state: nothing to catch up on
        const QJsonObject frame{{"n", m_node},
                                {"k", "h"},
                                {"c", event->channel.id},
                                {"u", event->actor.id},
                                {"m", event->message.id}};
        m_commands->command({"PUBLISH", "sb:c:" + event->channel.id.toUtf8(),
                             QJsonDocument(frame).toJson(QJsonDocument::Compact)},
                            [](const RedisReply &) {});
        return;
    }
    const bool on = event->type == ChatEvent::Type::TypingStarted;
    if (!on && event->type != ChatEvent::Type::TypingStopped) return;
    if (!m_commands->isConnected()) return; // typing is not worth keeping
    const QJsonObject frame{{"n", m_node}, {"k", "t"}, {"c", event->channel.id}, {"u", event->actor.id}, {"on", on}};
    m_commands->command({"PUBLISH", "sb:c:" + event->channel.id.toUtf8(),
                         QJsonDocument(frame).toJson(QJsonDocument::Compact)},
                        [](const RedisReply &) {});
}

void ClusterPresence::applyTyping(const QString &node, const QJsonObject &frame)
{
    const QString channel = frame.value("c").toString(), user = frame.value("u").toString();
    const bool on = frame.value("on").toBool();
    const QString key = RoomKey::of(channel, user);
    if (on)
        m_remoteTyping.insert(key, node);
    else
        m_remoteTyping.remove(key);
    deliverTyping(channel, user, on);
}

void ClusterPresence::applyThreadStarted(const QJsonObject &frame)
{
    if (!m_chat) return;
    const QString channel = frame.value("c").toString(), user = frame.value("u").toString();
    // The parent as stored (the shared database): the same thread on every node.
    const Result<Message> parent = m_chat->message(QString(), frame.value("m").toString());
    if (!parent.ok() || parent.value.channelId != channel) return;
    const User *u = m_chat->directory().user(user);
    const Channel *c = m_chat->directory().channel(channel);
    if (!c) return;
    auto e = std::make_shared<ChatEvent>();
    e->type = ChatEvent::Type::ThreadStarted;
    e->at = Timestamp::nowMs();
    e->channel = *c;
    e->message = parent.value;
    if (u) e->actor = *u;
    m_injecting = true;
    m_chat->outlet()->deliver(e, {RoomManager::channelTopic(channel)});
    m_injecting = false;
}

void ClusterPresence::deliverTyping(const QString &channelId, const QString &userId, bool typing)
{
    if (!m_chat) return;
    const User *u = m_chat->directory().user(userId);
    const Channel *c = m_chat->directory().channel(channelId);
    if (!u || !c) return;
    auto e = std::make_shared<ChatEvent>();
    e->type = typing ? ChatEvent::Type::TypingStarted : ChatEvent::Type::TypingStopped;
    e->at = Timestamp::nowMs();
    e->actor = *u;
    e->channel = *c;
    m_injecting = true;
    m_chat->outlet()->deliver(e, {RoomManager::channelTopic(channelId)});
    m_injecting = false;
}

} // namespace switchboard
