#pragma once

#include <string>
#include <vector>

// A set of connections that play one part in a scenario (the members of a
// room, the idle crowd, the ingest publishers). Connection i uses
// tokens[i % tokens.size()] and joins channels[i % channels.size()]; the first
// 'publishers' connections publish. Generator workers own the connections
// with i % workerCount == workerIndex.
struct GroupSpec
{
    std::string name;
    std::vector<std::string> tokens;
    std::vector<std::string> channels;
    int publishers = 0;
};
