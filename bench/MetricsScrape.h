#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace switchboard {

// Reads Switchboard's Prometheus text at GET /metrics (plain socket, no event
// loop): the storage counters explain an ingest figure (commits per second,
// writes per commit, time per commit). Empty when the target has no /metrics.
struct MetricsScrape
{
    std::map<std::string, double> values; // by series, labels included: name{le="0.005"}

    static MetricsScrape fetch(const std::string &host, int port, int timeoutMs = 3000);
    double value(const std::string &name, double fallback = -1) const;
    // A histogram's cumulative (upper bound, count) pairs, ascending; +Inf last.
    std::vector<std::pair<double, double>> buckets(const std::string &name) const;
    // The q-quantile of cumulative bucket counts (e.g. the difference of two
    // scrapes), interpolated inside its bucket as Prometheus'
    // histogram_quantile does; -1 with no observations.
    static double quantile(const std::vector<std::pair<double, double>> &counts, double q);
};

} // namespace switchboard
