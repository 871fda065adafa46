#pragma once

#include <QObject>
#include <QPointer>
#include <QStringList>

#include <functional>

namespace switchboard {

class ConnectionQuota;
class ParticipationTracker;
class PresenceManager;
class SharedLimits;
struct CoreContext;

// What a cluster (server/cluster, docs/cluster.md) may change in the core, in
// one place: the users' presence and room participation on other nodes, and
// rate limits shared between nodes. The core works the same without one.
class ClusterPort : public QObject
{
    Q_OBJECT
public:
    explicit ClusterPort(CoreContext &core, QObject *parent = nullptr);

    PresenceManager *presence() const;
    ParticipationTracker *participation() const;
    // Consulted with every rate-limit check (nullptr: this node's limits only).
    void setSharedLimits(SharedLimits *limits);
    // Consulted after each connection this node let in (nullptr: this node's count only).
    void setConnectionQuota(ConnectionQuota *quota);
    // The user's sessions on `nodeId` subscribed to a workspace ("w:<id>") or
    // channel ("c:<id>") topic, one token per session ("device"; none: not
    // there): Phoenix presence shows one meta per device.
    void setRemoteSubscription(const QString &topic, const QString &userId, const QString &nodeId,
                               const QStringList &devices)
    {
        Q_EMIT remoteSubscriptionChanged(topic, userId, nodeId, devices);
    }

    // Read-after-write across nodes (docs/cluster.md "Directory read-after-write"):
    // the successful answers of commands asked by `context` (the REST API) wait
    // until `sync` calls them back, once every other live node applied the
    // directory changes this node made so far. No sync (a single server): at once.
    void answerAfterDirectorySync(QObject *context);
    void setDirectorySync(std::function<void(std::function<void()>)> sync);

    // Channels whose gap fill waits for the database (the cluster's ChannelSequencer), for /metrics.
    void setChannelsAwaitingFill(int channels) { m_channelsAwaitingFill = channels; }
    int channelsAwaitingFill() const { return m_channelsAwaitingFill; }

Q_SIGNALS:
    void remoteSubscriptionChanged(const QString &topic, const QString &userId, const QString &nodeId,
                                   const QStringList &devices);

private:
    CoreContext &m_core;
    int m_channelsAwaitingFill = 0;
    QPointer<QObject> m_syncedContext;
    std::function<void(std::function<void()>)> m_directorySync;
};

} // namespace switchboard
