#pragma once

#include "LatencyHistogram.h"

#include <cstdint>
#include <string>

// The "stats" answer of one worker, or the sum over all of them.
struct WorkerStats
{
    uint64_t open = 0, sent = 0, acked = 0, delivered = 0, other = 0, errors = 0, closed = 0, throttled = 0;
    LatencyHistogram latency;
    LatencyHistogram ackLatency;

    bool parse(const std::string &line);
    void add(const WorkerStats &o);
};
