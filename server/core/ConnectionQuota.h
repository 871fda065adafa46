#pragma once

#include <QString>

#include <functional>

namespace switchboard {

// The per-user connection cap counted across the nodes of a cluster
// (server/cluster implements it; docs/cluster.md "Limits"). Asked after the
// node's own check let a connection in: the answer comes later, and a refused
// connection is then closed with the dialect's rate-limit refusal.
class ConnectionQuota
{
public:
    enum class Answer {
        Counted,    // fits the cap across nodes, and now counts: release() it when it goes
        Refused,    // the cap is reached across nodes: not counted
        NotCounted, // unknown (Redis down): this node's own check stands, nothing to release
    };
    virtual ~ConnectionQuota() = default;
    virtual void reserve(const QString &userId, int cap, std::function<void(Answer)> done) = 0;
    virtual void release(const QString &userId) = 0;
};

} // namespace switchboard
