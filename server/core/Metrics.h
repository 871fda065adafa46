#pragma once

#include <QHash>
#include <QString>

#include <array>
#include <atomic>

namespace switchboard {

// Process-wide counters for /metrics and the admin feed. Single-threaded:
// touched only from the main thread, like the rest of the core.
class Metrics
{
public:
    static Metrics &instance();

    quint64 messagesIn = 0;  // frames/events received from clients
    quint64 messagesOut = 0; // frames/events sent to clients
    quint64 bytesIn = 0;
    quint64 bytesOut = 0;
    quint64 deliveries = 0; // core events handed to sessions
    quint64 eventsPublished = 0;
    quint64 messagesPosted = 0; // chat messages committed
    quint64 errors = 0;         // errors sent to clients
    quint64 httpRequests = 0;
    // WebSocket upgrades completed on the accepted descriptor, the head already there (HttpServer).
    quint64 upgradesAtAccept = 0;
    // Connections refused or cut by an HTTP-edge limit, by reason (server/http).
    QHash<QByteArray, quint64> httpRejections;
    quint64 connectionsOpened = 0;
    QHash<QString, int> connectionsByDialect;
    // Event-loop lag (LoopLagProbe): how late a 25 ms timer fired, worst case
    // and how often by more than 10 / 50 / 100 ms. A stall here delays every client.
    double loopLagMaxMs = 0;
    quint64 loopLagOver10ms = 0, loopLagOver50ms = 0, loopLagOver100ms = 0;

    // A Prometheus histogram of durations in ms over fixed buckets. observe()
    // may run on any thread (storage commits are timed on the writer thread),
    // hence atomics; readers may see a count one observation ahead of a
    // bucket, never a bucket going back.
    struct Histogram
    {
        // From 0.1 ms: a message's stages in a quiet server take a fraction of a millisecond.
        static constexpr std::array<double, 14> kBoundsMs{0.1, 0.25, 0.5, 1,   2,   5,    10,
                                                          25,  50,   100, 250, 500, 1000, 2500};
        std::array<std::atomic<quint64>, kBoundsMs.size() + 1> buckets{}; // each its own range; last: +Inf
        std::atomic<quint64> count{0};
        std::atomic<quint64> sumUs{0}; // microseconds: integral, so atomic adds suffice

        void observe(double ms)
        {
            if (!(ms >= 0)) ms = 0; // NaN or a clock hiccup
            size_t i = 0;
            while (i < kBoundsMs.size() && ms > kBoundsMs[i]) ++i;
            buckets[i].fetch_add(1, std::memory_order_relaxed);
            sumUs.fetch_add(quint64(ms * 1000.0), std::memory_order_relaxed);
            count.fetch_add(1, std::memory_order_relaxed);
        }
    };
    // How late each LoopLagProbe tick ran (lag per probe pass; 0 when on time).
    Histogram loopLagMs;
    // Duration of each storage commit (one transaction of a group commit).
    // Observed where a commit is timed (StoreWriter::run, on the writer thread).
    Histogram storageCommitMs;
    // Where a message's time in the server goes, stage by stage (docs/operations.md):
    // each event-loop pass's busy time (what arrives during a pass waits for
    // the rest of it); a write's wait for the storage thread to take it; the
    // wait from its commit until its callback runs on the loop; and a
    // message frame's wait from being queued until its send().
    Histogram loopPassMs;
    Histogram storageQueueWaitMs;
    Histogram storageHandbackMs;
    Histogram sendWaitMs;

    // Phoenix presence: diff windows flushed (one presence_diff per topic
    // with listeners and changes per window).
    quint64 presenceDiffWindows = 0;
};

} // namespace switchboard
