#include "ProcStats.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace switchboard {

ProcStats ProcStats::read(pid_t pid)
{
    ProcStats s;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", int(pid));
    if (FILE *f = fopen(path, "r")) {
        char buf[2048];
        const size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = 0;
        // The command name may contain spaces and parentheses: fields start after the last ')'.
        if (const char *p = strrchr(buf, ')')) {
            unsigned long utime = 0, stime = 0;
            // Fields 3..: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
            if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) == 2) {
                s.cpuSeconds = double(utime + stime) / double(sysconf(_SC_CLK_TCK));
                s.valid = true;
            }
        }
    }
    snprintf(path, sizeof path, "/proc/%d/status", int(pid));
    if (FILE *f = fopen(path, "r")) {
        char line[256];
        while (fgets(line, sizeof line, f)) {
            if (strncmp(line, "VmRSS:", 6) == 0)
                s.rssKb = atol(line + 6);
            else if (strncmp(line, "VmHWM:", 6) == 0)
                s.peakRssKb = atol(line + 6);
            else if (strncmp(line, "Threads:", 8) == 0)
                s.threads = atol(line + 8);
        }
        fclose(f);
    }
    return s;
}

} // namespace switchboard
