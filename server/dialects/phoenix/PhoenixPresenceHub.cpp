#include "PhoenixPresenceHub.h"

#include <algorithm>

#include "core/ChatService.h"
#include "core/ClusterPort.h"
#include "core/Metrics.h"
#include "core/RoomManager.h"
#include "PhoenixBroadcast.h"
#include "PhoenixConnection.h"
#include "PhoenixPayloads.h"
#include "core/Session.h"
#include "Timestamp.h"

#include <QJsonArray>
#include <QRandomGenerator>

#include <utility>

namespace switchboard {

namespace {

bool isPresenceTopic(const QString &topic)
{
    return topic.startsWith(QLatin1String("c:")) || topic.startsWith(QLatin1String("w:"));
}

} // namespace

PhoenixPresenceHub::PhoenixPresenceHub(ChatService *chat, QObject *parent) : QObject(parent), m_chat(chat)
{
    // phx_refs must be unique per meta; a random prefix keeps them unique
    // across restarts and nodes, the counter within this process.
    m_refPrefix = QStringLiteral("F") + QString::number(QRandomGenerator::system()->generate64() % 0xFFFFFFFFFFULL, 36);
    m_window.setSingleShot(true);
    m_window.setInterval(m_windowMs);
    connect(&m_window, &QTimer::timeout, this, &PhoenixPresenceHub::flushDiffs);
    connect(chat->rooms(), &RoomManager::subscribed, this, &PhoenixPresenceHub::onSubscribed);
    connect(chat->rooms(), &RoomManager::unsubscribed, this, &PhoenixPresenceHub::onUnsubscribed);
    connect(chat->clusterPort(), &ClusterPort::remoteSubscriptionChanged, this, &PhoenixPresenceHub::onRemote);
    // Sessions subscribed before the hub existed (none in the server; tests may differ).
    for (Session *s : chat->sessions())
        for (const QString &t : s->topics())
            if (isPresenceTopic(t)) m_metas[s].push_back({t, {nextRef(), s->connectedAt()}});
}

QString PhoenixPresenceHub::refString(quint64 ref) const
{
    return m_refPrefix + QLatin1Char('-') + QString::number(ref, 36);
}

PhoenixPresenceHub::TopicMetas::const_iterator PhoenixPresenceHub::findTopic(const TopicMetas &metas,
                                                                             const QString &topic)
{
    return std::find_if(metas.begin(), metas.end(), [&](const TopicMeta &m) { return m.topic == topic; });
}

QString PhoenixPresenceHub::phoenixTopicFor(const QString &coreTopic)
{
    if (coreTopic.startsWith(QLatin1String("c:"))) return QStringLiteral("channel:") + coreTopic.mid(2);
    if (coreTopic.startsWith(QLatin1String("w:"))) return QStringLiteral("workspace:") + coreTopic.mid(2);
    return QString();
}

QString PhoenixPresenceHub::coreTopicFor(const QString &phoenixTopic)
{
    if (phoenixTopic.startsWith(QLatin1String("channel:"))) return RoomManager::channelTopic(phoenixTopic.mid(8));
    if (phoenixTopic.startsWith(QLatin1String("workspace:"))) return RoomManager::workspaceTopic(phoenixTopic.mid(10));
    return QString();
}

void PhoenixPresenceHub::addConnection(Session *session, PhoenixConnection *connection)
{
    m_connections.insert(session, connection);
}

void PhoenixPresenceHub::removeConnection(Session *session)
{
    // The connection unlistens its own topics first (it knows them; scanning
    // every topic here would cost O(topics) per disconnect).
    m_connections.remove(session);
}

void PhoenixPresenceHub::listen(const QString &coreTopic, PhoenixConnection *connection)
{
    m_listeners[coreTopic].insert(connection);
}

void PhoenixPresenceHub::unlisten(const QString &coreTopic, PhoenixConnection *connection)
{
    auto it = m_listeners.find(coreTopic);
    if (it == m_listeners.end()) return;
    it->remove(connection);
    if (it->isEmpty()) {
        m_listeners.erase(it);
        m_stateCache.remove(coreTopic);
    }
}

QJsonObject PhoenixPresenceHub::metaJson(const Session *session, const Meta &meta) const
{
    return PhoenixPayloads::presenceMeta(session->user(), meta.joinedAt, refString(meta.ref));
}

QJsonObject PhoenixPresenceHub::state(const QString &coreTopic) const
{
    // The state as of the last diff does not change with the changes queued
    // since (each is taken back): every socket joining the topic within one
    // window gets the same object, built once (a join storm built it per join).
    const auto cached = m_stateCache.constFind(coreTopic);
    if (cached != m_stateCache.constEnd()) return *cached;
    QHash<QString, QJsonArray> metasByUser;
    const auto pendingIt = m_pending.constFind(coreTopic);
    const PendingDiff *pending = pendingIt == m_pending.constEnd() ? nullptr : &*pendingIt;
    for (Session *s : m_chat->rooms()->subscribers(coreTopic)) {
        const auto sessionIt = m_metas.constFind(s);
        if (sessionIt == m_metas.constEnd()) continue;
        const auto metaIt = findTopic(*sessionIt, coreTopic);
        if (metaIt == sessionIt->cend()) continue;
        if (pending && pending->joins.contains(metaIt->meta.ref))
            continue; // not announced yet: comes with the next diff
        metasByUser[s->userId()].append(metaJson(s, metaIt->meta));
    }
    for (const RemoteUser &r : m_remote.value(coreTopic))
        for (const Meta &meta : r.devices) {
            if (pending && pending->joins.contains(meta.ref)) continue;
            metasByUser[r.userId].append(remoteMetaJson(r.userId, meta));
        }
    if (pending) {
        // Gone, but listeners still have them until the next diff.
        for (auto it = pending->leaves.constBegin(); it != pending->leaves.constEnd(); ++it)
            metasByUser[it->userId].append(it->meta);
    }
    QJsonObject out;
    for (auto it = metasByUser.constBegin(); it != metasByUser.constEnd(); ++it)
        out.insert(it.key(), QJsonObject{{"metas", it.value()}});
    // Kept only while a window is open on the topic (at most a window stale
    // for a renamed user), i.e. while its changes are queued, not applied.
    if (pending && m_listeners.contains(coreTopic)) m_stateCache.insert(coreTopic, out);
    return out;
}

void PhoenixPresenceHub::broadcast(const QString &coreTopic, const PhoenixBroadcast &message,
                                   const PhoenixConnection *except)
{
    const auto it = m_listeners.constFind(coreTopic);
    if (it == m_listeners.constEnd()) return;
    // Copy: a send may close a slow socket, which unlistens while we iterate.
    const QList<PhoenixConnection *> targets = it->values();
    for (PhoenixConnection *c : targets)
        if (c != except && m_listeners.value(coreTopic).contains(c)) c->sendBroadcast(message);
}

void PhoenixPresenceHub::queueChange(const QString &topic, bool join, const QString &userId, const QJsonObject &meta,
                                     quint64 ref)
{
    if (m_windowMs <= 0) {
        m_stateCache.remove(topic);
        PendingDiff one;
        (join ? one.joins : one.leaves).insert(ref, {userId, meta});
        sendDiff(topic, one);
        return;
    }
    PendingDiff &diff = m_pending[topic];
    if (!join && diff.joins.remove(ref)) {
        // Joined and left within the window: nobody heard of it, nobody needs to.
        if (diff.joins.isEmpty() && diff.leaves.isEmpty()) {
            m_pending.remove(topic);
            m_stateCache.remove(topic);
        }
        return;
    }
    (join ? diff.joins : diff.leaves).insert(ref, {userId, meta});
    if (!m_window.isActive()) m_window.start();
}

void PhoenixPresenceHub::flushDiffs()
{
    m_window.stop();
    if (m_pending.isEmpty()) return;
    ++m_windowsFlushed;
    ++Metrics::instance().presenceDiffWindows;
    // Take the lot first: a send may close a socket, whose session then leaves
    // its topics and queues changes for the next window.
    const QHash<QString, PendingDiff> pending = std::exchange(m_pending, {});
    for (auto it = pending.constBegin(); it != pending.constEnd(); ++it) {
        m_stateCache.remove(it.key()); // the diff moves listeners on
        sendDiff(it.key(), it.value());
    }
}

void PhoenixPresenceHub::sendDiff(const QString &topic, const PendingDiff &diff)
{
    const auto byUser = [](const QHash<quint64, PendingMeta> &metas) {
        QHash<QString, QJsonArray> grouped;
        for (const PendingMeta &m : metas) grouped[m.userId].append(m.meta);
        QJsonObject out;
        for (auto it = grouped.constBegin(); it != grouped.constEnd(); ++it)
            out.insert(it.key(), QJsonObject{{"metas", it.value()}});
        return out;
    };
    broadcast(topic, PhoenixBroadcast(phoenixTopicFor(topic), QStringLiteral("presence_diff"),
                                      QJsonObject{{"joins", byUser(diff.joins)}, {"leaves", byUser(diff.leaves)}}));
}

void PhoenixPresenceHub::onSubscribed(Session *session, const QString &topic)
{
    if (!isPresenceTopic(topic)) return;
    const Meta meta{nextRef(), Timestamp::nowMs()};
    m_metas[session].push_back({topic, meta});
    if (!m_listeners.contains(topic)) {
        m_stateCache.remove(topic); // applied at once: the state changed
        return;
    }
    queueChange(topic, true, session->userId(), metaJson(session, meta), meta.ref);
}

void PhoenixPresenceHub::onUnsubscribed(Session *session, const QString &topic)
{
    if (!isPresenceTopic(topic)) return;
    auto sessionIt = m_metas.find(session);
    if (sessionIt == m_metas.end()) return;
    const auto metaIt = findTopic(*sessionIt, topic);
    if (metaIt == sessionIt->cend()) return;
    const Meta meta = metaIt->meta;
    sessionIt->erase(metaIt);
    if (sessionIt->empty()) m_metas.erase(sessionIt);

    // A Phoenix socket dropped from a channel by the server (channel deleted,
    // removed from a private channel) must hear that its channel is closed.
    if (PhoenixConnection *own = m_connections.value(session)) own->onServerUnsubscribed(topic);

    // A pending join is cancelled even if the last listener went meanwhile.
    if (!m_listeners.contains(topic) && !m_pending.contains(topic)) {
        m_stateCache.remove(topic);
        return;
    }
    queueChange(topic, false, session->userId(), metaJson(session, meta), meta.ref);
}

QJsonObject PhoenixPresenceHub::remoteMetaJson(const QString &userId, const Meta &meta) const
{
    const User *u = m_chat->user(userId);
    return PhoenixPayloads::presenceMeta(u ? *u : User{}, meta.joinedAt, refString(meta.ref));
}

void PhoenixPresenceHub::onRemote(const QString &topic, const QString &userId, const QString &nodeId,
                                  const QStringList &devices)
{
    if (!isPresenceTopic(topic)) return;
    const QString key = nodeId + QLatin1Char('\n') + userId;
    QHash<QString, RemoteUser> &users = m_remote[topic];
    RemoteUser &user = users[key];
    user.userId = userId;
    // Joins and leaves of this user's devices on that node, each with its own phx_ref.
    QList<QPair<bool, Meta>> changes;
    for (auto it = user.devices.begin(); it != user.devices.end();) {
        if (devices.contains(it.key())) {
            ++it;
            continue;
        }
        changes.append({false, it.value()});
        it = user.devices.erase(it);
    }
    for (const QString &device : devices)
        if (!user.devices.contains(device)) {
            const Meta meta{nextRef(), Timestamp::nowMs()};
            user.devices.insert(device, meta);
            changes.append({true, meta});
        }
    if (user.devices.isEmpty()) users.remove(key);
    if (users.isEmpty()) m_remote.remove(topic);
    for (const auto &[present, meta] : changes) {
        if (!m_listeners.contains(topic) && (present || !m_pending.contains(topic))) {
            m_stateCache.remove(topic);
            continue;
        }
        queueChange(topic, present, userId, remoteMetaJson(userId, meta), meta.ref);
    }
}

} // namespace switchboard
