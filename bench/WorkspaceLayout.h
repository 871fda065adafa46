#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace switchboard {

// The membership layout of the workspace scenario: U users, C channels of
// power-law (Zipf) sizes, channel 0 (#general) holds everyone, and every user
// is in minPerUser..maxPerUser channels, #general included. Pure and
// deterministic for a seed, so provision.mjs (through `switchboard-bench
// --workspace-layout`) and the unit tests see the same layout.
struct WorkspaceLayout
{
    struct Params
    {
        int users = 10000;
        int channels = 500;
        int minPerUser = 5;
        int maxPerUser = 20;
        double zipfExponent = 1.0;
        double maxShare = 0.5; // no channel but #general holds more than this share of the users
        uint64_t seed = 1;
    };

    std::vector<int> sizes;                 // members per channel; sizes[0] == users
    std::vector<std::vector<int>> memberOf; // per user: channel indices, 0 first, no duplicates

    // Returns false (with *error) when the parameters cannot be satisfied.
    static bool build(const Params &p, WorkspaceLayout *out, std::string *error);
    std::string toJson() const;
};

} // namespace switchboard
