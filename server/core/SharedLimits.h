#pragma once

#include <QString>
#include <QtGlobal>

namespace switchboard {

// Rate limits that hold across the nodes of a cluster (server/cluster
// implements it; without a cluster there is none). Asked on the command's own
// path, so an implementation answers at once from what it already knows and
// never waits for another node.
class SharedLimits
{
public:
    virtual ~SharedLimits() = default;
    // Whether one more action under `key` fits `limit` per `windowMs` across
    // the cluster; if not, *retryAfterMs says when it may.
    virtual bool allow(const QString &key, int limit, qint64 windowMs, qint64 nowMs, qint64 *retryAfterMs) = 0;
    // The action was allowed here and happened: count it for every node.
    virtual void used(const QString &key, qint64 windowMs, qint64 nowMs) = 0;
};

} // namespace switchboard
