#pragma once

#include "core/SharedLimits.h"

#include <QHash>
#include <QObject>
#include <QTimer>

namespace switchboard {

class RedisConnection;

// Rate limits across the cluster (docs/cluster.md "Limits"): every action a
// node allows is counted in Redis in a fixed window per key
// (INCR sb:rl:<window>:<key>, expiring after two windows), and each node
// refuses at once when the cluster's count as of its last reply has reached
// the limit, on top of its own token bucket. allow()/used() never wait for
// Redis: a node knows the others' actions up to its own previous one, so the
// cluster may overshoot by about one action per node and round trip (typing,
// joins, logins). reserve() counts only below the limit, in one script, so
// messages are exact. While Redis is down only the node's own limits hold.
class ClusterLimits : public QObject, public SharedLimits
{
    Q_OBJECT
public:
    explicit ClusterLimits(RedisConnection *commands, QObject *parent = nullptr);

    bool allow(const QString &key, int limit, qint64 windowMs, qint64 nowMs, qint64 *retryAfterMs) override;
    void used(const QString &key, qint64 windowMs, qint64 nowMs) override;
    void reserve(const QString &key, int limit, qint64 windowMs, qint64 nowMs, Answer answer) override;
    int size() const { return int(m_windows.size()); }

private:
    struct Window
    {
        qint64 index = -1;
        qint64 windowMs = 0;
        qint64 count = 0; // the cluster's count, as of the last reply plus our own since
    };
    void prune();
    void learn(const QString &key, qint64 index, qint64 windowMs, qint64 count);

    RedisConnection *m_commands;
    QHash<QString, Window> m_windows;
    QTimer m_prune;
};

} // namespace switchboard
