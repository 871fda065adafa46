#include "WorkspaceLayout.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace switchboard {

bool WorkspaceLayout::build(const Params &p, WorkspaceLayout *out, std::string *error)
{
    auto fail = [error](const char *why) {
        if (error) *error = why;
        return false;
    };
    if (p.users < 2 || p.channels < 2) return fail("need at least 2 users and 2 channels");
    if (p.minPerUser < 1 || p.maxPerUser < p.minPerUser || p.maxPerUser > p.channels)
        return fail("bad channels-per-user range");
    const int others = p.channels - 1;
    const int cap = std::max(2, int(p.maxShare * p.users));
    if (p.minPerUser - 1 > others) return fail("fewer channels than the minimum per user");
    std::mt19937_64 rng(p.seed);

    // Channels per user beyond #general: uniform in [min-1, max-1].
    std::vector<int> want(size_t(p.users));
    std::uniform_int_distribution<int> per(p.minPerUser - 1, p.maxPerUser - 1);
    for (int &w : want) w = per(rng);
    const int64_t total = std::accumulate(want.begin(), want.end(), int64_t(0));
    if (total > int64_t(others) * cap) return fail("channels too small for the memberships wanted");
    if (total < int64_t(others) * 2) return fail("too few memberships for every channel to have 2 members");

    // Zipf sizes for channels 1..C-1, each in [2, cap], summing exactly to total.
    std::vector<double> weight(static_cast<size_t>(others));
    for (int k = 0; k < others; ++k) weight[size_t(k)] = 1.0 / std::pow(double(k + 1), p.zipfExponent);
    std::vector<int> size(size_t(others), 2);
    std::vector<bool> fixed(size_t(others), false);
    int64_t left = total - int64_t(others) * 2;
    // Water-filling: share the rest by weight, pin channels that hit the cap, repeat.
    for (int round = 0; round < 64 && left > 0; ++round) {
        double wsum = 0;
        for (int k = 0; k < others; ++k)
            if (!fixed[size_t(k)]) wsum += weight[size_t(k)];
        if (wsum <= 0) break;
        int64_t given = 0;
        bool pinned = false;
        for (int k = 0; k < others; ++k) {
            if (fixed[size_t(k)]) continue;
            const int64_t add = int64_t(std::floor(double(left) * weight[size_t(k)] / wsum));
            const int64_t room = cap - size[size_t(k)];
            const int64_t take = std::min(add, room);
            size[size_t(k)] += int(take);
            given += take;
            if (take == room) {
                fixed[size_t(k)] = true;
                pinned = true;
            }
        }
        left -= given;
        if (!pinned && given == 0) break;
    }
    // Rounding remainder: one by one to the largest channels with room.
    for (int k = 0; left > 0; k = (k + 1) % others)
        if (size[size_t(k)] < cap) {
            ++size[size_t(k)];
            --left;
        }

    // Fill the channels largest first with the users that have the most
    // memberships still to place (random tie-break): a greedy bipartite
    // realisation of the two degree sequences, which succeeds whenever one exists.
    out->sizes.assign(size_t(p.channels), 0);
    out->memberOf.assign(size_t(p.users), std::vector<int>{0});
    out->sizes[0] = p.users;
    std::vector<int> order(size_t(p.users));
    std::iota(order.begin(), order.end(), 0);
    std::vector<uint64_t> key(size_t(p.users));
    for (int k = 0; k < others; ++k) {
        for (auto &v : key) v = rng();
        std::sort(order.begin(), order.end(), [&](int a, int b) {
            if (want[size_t(a)] != want[size_t(b)]) return want[size_t(a)] > want[size_t(b)];
            return key[size_t(a)] < key[size_t(b)];
        });
        for (int i = 0; i < size[size_t(k)]; ++i) {
            const int u = order[size_t(i)];
            if (want[size_t(u)] <= 0) return fail("layout not realisable");
            --want[size_t(u)];
            out->memberOf[size_t(u)].push_back(k + 1);
        }
        out->sizes[size_t(k + 1)] = size[size_t(k)];
    }
    return true;
}

std::string WorkspaceLayout::toJson() const
{
    std::string s = "{\"sizes\":[";
    for (size_t i = 0; i < sizes.size(); ++i) s += (i ? "," : "") + std::to_string(sizes[i]);
    s += "],\"member_of\":[";
    for (size_t u = 0; u < memberOf.size(); ++u) {
        s += u ? ",[" : "[";
        for (size_t i = 0; i < memberOf[u].size(); ++i) s += (i ? "," : "") + std::to_string(memberOf[u][i]);
        s += "]";
    }
    s += "]}";
    return s;
}

} // namespace switchboard
