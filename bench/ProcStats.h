#pragma once

#include <sys/types.h>

namespace switchboard {

// CPU and memory of a process, read from /proc/<pid>/stat and /proc/<pid>/status
// (the server under test, the peers, and the generator's own workers).
struct ProcStats
{
    bool valid = false;
    double cpuSeconds = 0; // utime + stime
    long rssKb = 0;        // VmRSS
    long peakRssKb = 0;    // VmHWM
    long threads = 0;

    static ProcStats read(pid_t pid);
};

} // namespace switchboard
