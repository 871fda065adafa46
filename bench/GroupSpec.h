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
// publish. Generator workers own the connections with i % workerCount == workerIndex.
struct GroupSpec
{
    std::string name;
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

    size_t userOf(int connection) const { return size_t(connection) % tokens.size(); }
    std::vector<int> joinsOf(int connection) const
    {
        if (!memberOf.empty()) return memberOf[userOf(connection) % memberOf.size()];
        return {int(size_t(connection) % channels.size())};
    }
};

} // namespace switchboard
