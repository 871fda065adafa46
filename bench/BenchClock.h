#pragma once

#include <cstdint>
#include <ctime>

namespace switchboard {

// CLOCK_MONOTONIC is one clock for every process on the machine, so a send
// time written by one generator process is comparable in another.
namespace BenchClock {
inline int64_t nowNs()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}
}

} // namespace switchboard
