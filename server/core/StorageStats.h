#pragma once

#include <QtGlobal>

namespace switchboard {

// Storage figures for /metrics and the admin feed, read through the core so
// that nothing outside it needs the store.
struct StorageStats
{
    quint64 commits = 0;
    quint64 writes = 0;
    double lastCommitMs = 0;
    double totalCommitMs = 0;
    double maxCommitMs = 0;
    bool available = true;        // false while the database is unreachable
    qint64 outstandingWrites = 0; // handed over, callback not run yet
    qint64 handbackLagMs = 0;     // the loop's lag behind the commits (last delivery)
};

} // namespace switchboard
