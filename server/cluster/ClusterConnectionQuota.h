#pragma once

#include "core/ConnectionQuota.h"

#include <QObject>

namespace switchboard {

class RedisConnection;

// --max-connections-per-user, exact across the cluster (docs/cluster.md
// "Limits"): each user's connections are counted in one Redis hash,
// sb:cq:<user>, with a field per node process ("<node>|<epoch>"). One Lua
// script sums the fields of live processes (the node's lease key exists and
// names that epoch in sb:cqe:<node>), refuses at the cap, or counts one more:
// two connects at once on two nodes cannot both take the last slot. A dead
// node's fields stop counting when its lease expires (the script drops them);
// a restarted node has a new epoch, so its old counts never come back.
class ClusterConnectionQuota : public QObject, public ConnectionQuota
{
    Q_OBJECT
public:
    ClusterConnectionQuota(RedisConnection *commands, const QString &nodeId, QObject *parent = nullptr);

    void reserve(const QString &userId, int cap, std::function<void(Answer)> done) override;
    void release(const QString &userId) override;

private:
    void announceEpoch();

    RedisConnection *m_commands;
    QString m_node;
    QByteArray m_field; // "<node>|<epoch>"
    QByteArray m_epoch;
};

} // namespace switchboard
