#pragma once

#include <map>
#include <string>

namespace switchboard {

// Reads Switchboard's Prometheus text at GET /metrics (plain socket, no event
// loop): the storage counters explain an ingest figure (commits per second,
// writes per commit, time per commit). Empty when the target has no /metrics.
struct MetricsScrape
{
    std::map<std::string, double> values; // unlabelled series only

    static MetricsScrape fetch(const std::string &host, int port, int timeoutMs = 3000);
    double value(const std::string &name, double fallback = -1) const;
};

} // namespace switchboard
