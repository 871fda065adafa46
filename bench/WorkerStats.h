#pragma once

#include "LatencyHistogram.h"

#include <cstdint>
#include <string>

namespace switchboard {

// The "stats" answer of one worker, or the sum over all of them.
struct WorkerStats
{
    uint64_t open = 0, sent = 0, acked = 0, delivered = 0, other = 0, errors = 0, closed = 0, throttled = 0;
    uint64_t expected = 0, typing = 0, reads = 0, reactions = 0, skipped = 0;
    // Presence observers: (observer, watched user) pairs seen online, and the
    // latest time (CLOCK_MONOTONIC ns) a watched user went online / offline for some observer.
    int64_t presOnline = 0, presLastOnNs = 0, presLastOffNs = 0;
    uint64_t presEvents = 0;
    int64_t watchedUp = 0; // idle connections of watched users that are set up
    LatencyHistogram latency;
    LatencyHistogram ackLatency;

    bool parse(const std::string &line);
    void add(const WorkerStats &o);
};

} // namespace switchboard
