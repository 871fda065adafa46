#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace switchboard {

// A set of connections that play one part in a scenario (the members of a
// room, the idle crowd, the ingest publishers, the workspace). Connection i
// is user u = i % tokens.size() (one user per connection unless the plan was
// provisioned with a pool). It joins memberOf[u] (indices into channels) when
// the plan has per-user memberships, else channels[i % channels.size()]; it
// publishes to the first channel it joins. The first 'publishers' connections
// publish. The group's generator workers are [firstWorker, firstWorker +
// workerSpan) (workerSpan 0: all of them); of those, the k-th owns the
// connections with i % span == k.
struct GroupSpec
{
    std::string name;
    int firstWorker = 0;
    int workerSpan = 0;
    std::vector<std::string> tokens;
    std::vector<std::string> channels;
    std::vector<std::vector<int>> memberOf; // optional, per user
    std::vector<int> channelMembers;        // optional: members per channel (expected deliveries)
    int publishers = 0;
    int connections = 0; // connections the plan intends (0: one per token)

    int publishChannel(int connection) const
    {
        if (!memberOf.empty()) return memberOf[userOf(connection) % memberOf.size()].front();
        return int(size_t(connection) % channels.size());
    }
    // Connections per user (1 unless pooled): each member's connections all receive.
    uint64_t connectionsPerUser() const
    {
        return connections > int(tokens.size()) ? uint64_t((connections + int(tokens.size()) - 1) / int(tokens.size()))
                                                : 1;
    }

    // Workers that share this group's connections, out of 'workerCount'.
    int span(int workerCount) const { return workerSpan > 0 ? workerSpan : workerCount; }
    // This worker's position among them, or -1 when it owns none of them.
    int position(int workerIndex, int workerCount) const
    {
        const int k = workerIndex - (workerSpan > 0 ? firstWorker : 0);
        return k >= 0 && k < span(workerCount) ? k : -1;
    }

    size_t userOf(int connection) const { return size_t(connection) % tokens.size(); }
    std::vector<int> joinsOf(int connection) const
    {
        if (!memberOf.empty()) return memberOf[userOf(connection) % memberOf.size()];
        return {int(size_t(connection) % channels.size())};
    }
};

} // namespace switchboard
