#pragma once

#include "BenchOptions.h"
#include "ProcStats.h"
#include "WorkerSetup.h"
#include "WorkerStats.h"

#include <QJsonArray>
#include <QJsonObject>
#include <string>
#include <vector>

namespace switchboard {

// Runs the scenarios against one target: forks the generator workers, tells
// them what to open and publish, samples the server's /proc figures and the
// workers' own CPU around every step, and writes one JSON document of rows.
class Coordinator
{
public:
    explicit Coordinator(const BenchOptions &options);
    ~Coordinator();
    int run();

private:
    struct Snapshot
    {
        double wall = 0;
        ProcStats server;               // summed over every --server-pid
        std::vector<ProcStats> servers; // each of them
        double generatorCpu = 0;
    };
    struct OpenResult
    {
        uint64_t ok = 0, fail = 0;
        LatencyHistogram setup;
        double seconds = 0;
        int64_t lastNs = 0; // CLOCK_MONOTONIC time the last setup completed
    };

    bool loadPlan(QString *error);
    bool startWorkers();
    void stopWorkers();
    void sendAll(const std::string &line);
    std::vector<std::string> collect(double timeoutSeconds);
    WorkerStats stats();
    void resetAll();
    OpenResult open(const char *group, int upto);
    // Returns the CLOCK_MONOTONIC time the last socket was closed.
    int64_t closeFrom(const char *group, int from);
    Snapshot snapshot() const;
    void sleepSeconds(double s) const;
    // Waits until the server's CPU use falls below 15 % of a core (it has
    // finished processing closed connections or a queued backlog), at most maxSeconds.
    void waitQuiet(double maxSeconds, double busyBelow = 0.15);
    // Waits until every message sent so far has reached all 'members' receivers (or the timeout).
    WorkerStats drain(uint64_t members, double timeoutSeconds);
    void addCosts(QJsonObject &row, const Snapshot &a, const Snapshot &b) const;
    static QJsonObject latencyJson(const LatencyHistogram &h);

    void latencyRun(int idle);
    void fanoutRun(const char *group, int size, const QList<int> &rates, int idle);
    void memoryLevel(int level, long baselineRssKb, int previous, const OpenResult &opened, const Snapshot &before);
    void ingestRun(int window);
    void churnRuns();
    void workspaceRun();
    // Polls until the observers' presence view has 'expectedOnline' pairs online
    // (or the timeout); returns the stats of the last poll.
    // giveUpSeconds: stop early when no presence event at all arrived by then (a target without presence).
    WorkerStats waitPresence(int64_t expectedOnline, double timeoutSeconds, double giveUpSeconds);
    int64_t watchedBelow(int connections) const;
    const GroupSpec *group(const char *name) const;
    // --workers, plus the room's own process with --room-process.
    int generatorProcesses() const { return m_o.workers + (m_o.roomProcess ? 1 : 0); }
    void note(const QString &text);

    BenchOptions m_o;
    WorkerSetup m_setup;
    std::vector<int> m_fds;
    std::vector<pid_t> m_pids;
    QJsonArray m_rows;
    QJsonArray m_notes;
    int m_roomOpen = 0;
    bool m_roomOpened = false;
    int m_observers = 0;
    std::vector<int> m_watchedIdle; // idle-group user indices whose presence the observers track
    QJsonObject m_pools;            // group -> users registered, when pooled
};

} // namespace switchboard
