#pragma once

#include <QString>
#include <QtGlobal>

#include <functional>

namespace switchboard {

// Rate limits that hold across the nodes of a cluster (server/cluster
// implements it; without a cluster there is none). allow() and used() answer
// at once from what the node already knows, so two nodes may each allow the
// last action of a window (an overshoot of about one per node); reserve() is
// exact and answers after a round trip to the cluster's shared count.
class SharedLimits
{
public:
    virtual ~SharedLimits() = default;
    // Whether one more action under `key` fits `limit` per `windowMs` across
    // the cluster; if not, *retryAfterMs says when it may.
    virtual bool allow(const QString &key, int limit, qint64 windowMs, qint64 nowMs, qint64 *retryAfterMs) = 0;
    // The action was allowed here and happened: count it for every node.
    virtual void used(const QString &key, qint64 windowMs, qint64 nowMs) = 0;
    // The exact check: counts the action for every node only if the cluster's
    // count is still below `limit`, atomically, then answers exactly once,
    // normally after the round trip. When the cluster cannot be asked (Redis down)
    // the answer is "allowed": each node's own limits hold then.
    using Answer = std::function<void(bool allowed, qint64 retryAfterMs)>;
    virtual void reserve(const QString &key, int limit, qint64 windowMs, qint64 nowMs, Answer answer) = 0;
};

} // namespace switchboard
