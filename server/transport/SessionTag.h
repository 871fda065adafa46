#pragma once

#include <QString>

namespace switchboard {

// The node tag a cluster node puts in front of the ids it hands to polling
// clients (Engine.IO sid, Phoenix long-poll token): "<tag>.<random>". A
// balancer routes every later request of the session to the owning node by
// that prefix alone, without sticky cookies (docs/cluster.md, "Behind a load
// balancer"). A single server (no --redis) has no tag and keeps bare ids.
class SessionTag
{
public:
    // The tag of a node id: letters, digits, '-' and '_' kept, anything else
    // becomes '-', at most kMaxLength characters. "node1" stays "node1".
    static QString fromNodeId(const QString &nodeId);
    // "<tag>." to put before a random id; empty for an empty tag.
    static QString prefix(const QString &tag);
    // The tag of an id made with prefix(), or empty when it has none.
    static QString of(const QString &id);

    static constexpr int kMaxLength = 32;
};

} // namespace switchboard
