#include "WorkerStats.h"

#include <algorithm>
#include <sstream>

namespace switchboard {

bool WorkerStats::parse(const std::string &line)
{
    std::istringstream in(line);
    std::string word;
    in >> word;
    if (word != "stats") return false;
    while (in >> word) {
        const size_t eq = word.find('=');
        if (eq == std::string::npos) return false;
        const std::string key = word.substr(0, eq);
        const std::string value = word.substr(eq + 1);
        if (key == "lat") {
            if (!latency.deserialize(value)) return false;
            continue;
        }
        if (key == "ack") {
            if (!ackLatency.deserialize(value)) return false;
            continue;
        }
        if (key == "pon") {
            presOnline = std::stoll(value);
            continue;
        }
        if (key == "plon") {
            presLastOnNs = std::stoll(value);
            continue;
        }
        if (key == "ploff") {
            presLastOffNs = std::stoll(value);
            continue;
        }
        if (key == "wup") {
            watchedUp = std::stoll(value);
            continue;
        }
        const uint64_t n = std::stoull(value);
        if (key == "open")
            open = n;
        else if (key == "sent")
            sent = n;
        else if (key == "acked")
            acked = n;
        else if (key == "delivered")
            delivered = n;
        else if (key == "other")
            other = n;
        else if (key == "errors")
            errors = n;
        else if (key == "closed")
            closed = n;
        else if (key == "throttled")
            throttled = n;
        else if (key == "expect")
            expected = n;
        else if (key == "typing")
            typing = n;
        else if (key == "reads")
            reads = n;
        else if (key == "reactions")
            reactions = n;
        else if (key == "skipped")
            skipped = n;
        else if (key == "pev")
            presEvents = n;
    }
    return true;
}

void WorkerStats::add(const WorkerStats &o)
{
    open += o.open;
    sent += o.sent;
    acked += o.acked;
    delivered += o.delivered;
    other += o.other;
    errors += o.errors;
    closed += o.closed;
    throttled += o.throttled;
    expected += o.expected;
    typing += o.typing;
    reads += o.reads;
    reactions += o.reactions;
    skipped += o.skipped;
    presOnline += o.presOnline;
    presLastOnNs = std::max(presLastOnNs, o.presLastOnNs);
    presLastOffNs = std::max(presLastOffNs, o.presLastOffNs);
    presEvents += o.presEvents;
    watchedUp += o.watchedUp;
    latency.merge(o.latency);
    ackLatency.merge(o.ackLatency);
}

} // namespace switchboard
