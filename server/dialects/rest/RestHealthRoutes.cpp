#include "RestHealthRoutes.h"

#include "core/EphemeralLane.h"

#include "core/ChatService.h"
#include "core/ClusterPort.h"
#include "core/Metrics.h"
#include "net/EpollEventDispatcher.h"
#include "net/ReadHold.h"
#include "net/SendBudget.h"

#include <QAbstractEventDispatcher>
#include <QJsonObject>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

// jemalloc's control call, present when the server links jemalloc (the release
// build, server/app/JemallocConfig.cpp); weak, so other builds resolve it to null.
extern "C" int mallctl(const char *name, void *oldp, size_t *oldlenp, void *newp, size_t newlen) __attribute__((weak));

namespace switchboard {

namespace {

// Bytes the allocator has handed out, and bytes it holds without handing them
// out (freed, not yet returned to the system). False when neither glibc nor
// jemalloc can tell.
bool heapBytes(quint64 *inUse, quint64 *free)
{
    if (mallctl) {
        // Under jemalloc glibc's mallinfo2() sees an almost empty heap.
        uint64_t epoch = 1;
        size_t len = sizeof epoch;
        mallctl("epoch", &epoch, &len, &epoch, len); // refreshes the statistics
        size_t allocated = 0, resident = 0;
        len = sizeof allocated;
        if (mallctl("stats.allocated", &allocated, &len, nullptr, 0) != 0) return false;
        len = sizeof resident;
        if (mallctl("stats.resident", &resident, &len, nullptr, 0) != 0) return false;
        *inUse = allocated;
        *free = resident > allocated ? resident - allocated : 0;
        return true;
    }
#if defined(__GLIBC__)
    const struct mallinfo2 heap = mallinfo2();
    *inUse = quint64(heap.uordblks + heap.hblkhd);
    *free = quint64(heap.fordblks);
    return true;
#else
    return false;
#endif
}

} // namespace

RestHealthRoutes::RestHealthRoutes(ChatService *chat, QObject *context, std::function<bool()> isReady,
                                   std::function<QByteArray()> extraMetrics)
    : RestRoutes(chat, context)
    , m_isReady(std::move(isReady))
    , m_extraMetrics(std::move(extraMetrics))
{
}

void RestHealthRoutes::install(Router &r)
{
    r.add("GET", "/healthz", [](const HttpRequest &, const Router::Params &, HttpResponder res) {
        res.respond(HttpResponse::json(200, QJsonObject{{"status", "ok"}}));
    });
    r.add("GET", "/readyz", [this](const HttpRequest &, const Router::Params &, HttpResponder res) {
        const bool ready = m_isReady && m_isReady();
        // Up but the database unreachable: not ready until the store reconnects.
        if (ready && !chat()->storageStats().available)
            return res.respond(
                HttpResponse::json(503, QJsonObject{{"status", "unavailable"}, {"reason", "database unreachable"}}));
        res.respond(HttpResponse::json(ready ? 200 : 503, QJsonObject{{"status", ready ? "ready" : "starting"}}));
    });
    r.add("GET", "/metrics", [this](const HttpRequest &, const Router::Params &, HttpResponder res) {
        res.respond(HttpResponse::text(200, metrics(), "text/plain; version=0.0.4; charset=utf-8"));
    });
}

namespace {

// A Prometheus histogram in seconds (the base unit) from one of ours in ms:
// cumulative buckets, +Inf equal to _count. The count is read first: an
// observation landing meanwhile (the storage writer thread) may show in a
// bucket but never leaves +Inf below a bucket.
QByteArray histogram(const char *name, const char *help, const Metrics::Histogram &h)
{
    const quint64 count = h.count.load(std::memory_order_relaxed);
    QByteArray out = QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + " histogram\n";
    quint64 cumulative = 0;
    for (size_t i = 0; i < Metrics::Histogram::kBoundsMs.size(); ++i) {
        cumulative += h.buckets[i].load(std::memory_order_relaxed);
        out += name + QByteArray("_bucket{le=\"")
             + QByteArray::number(Metrics::Histogram::kBoundsMs[i] / 1000.0, 'g', 6) + "\"} "
             + QByteArray::number(qMin(cumulative, count)) + '\n';
    }
    out += name + QByteArray("_bucket{le=\"+Inf\"} ") + QByteArray::number(count) + '\n';
    out += name + QByteArray("_sum ") + QByteArray::number(h.sumUs.load(std::memory_order_relaxed) / 1e6, 'g', 15)
         + '\n';
    out += name + QByteArray("_count ") + QByteArray::number(count) + '\n';
    return out;
}

} // namespace

QByteArray RestHealthRoutes::metrics() const
{
    const Metrics &m = Metrics::instance();
    const StorageStats s = chat()->storageStats();
    QByteArray out;
    auto metric =
        [&out](const char *name, const char *type, const char *help, double value, const QByteArray &labels = {}) {
        out += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n';
        out += name + (labels.isEmpty() ? QByteArray() : '{' + labels + '}') + ' ' + QByteArray::number(value, 'g', 15)
             + '\n';
    };
    out += "# HELP switchboard_connections Open client connections by dialect\n# TYPE switchboard_connections gauge\n";
    QStringList dialects{QStringLiteral("flatjson"), QStringLiteral("workspacejson"), QStringLiteral("phoenix"),
                         QStringLiteral("socketio"), QStringLiteral("socketio-chat")};
    for (auto it = m.connectionsByDialect.cbegin(); it != m.connectionsByDialect.cend(); ++it)
        if (!dialects.contains(it.key())) dialects.append(it.key());
    for (const QString &d : std::as_const(dialects))
        out += "switchboard_connections{dialect=\"" + d.toUtf8() + "\"} "
             + QByteArray::number(m.connectionsByDialect.value(d)) + '\n';
    metric("switchboard_connections_opened_total", "counter", "Connections accepted since start", m.connectionsOpened);
    metric("switchboard_frames_in_total", "counter", "Frames or events received from clients", m.messagesIn);
    metric("switchboard_frames_out_total", "counter", "Frames or events sent to clients", m.messagesOut);
    metric("switchboard_bytes_in_total", "counter", "Bytes received from clients", m.bytesIn);
    metric("switchboard_bytes_out_total", "counter", "Bytes sent to clients", m.bytesOut);
    metric("switchboard_messages_posted_total", "counter", "Chat messages committed", m.messagesPosted);
    metric("switchboard_events_published_total", "counter", "Domain events published", m.eventsPublished);
    metric("switchboard_deliveries_total", "counter", "Events delivered to sessions", m.deliveries);
    metric("switchboard_errors_total", "counter", "Errors sent to clients", m.errors);
    metric("switchboard_http_requests_total", "counter", "HTTP requests served", m.httpRequests);
    metric("switchboard_http_upgrades_at_accept_total", "counter",
           "WebSocket upgrades completed straight from the accepted socket (the request was already there)",
           m.upgradesAtAccept);
    // The network edge's limits (docs/conformance.md); every reason listed, so a zero is a zero.
    out += "# HELP switchboard_http_rejections_total Connections refused or cut by a network-edge limit\n"
           "# TYPE switchboard_http_rejections_total counter\n";
    QByteArrayList reasons{"bad_request",       "header_timeout",  "body_timeout",
                           "handshake_timeout", "keepalive_idle",  "connections_per_ip",
                           "unauthenticated",   "connect_timeout", "slow_reader"};
    for (auto it = m.httpRejections.cbegin(); it != m.httpRejections.cend(); ++it)
        if (!reasons.contains(it.key())) reasons.append(it.key());
    for (const QByteArray &r : std::as_const(reasons))
        out += "switchboard_http_rejections_total{reason=\"" + r + "\"} "
             + QByteArray::number(m.httpRejections.value(r)) + '\n';
    const auto *epoll = qobject_cast<EpollEventDispatcher *>(QAbstractEventDispatcher::instance());
    metric(
        "switchboard_event_loop_budget_cuts_total", "counter",
        "Passes whose socket work ran past its lane's budget (chat 10 ms, background 1 ms; the rest waited one pass)",
        epoll ? double(epoll->budgetCuts()) : 0);
    metric("switchboard_event_loop_foreign_sends_total", "counter",
           "Times the loop stopped between chat sockets or after the background lane to send queued calls from other "
           "threads (commit callbacks)",
           epoll ? double(epoll->foreignSends()) : 0);
    metric("switchboard_event_loop_parked_leavers_total", "counter",
           "Established sockets whose peer hung up, kept out of epoll until served (a mass disconnect)",
           epoll ? double(epoll->parkedLeavers()) : 0);
    if (epoll) {
        out += "# HELP switchboard_event_loop_phase_seconds_total Time the event loop spent per phase of its passes\n"
               "# TYPE switchboard_event_loop_phase_seconds_total counter\n";
        QByteArray longest = "# HELP switchboard_event_loop_phase_max_seconds Longest single pass of each phase\n"
                             "# TYPE switchboard_event_loop_phase_max_seconds gauge\n";
        for (int p = 0; p < EpollEventDispatcher::PhaseCount; ++p) {
            const auto phase = EpollEventDispatcher::Phase(p);
            const QByteArray label = QByteArray("{phase=\"") + EpollEventDispatcher::phaseName(phase) + "\"} ";
            out += "switchboard_event_loop_phase_seconds_total" + label
                 + QByteArray::number(double(epoll->phaseTime(phase).totalNs) / 1e9) + '\n';
            longest += "switchboard_event_loop_phase_max_seconds" + label
                     + QByteArray::number(double(epoll->phaseTime(phase).maxNs) / 1e9) + '\n';
        }
        out += longest;
    }
    // In use vs free but still held: tells live state from heap fragmentation.
    quint64 heapInUse = 0, heapFree = 0;
    if (heapBytes(&heapInUse, &heapFree)) {
        out += "# HELP switchboard_heap_bytes The C heap: allocated, and held but free (glibc malloc or jemalloc)\n"
               "# TYPE switchboard_heap_bytes gauge\n";
        out += "switchboard_heap_bytes{state=\"in_use\"} " + QByteArray::number(heapInUse) + '\n';
        out += "switchboard_heap_bytes{state=\"free\"} " + QByteArray::number(heapFree) + '\n';
    }
    metric("switchboard_send_queue_bytes", "gauge", "Bytes queued for sending, all connections together",
           SendBudget::instance().total());
    metric("switchboard_send_queue_bytes_limit", "gauge", "--max-total-send-queue-bytes (0: off)",
           SendBudget::instance().limit());
    metric("switchboard_storage_up", "gauge", "1 while the database is reachable", s.available ? 1 : 0);
    metric("switchboard_storage_outstanding_writes", "gauge",
           "Writes waiting for the disk or for their callback on the loop", s.outstandingWrites);
    metric("switchboard_storage_handback_lag_seconds", "gauge",
           "How long the oldest committed write waited for the loop in the last delivery (0: caught up)",
           s.handbackLagMs / 1000.0);
    metric("switchboard_read_hold", "gauge", "1 while chat sockets are not read (backpressure)",
           ReadHold::instance().isHeld() ? 1 : 0);
    metric("switchboard_read_holds_total", "counter",
           "Times chat-socket reads were held (--max-pending-writes, --max-handback-lag-ms)",
           ReadHold::instance().holds());
    metric("switchboard_read_hold_parked_total", "counter", "Chat sockets parked unread during holds",
           ReadHold::instance().parkedTotal());
    metric("switchboard_storage_commits_total", "counter", "Storage transactions committed", s.commits);
    metric("switchboard_storage_writes_total", "counter", "Storage writes committed", s.writes);
    metric("switchboard_storage_commit_seconds_last", "gauge", "Duration of the last commit", s.lastCommitMs / 1000.0);
    metric("switchboard_storage_commit_seconds_total", "counter", "Time spent committing", s.totalCommitMs / 1000.0);
    metric("switchboard_storage_commit_seconds_max", "gauge", "Slowest commit since start", s.maxCommitMs / 1000.0);
    // Cluster nodes (docs/cluster.md "A fill that cannot read"): above 0, events wait for the database.
    metric("switchboard_cluster_channels_awaiting_fill", "gauge",
           "Channels holding later events until a gap fill can read the database",
           chat()->clusterPort()->channelsAwaitingFill());
    metric("switchboard_event_loop_lag_seconds_max", "gauge", "Worst event-loop lag since start",
           m.loopLagMaxMs / 1000.0);
    metric("switchboard_event_loop_stalls_10ms_total", "counter", "Event-loop passes late by more than 10 ms",
           m.loopLagOver10ms);
    metric("switchboard_event_loop_stalls_50ms_total", "counter", "Event-loop passes late by more than 50 ms",
           m.loopLagOver50ms);
    metric("switchboard_event_loop_stalls_100ms_total", "counter", "Event-loop passes late by more than 100 ms",
           m.loopLagOver100ms);
    out += histogram("switchboard_event_loop_lag_seconds", "How late each event-loop probe pass ran (every 25 ms)",
                     m.loopLagMs);
    out += histogram("switchboard_storage_commit_duration_seconds", "Duration of each storage commit",
                     m.storageCommitMs);
    out += histogram("switchboard_event_loop_pass_seconds",
                     "Busy time of each event-loop pass (waiting in epoll_wait left out)", m.loopPassMs);
    out += histogram("switchboard_storage_queue_wait_seconds",
                     "Wait of each write from being queued until the storage thread takes it", m.storageQueueWaitMs);
    out += histogram("switchboard_storage_handback_wait_seconds",
                     "Wait of each write from its commit until its callback runs on the event loop",
                     m.storageHandbackMs);
    out += histogram("switchboard_send_wait_seconds",
                     "Wait of each message send from its first frame being queued until its send()", m.sendWaitMs);
    if (const EphemeralLane *lane = chat()->lane()) {
        metric("switchboard_ephemeral_backlog", "gauge",
               "Presence, typing, room and read-receipt changes waiting for the ephemeral lane's budget",
               lane->backlog());
        metric("switchboard_ephemeral_coalesced_total", "counter",
               "Ephemeral changes never sent: cancelled within a window or replaced by a later one", lane->coalesced());
        metric("switchboard_ephemeral_shed_total", "counter",
               "Typing starts dropped because they waited longer than --typing-max-wait-ms behind messages",
               lane->shed());
    }
    metric("switchboard_phoenix_presence_diff_windows_total", "counter",
           "Phoenix presence windows flushed (one presence_diff per changed topic each)", m.presenceDiffWindows);
    metric("switchboard_users", "gauge", "Registered users", directory().userCount());
    metric("switchboard_channels", "gauge", "Channels", directory().channelCount());
    if (m_extraMetrics) out += m_extraMetrics();
    return out;
}

} // namespace switchboard
