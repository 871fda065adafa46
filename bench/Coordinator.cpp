#include "Coordinator.h"

#include "BenchClock.h"
#include "MetricsScrape.h"
#include "Worker.h"

#include <QFile>
#include <QJsonDocument>

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace switchboard {

namespace {
QString loadAverage()
{
    QFile f(QStringLiteral("/proc/loadavg"));
    if (!f.open(QIODevice::ReadOnly)) return QString();
    return QString::fromLatin1(f.readAll()).section(QLatin1Char(' '), 0, 2);
}
double nowSeconds()
{
    return double(BenchClock::nowNs()) / 1e9;
}
double ms(int64_t ns)
{
    return std::round(double(ns) / 1e3) / 1e3;
}
}

Coordinator::Coordinator(const BenchOptions &options) : m_o(options) {}

Coordinator::~Coordinator()
{
    stopWorkers();
}

void Coordinator::note(const QString &text)
{
    fprintf(stderr, "[bench %s] %s\n", qPrintable(m_o.label), qPrintable(text));
    fflush(stderr);
}

bool Coordinator::loadPlan(QString *error)
{
    QFile f(m_o.planFile);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read plan %1").arg(m_o.planFile);
        return false;
    }
    const QJsonObject plan = QJsonDocument::fromJson(f.readAll()).object();
    const QJsonObject groups = plan.value(QLatin1String("groups")).toObject();
    const bool roomNeeded = m_o.wants("latency") || m_o.wants("fanout") || m_o.wants("memory") || m_o.wants("churn");
    const struct
    {
        const char *name;
        int publishers;
        bool needed;
    } wanted[] = {{"room", m_o.roomPublishers, roomNeeded},
                  {"idle", 0,
                   m_o.wants("memory") || m_o.wants("latency") || m_o.wants("fanout") || m_o.wants("churn")
                       || m_o.wants("bigfanout")},
                  {"bigroom", m_o.bigRoomPublishers, m_o.wants("bigfanout")},
                  {"ingest", m_o.ingestPublishers, m_o.wants("ingest")},
                  {"workspace", 0, m_o.wants("workspace")}};
    for (const auto &w : wanted) {
        const QJsonObject g = groups.value(QLatin1String(w.name)).toObject();
        GroupSpec spec;
        spec.name = w.name;
        spec.publishers = w.publishers;
        for (const QJsonValue &t : g.value(QLatin1String("tokens")).toArray())
            spec.tokens.push_back(t.toString().toStdString());
        for (const QJsonValue &c : g.value(QLatin1String("channels")).toArray())
            spec.channels.push_back(c.toString().toStdString());
        for (const QJsonValue &m : g.value(QLatin1String("member_of")).toArray()) {
            std::vector<int> list;
            for (const QJsonValue &c : m.toArray()) {
                const int idx = c.toInt(-1);
                if (idx < 0 || size_t(idx) >= spec.channels.size()) {
                    *error = QStringLiteral("plan group %1: bad member_of index").arg(QLatin1String(w.name));
                    return false;
                }
                list.push_back(idx);
            }
            if (list.empty()) list.push_back(0);
            spec.memberOf.push_back(list);
        }
        for (const QJsonValue &n : g.value(QLatin1String("channel_members")).toArray())
            spec.channelMembers.push_back(n.toInt());
        spec.connections = g.value(QLatin1String("connections")).toInt();
        if (!spec.channelMembers.empty() && spec.channelMembers.size() != spec.channels.size())
            spec.channelMembers.clear();
        if (spec.tokens.empty() || spec.channels.empty()) {
            if (!w.needed) continue;
            *error = QStringLiteral("plan has no tokens or channels for group %1").arg(QLatin1String(w.name));
            return false;
        }
        if (g.value(QLatin1String("pooled")).toBool())
            m_pools.insert(QLatin1String(w.name), qint64(spec.tokens.size()));
        if (m_o.roomProcess) {
            // The room alone in the extra process after the --workers ones.
            spec.firstWorker = spec.name == "room" ? m_o.workers : 0;
            spec.workerSpan = spec.name == "room" ? 1 : m_o.workers;
        }
        m_setup.groups.push_back(spec);
    }
    const QJsonObject presence = plan.value(QLatin1String("presence")).toObject();
    m_observers = presence.value(QLatin1String("observers")).toInt();
    for (const QJsonValue &v : presence.value(QLatin1String("watched_ids")).toArray())
        m_setup.watchedUserIds.push_back(v.toString().toStdString());
    for (const QJsonValue &v : presence.value(QLatin1String("watched_idle_indices")).toArray())
        m_watchedIdle.push_back(v.toInt());
    std::sort(m_watchedIdle.begin(), m_watchedIdle.end());
    m_setup.watchedIdleUsers = m_watchedIdle;
    m_setup.observers = m_observers;
    return true;
}

bool Coordinator::startWorkers()
{
    m_setup.dialect = m_o.dialect == QLatin1String("socketio") ? ChatProtocol::Dialect::SocketIo
                                                               : ChatProtocol::Dialect::FlatJson;
    for (const auto &[host, port] : m_o.servers) {
        sockaddr_in server{};
        server.sin_family = AF_INET;
        server.sin_port = htons(uint16_t(port));
        if (inet_pton(AF_INET, qPrintable(host), &server.sin_addr) != 1) {
            note(QStringLiteral("--url host must be an IPv4 address"));
            return false;
        }
        m_setup.servers.push_back(server);
        m_setup.hostHeaders.push_back(QStringLiteral("%1:%2").arg(host).arg(port).toStdString());
    }
    for (int i = 1; i <= m_o.sources; ++i) {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl((127u << 24) | uint32_t(i));
        m_setup.sources.push_back(a);
    }
    m_setup.workerCount = generatorProcesses();
    m_setup.maxInflight = m_o.maxInflight;
    m_setup.contentBytes = size_t(m_o.contentBytes);
    m_setup.quickAck = m_o.quickAck;
    m_setup.openTimeoutMs = int(m_o.openTimeoutSeconds * 1000);
    for (int w = 0; w < m_setup.workerCount; ++w) {
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return false;
        const pid_t pid = fork();
        if (pid < 0) return false;
        if (pid == 0) {
            close(sv[0]);
            for (int fd : m_fds) close(fd);
            WorkerSetup setup = m_setup;
            setup.workerIndex = w;
            Worker worker(setup, sv[1]);
            _exit(worker.run());
        }
        close(sv[1]);
        m_fds.push_back(sv[0]);
        m_pids.push_back(pid);
    }
    return true;
}

void Coordinator::stopWorkers()
{
    if (m_pids.empty()) return;
    sendAll("quit");
    for (int fd : m_fds) close(fd);
    for (pid_t pid : m_pids) {
        // Workers exit at once; the timeout only guards against a wedged one.
        for (int i = 0; i < 50; ++i) {
            if (waitpid(pid, nullptr, WNOHANG) == pid) break;
            if (i == 49) {
                kill(pid, SIGKILL);
                waitpid(pid, nullptr, 0);
            }
            usleep(100000);
        }
    }
    m_fds.clear();
    m_pids.clear();
}

void Coordinator::sendAll(const std::string &line)
{
    const std::string out = line + "\n";
    for (int fd : m_fds)
        if (write(fd, out.data(), out.size()) != ssize_t(out.size()))
            note(QStringLiteral("worker control write failed"));
}

std::vector<std::string> Coordinator::collect(double timeoutSeconds)
{
    std::vector<std::string> lines(m_fds.size());
    std::vector<std::string> bufs(m_fds.size());
    std::vector<bool> done(m_fds.size(), false);
    size_t remaining = m_fds.size();
    const double deadline = nowSeconds() + timeoutSeconds;
    while (remaining > 0) {
        const double left = deadline - nowSeconds();
        if (left <= 0) {
            note(QStringLiteral("workers did not answer in time"));
            break;
        }
        std::vector<pollfd> pfds;
        std::vector<size_t> which;
        for (size_t i = 0; i < m_fds.size(); ++i)
            if (!done[i]) {
                pfds.push_back({m_fds[i], POLLIN, 0});
                which.push_back(i);
            }
        if (poll(pfds.data(), pfds.size(), int(left * 1000) + 1) <= 0) continue;
        for (size_t k = 0; k < pfds.size(); ++k) {
            if (!(pfds[k].revents & (POLLIN | POLLHUP))) continue;
            const size_t i = which[k];
            char buf[65536];
            const ssize_t n = read(m_fds[i], buf, sizeof buf);
            if (n <= 0) {
                done[i] = true;
                --remaining;
                continue;
            }
            bufs[i].append(buf, size_t(n));
            const size_t nl = bufs[i].find('\n');
            if (nl != std::string::npos) {
                lines[i] = bufs[i].substr(0, nl);
                done[i] = true;
                --remaining;
            }
        }
    }
    return lines;
}

WorkerStats Coordinator::stats()
{
    sendAll("stats");
    WorkerStats total;
    for (const std::string &line : collect(30)) {
        WorkerStats s;
        if (s.parse(line)) total.add(s);
    }
    return total;
}

void Coordinator::resetAll()
{
    sendAll("reset");
    collect(30);
}

Coordinator::OpenResult Coordinator::open(const char *group, int upto)
{
    OpenResult r;
    const double t0 = nowSeconds();
    sendAll(std::string("open ") + group + " " + std::to_string(upto));
    for (const std::string &line : collect(m_o.openTimeoutSeconds + 60)) {
        // "opened ok=N fail=N setup=<hist>"
        unsigned long long ok = 0, fail = 0;
        long long last = 0;
        if (sscanf(line.c_str(), "opened ok=%llu fail=%llu last=%lld", &ok, &fail, &last) >= 2) {
            r.ok += ok;
            r.fail += fail;
            r.lastNs = std::max<int64_t>(r.lastNs, last);
            const size_t at = line.find("setup=");
            LatencyHistogram h;
            if (at != std::string::npos && h.deserialize(line.substr(at + 6))) r.setup.merge(h);
        }
    }
    r.seconds = nowSeconds() - t0;
    if (r.fail > 0) note(QStringLiteral("%1: %2 connections failed").arg(QLatin1String(group)).arg(r.fail));
    return r;
}

int64_t Coordinator::closeFrom(const char *group, int from)
{
    sendAll(std::string("close ") + group + " " + std::to_string(from));
    int64_t at = 0;
    for (const std::string &line : collect(120)) {
        const size_t p = line.find("at=");
        if (p != std::string::npos) at = std::max<int64_t>(at, std::stoll(line.substr(p + 3)));
    }
    return at > 0 ? at : BenchClock::nowNs();
}

const GroupSpec *Coordinator::group(const char *name) const
{
    for (const GroupSpec &g : m_setup.groups)
        if (g.name == name) return &g;
    return nullptr;
}

Coordinator::Snapshot Coordinator::snapshot() const
{
    Snapshot s;
    s.wall = nowSeconds();
    for (qint64 pid : m_o.serverPids) {
        const ProcStats one = ProcStats::read(pid_t(pid));
        s.servers.push_back(one);
        s.server.valid = s.servers.size() == 1 ? one.valid : s.server.valid && one.valid;
        s.server.cpuSeconds += one.cpuSeconds;
        s.server.rssKb += one.rssKb;
        s.server.peakRssKb += one.peakRssKb;
        s.server.threads += one.threads;
    }
    for (pid_t pid : m_pids) s.generatorCpu += ProcStats::read(pid).cpuSeconds;
    return s;
}

void Coordinator::sleepSeconds(double s) const
{
    std::this_thread::sleep_for(std::chrono::microseconds(int64_t(s * 1e6)));
}

void Coordinator::waitQuiet(double maxSeconds, double busyBelow)
{
    if (m_o.serverPid <= 0) return sleepSeconds(std::min(maxSeconds, 1.0));
    const double deadline = nowSeconds() + maxSeconds;
    Snapshot prev = snapshot();
    while (nowSeconds() < deadline) {
        sleepSeconds(0.5);
        const Snapshot cur = snapshot();
        const double busy = (cur.server.cpuSeconds - prev.server.cpuSeconds) / (cur.wall - prev.wall);
        if (busy < busyBelow) return;
        prev = cur;
    }
    note(QStringLiteral("server still busy after %1 s; going on").arg(maxSeconds));
}

WorkerStats Coordinator::drain(uint64_t members, double timeoutSeconds)
{
    const double deadline = nowSeconds() + timeoutSeconds;
    WorkerStats s = stats();
    while (nowSeconds() < deadline && (s.delivered < s.sent * members || s.acked + s.errors < s.sent)) {
        sleepSeconds(0.1);
        s = stats();
    }
    return s;
}

void Coordinator::addCosts(QJsonObject &row, const Snapshot &a, const Snapshot &b) const
{
    const double wall = b.wall - a.wall;
    row.insert(QStringLiteral("wall_s"), std::round(wall * 100) / 100);
    if (a.server.valid && b.server.valid) {
        const double cpu = b.server.cpuSeconds - a.server.cpuSeconds;
        row.insert(QStringLiteral("server_cpu_s"), std::round(cpu * 100) / 100);
        row.insert(QStringLiteral("server_cpu_pct"), wall > 0 ? std::round(cpu / wall * 1000) / 10 : 0);
        row.insert(QStringLiteral("server_rss_kb"), qint64(b.server.rssKb));
        row.insert(QStringLiteral("server_peak_rss_kb"), qint64(b.server.peakRssKb));
        if (b.servers.size() > 1 && a.servers.size() == b.servers.size()) {
            // A cluster: each node's share, so a saturated node shows behind the sum.
            QJsonArray each;
            for (size_t i = 0; i < b.servers.size(); ++i)
                each.append(
                    wall > 0 ? std::round((b.servers[i].cpuSeconds - a.servers[i].cpuSeconds) / wall * 1000) / 10 : 0);
            row.insert(QStringLiteral("server_cpu_pct_each"), each);
        }
    }
    const double gen = b.generatorCpu - a.generatorCpu;
    row.insert(QStringLiteral("generator_cpu_s"), std::round(gen * 100) / 100);
    row.insert(QStringLiteral("generator_cpu_pct"), wall > 0 ? std::round(gen / wall * 1000) / 10 : 0);
    row.insert(QStringLiteral("generator_processes"), generatorProcesses());
}

QJsonObject Coordinator::latencyJson(const LatencyHistogram &h)
{
    return QJsonObject{{"count", qint64(h.count())},
                       {"p50_ms", ms(h.percentile(0.50))},
                       {"p99_ms", ms(h.percentile(0.99))},
                       {"p999_ms", ms(h.percentile(0.999))},
                       {"max_ms", ms(h.max())}};
}

namespace {
QJsonObject stageDeltas(const MetricsScrape &a, const MetricsScrape &b);
}

void Coordinator::latencyRun(int idle)
{
    waitQuiet(m_o.drainSeconds);
    note(QStringLiteral("latency: %1 msg/s in a %2-member room, %3 idle beside")
             .arg(m_o.latencyRate)
             .arg(m_roomOpen)
             .arg(idle));
    resetAll();
    const Snapshot a = snapshot();
    const MetricsScrape ma = MetricsScrape::fetch(m_o.host.toStdString(), m_o.port, 10000);
    sendAll("rate room " + std::to_string(m_o.latencyRate) + " " + std::to_string(m_o.window));
    collect(30);
    sleepSeconds(m_o.latencySeconds);
    sendAll("rate room 0 0");
    collect(30);
    const WorkerStats s = drain(uint64_t(m_roomOpen), m_o.drainSeconds);
    const Snapshot b = snapshot();
    const MetricsScrape mb = MetricsScrape::fetch(m_o.host.toStdString(), m_o.port, 10000);
    QJsonObject row{{"scenario", "latency"},
                    {"idle", idle},
                    {"room_members", m_roomOpen},
                    {"rate", m_o.latencyRate},
                    {"seconds", m_o.latencySeconds},
                    {"sent", qint64(s.sent)},
                    {"acked", qint64(s.acked)},
                    {"delivered", qint64(s.delivered)},
                    {"expected", qint64(s.sent * uint64_t(m_roomOpen))},
                    {"errors", qint64(s.errors)},
                    {"lost_connections", qint64(s.closed)},
                    {"latency", latencyJson(s.latency)},
                    {"ack_latency", latencyJson(s.ackLatency)}};
    const QJsonObject stages = stageDeltas(ma, mb);
    if (!stages.isEmpty()) row.insert(QStringLiteral("server_stages"), stages);
    addCosts(row, a, b);
    m_rows.append(row);
}

void Coordinator::fanoutRun(const char *group, int size, const QList<int> &rates, int idle)
{
    double peak = 0;
    QJsonArray steps;
    bool saturated = false;
    waitQuiet(m_o.drainSeconds);
    for (int rate : rates) {
        note(QStringLiteral("fan-out: %1-member room, %2 msg/s offered, %3 idle beside").arg(size).arg(rate).arg(idle));
        resetAll();
        const Snapshot a = snapshot();
        sendAll(std::string("rate ") + group + " " + std::to_string(rate) + " " + std::to_string(m_o.window));
        collect(30);
        sleepSeconds(m_o.stepSeconds);
        const WorkerStats s = stats();
        const Snapshot b = snapshot();
        sendAll(std::string("rate ") + group + " 0 0");
        collect(30);
        const WorkerStats drained = drain(uint64_t(size), m_o.drainSeconds);
        const double wall = b.wall - a.wall;
        const double delivered = double(s.delivered) / wall;
        const double offered = double(rate) * size;
        const int64_t p99 = drained.latency.percentile(0.99);
        // Saturated: the receivers get clearly less than was offered, or the
        // messages queue up (p99 over a second), or the server stops acknowledging.
        saturated = delivered < 0.85 * offered || p99 > 1'000'000'000 || double(s.throttled) > 0.05 * rate * wall
                 || drained.closed > 0;
        QJsonObject step{{"offered_msgs_per_s", rate},
                         {"sent", qint64(s.sent)},
                         {"throttled", qint64(s.throttled)},
                         {"deliveries_per_s", std::round(delivered)},
                         {"offered_deliveries_per_s", offered},
                         {"delivered_total_after_drain", qint64(drained.delivered)},
                         {"expected_total", qint64(drained.sent * uint64_t(size))},
                         {"lost_connections", qint64(drained.closed)},
                         {"errors", qint64(drained.errors)},
                         {"latency", latencyJson(drained.latency)},
                         {"saturated", saturated}};
        addCosts(step, a, b);
        steps.append(step);
        peak = std::max(peak, delivered);
        if (saturated) break;
    }
    // A saturated step leaves a backlog: let it clear before the next phase measures anything.
    waitQuiet(m_o.drainSeconds * 2);
    m_rows.append(QJsonObject{{"scenario", "fanout"},
                              {"room_members", size},
                              {"idle", idle},
                              {"peak_deliveries_per_s", std::round(peak)},
                              {"saturated", saturated},
                              {"steps", steps}});
}

void Coordinator::memoryLevel(int level, long baselineRssKb, int previous, const OpenResult &opened,
                              const Snapshot &before)
{
    const Snapshot ramped = snapshot();
    sleepSeconds(m_o.settleSeconds);
    const Snapshot settled = snapshot();
    const WorkerStats s = stats();
    const long delta = settled.server.rssKb - baselineRssKb;
    const int held = int(s.open) - m_roomOpen;
    QJsonObject row{{"scenario", "memory"},
                    {"idle", level},
                    {"idle_open", held},
                    {"failed", qint64(opened.fail)},
                    {"lost_connections", qint64(s.closed)},
                    {"baseline_rss_kb", qint64(baselineRssKb)},
                    {"rss_delta_kb", qint64(delta)},
                    {"bytes_per_connection", held > 0 ? std::round(double(delta) * 1024 / held) : 0},
                    {"new_connections", level - previous},
                    {"connect_seconds", std::round(opened.seconds * 100) / 100},
                    {"connections_per_s", opened.seconds > 0 ? std::round(double(opened.ok) / opened.seconds) : 0},
                    {"setup_latency", latencyJson(opened.setup)}};
    addCosts(row, before, ramped);
    row.insert(QStringLiteral("server_rss_kb"), qint64(settled.server.rssKb));
    m_rows.append(row);
}

void Coordinator::ingestRun(int window)
{
    note(QStringLiteral("ingest: %1 publishers, %2 in flight each").arg(m_o.ingestPublishers).arg(window));
    const OpenResult opened = open("ingest", m_o.ingestPublishers);
    waitQuiet(m_o.drainSeconds);
    resetAll();
    const MetricsScrape before = MetricsScrape::fetch(m_o.host.toStdString(), m_o.port);
    const Snapshot a = snapshot();
    sendAll("loop ingest " + std::to_string(window));
    collect(30);
    sleepSeconds(m_o.ingestSeconds);
    const WorkerStats s = stats();
    const Snapshot b = snapshot();
    const MetricsScrape after = MetricsScrape::fetch(m_o.host.toStdString(), m_o.port);
    sendAll("rate ingest 0 0");
    collect(30);
    drain(1, m_o.drainSeconds);
    closeFrom("ingest", 0);
    const double wall = b.wall - a.wall;
    QJsonObject row{{"scenario", "ingest"},
                    {"publishers", qint64(opened.ok)},
                    {"window", window},
                    {"acked", qint64(s.acked)},
                    {"acked_per_s", std::round(double(s.acked) / wall)},
                    {"errors", qint64(s.errors)},
                    {"lost_connections", qint64(s.closed)},
                    {"ack_latency", latencyJson(s.ackLatency)}};
    const QJsonObject stages = stageDeltas(before, after);
    if (!stages.isEmpty()) row.insert(QStringLiteral("server_stages"), stages);
    addCosts(row, a, b);
    // The server's own storage counters, when it has them: how the acks were batched.
    const double commits = after.value("switchboard_storage_commits_total")
                         - before.value("switchboard_storage_commits_total");
    const double writes = after.value("switchboard_storage_writes_total")
                        - before.value("switchboard_storage_writes_total");
    const double commitSeconds = after.value("switchboard_storage_commit_seconds_total")
                               - before.value("switchboard_storage_commit_seconds_total");
    if (!before.values.empty() && !after.values.empty() && commits > 0) {
        row.insert(QStringLiteral("storage_commits_per_s"), std::round(commits / wall));
        row.insert(QStringLiteral("storage_writes_per_commit"), std::round(writes / commits * 10) / 10);
        row.insert(QStringLiteral("storage_ms_per_commit"), std::round(commitSeconds * 1000 / commits * 100) / 100);
        row.insert(QStringLiteral("storage_busy_pct"), std::round(commitSeconds / wall * 1000) / 10);
    }
    m_rows.append(row);
}

int64_t Coordinator::watchedBelow(int connections) const
{
    const GroupSpec *idle = group("idle");
    if (!idle) return 0;
    const int users = std::min<int>(connections, int(idle->tokens.size()));
    return std::count_if(m_watchedIdle.begin(), m_watchedIdle.end(), [users](int w) { return w < users; });
}

WorkerStats Coordinator::waitPresence(int64_t expectedOnline, double timeoutSeconds, double giveUpSeconds)
{
    const double start = nowSeconds();
    const double deadline = start + timeoutSeconds;
    WorkerStats s = stats();
    while (nowSeconds() < deadline && s.presOnline != expectedOnline) {
        // A target that sends no presence at all (Switchboard's seed 001 dialect) is not waited for.
        if (s.presEvents == 0 && nowSeconds() - start > giveUpSeconds) break;
        sleepSeconds(0.02);
        s = stats();
    }
    return s;
}

namespace {
// /metrics answers from the server's event loop: a stalled server answers late.
MetricsScrape scrapeHard(const std::string &host, int port)
{
    MetricsScrape m;
    for (int attempt = 0; attempt < 3 && m.values.empty(); ++attempt) m = MetricsScrape::fetch(host, port, 20000);
    return m;
}

// Where a message's time in the server went over a phase: the server's stage
// histograms (docs/operations.md), p50 / p99 from the difference of the bucket
// counts, in ms (buckets at 0.1, 0.25, 0.5, 1, 2, 5, 10, 25, 50 ms ...).
QJsonObject stageDeltas(const MetricsScrape &a, const MetricsScrape &b)
{
    static const std::pair<const char *, const char *> kStages[] =
        {{"loop_pass", "switchboard_event_loop_pass_seconds"},
         {"storage_queue_wait", "switchboard_storage_queue_wait_seconds"},
         {"storage_commit", "switchboard_storage_commit_duration_seconds"},
         {"storage_handback_wait", "switchboard_storage_handback_wait_seconds"},
         {"send_wait", "switchboard_send_wait_seconds"}};
    QJsonObject o;
    for (const auto &[key, name] : kStages) {
        const auto before = a.buckets(name);
        auto counts = b.buckets(name);
        if (counts.empty() || before.size() != counts.size()) continue; // an older server
        for (size_t i = 0; i < counts.size(); ++i) counts[i].second -= before[i].second;
        QJsonObject stage{{"count", counts.back().second}};
        if (counts.back().second > 0) {
            stage.insert(QStringLiteral("p50_ms"), std::round(MetricsScrape::quantile(counts, 0.5) * 1e4) / 10);
            stage.insert(QStringLiteral("p99_ms"), std::round(MetricsScrape::quantile(counts, 0.99) * 1e4) / 10);
        }
        o.insert(QLatin1String(key), stage);
    }
    return o;
}

QJsonObject metricDeltas(const MetricsScrape &a, const MetricsScrape &b, double per)
{
    QJsonObject o;
    if (a.values.empty() || b.values.empty()) return o;
    const double frames = b.value("switchboard_frames_out_total") - a.value("switchboard_frames_out_total");
    const double bytes = b.value("switchboard_bytes_out_total") - a.value("switchboard_bytes_out_total");
    o.insert(QStringLiteral("frames_out"), frames);
    o.insert(QStringLiteral("bytes_out"), bytes);
    if (per > 0) {
        o.insert(QStringLiteral("frames_out_per_conn"), std::round(frames / per * 10) / 10);
        o.insert(QStringLiteral("bytes_out_per_conn"), std::round(bytes / per));
    }
    // The lag gauge is the worst since start: a phase's own worst is known only when it raised it.
    const double lagA = a.value("switchboard_event_loop_lag_seconds_max");
    const double lagB = b.value("switchboard_event_loop_lag_seconds_max");
    o.insert(QStringLiteral("loop_lag_max_ms"), std::round(lagB * 1e4) / 10);
    o.insert(QStringLiteral("loop_lag_raised"), lagB > lagA);
    o.insert(QStringLiteral("stalls_over_50ms"),
             b.value("switchboard_event_loop_stalls_50ms_total") - a.value("switchboard_event_loop_stalls_50ms_total"));
    o.insert(QStringLiteral("stalls_over_100ms"), b.value("switchboard_event_loop_stalls_100ms_total")
                                                      - a.value("switchboard_event_loop_stalls_100ms_total"));
    const QJsonObject stages = stageDeltas(a, b);
    if (!stages.isEmpty()) o.insert(QStringLiteral("stages"), stages);
    return o;
}
}

void Coordinator::churnRuns()
{
    const std::string host = m_o.host.toStdString();
    const int observers = std::min(m_observers, m_roomOpen);
    waitQuiet(m_o.drainSeconds);
    // The room runs at the latency rate through the quiet measurement and both waves.
    note(QStringLiteral("churn: quiet room, %1 msg/s for %2 s").arg(m_o.latencyRate).arg(m_o.churnQuietSeconds));
    resetAll();
    Snapshot qa = snapshot();
    const MetricsScrape mqa = scrapeHard(host, m_o.port);
    sendAll("rate room " + std::to_string(m_o.latencyRate) + " " + std::to_string(m_o.window));
    collect(30);
    sleepSeconds(m_o.churnQuietSeconds);
    const WorkerStats quiet = stats();
    Snapshot qb = snapshot();
    const MetricsScrape mqb = scrapeHard(host, m_o.port);
    QJsonObject quietRow{{"scenario", "churn_quiet"},
                         {"room_members", m_roomOpen},
                         {"rate", m_o.latencyRate},
                         {"seconds", m_o.churnQuietSeconds},
                         {"sent", qint64(quiet.sent)},
                         {"delivered", qint64(quiet.delivered)},
                         {"latency", latencyJson(quiet.latency)},
                         {"server", metricDeltas(mqa, mqb, 0)}};
    addCosts(quietRow, qa, qb);
    // With the room running, "quiet" means back to the room's own CPU use plus 10 % of a core.
    const double quietBusy = qb.wall > qa.wall ? (qb.server.cpuSeconds - qa.server.cpuSeconds) / (qb.wall - qa.wall)
                                               : 0;
    m_rows.append(quietRow);
    sendAll("inflight " + std::to_string(m_o.churnInflight));
    collect(30);
    const int cap = m_o.maxServerConnections - m_roomOpen;
    // RSS before the first wave: every wave's per-connection cost and its
    // "back to baseline" are measured against it.
    const long churnBaselineKb = snapshot().server.rssKb;
    for (int wave : m_o.churnWaves) {
        const int n = std::min(wave, cap);
        int64_t expectOnline = int64_t(observers) * watchedBelow(n);
        note(QStringLiteral("churn: %1 distinct users connect, then drop (%2 watched pairs)").arg(n).arg(expectOnline));
        // ---- connect
        sendAll("presreset");
        collect(30);
        resetAll();
        const Snapshot a = snapshot();
        const MetricsScrape ma = scrapeHard(host, m_o.port);
        const OpenResult opened = open("idle", n);
        // Only the watched users whose connection was set up can be expected online
        // (a server that fails handshakes is reported by 'failed', not here).
        expectOnline = int64_t(observers) * std::min<int64_t>(watchedBelow(n), stats().watchedUp);
        // No event by 15 s after the wave: a target without presence (a stalled server has sent some by then).
        const WorkerStats pc = waitPresence(expectOnline, m_o.convergeSeconds, 15);
        const WorkerStats sc = stats();
        const Snapshot b = snapshot();
        const MetricsScrape mb = scrapeHard(host, m_o.port);
        // ---- drop all at once
        sendAll("presreset");
        collect(30);
        resetAll();
        const int64_t closedAt = closeFrom("idle", 0);
        // Offline events are waited for the full time whenever online ones came.
        const WorkerStats pd = waitPresence(0, m_o.convergeSeconds, pc.presEvents > 0 ? m_o.convergeSeconds : 5);
        waitQuiet(m_o.convergeSeconds, quietBusy + 0.10);
        const WorkerStats sd = stats();
        const Snapshot c = snapshot();
        const MetricsScrape mc = scrapeHard(host, m_o.port);

        auto convergence = [&](const WorkerStats &p, int64_t expected, int64_t lastEventNs, int64_t waveEndNs) {
            QJsonObject o{{"expected_pairs", qint64(expected)},
                          {"online_pairs", qint64(p.presOnline)},
                          {"presence_events", qint64(p.presEvents)}};
            if (expectOnline == 0) {
                o.insert(QStringLiteral("status"), QStringLiteral("not measured (no observers or watched users)"));
            } else if (p.presEvents == 0) {
                o.insert(QStringLiteral("status"), QStringLiteral("no presence events"));
            } else if (p.presOnline != expected) {
                o.insert(QStringLiteral("status"), QStringLiteral("not converged"));
            } else {
                o.insert(QStringLiteral("status"), QStringLiteral("converged"));
                o.insert(QStringLiteral("seconds"),
                         std::max(0.0, std::round(double(lastEventNs - waveEndNs) / 1e6) / 1e3));
            }
            return o;
        };
        const double connectWall = b.wall - a.wall;
        QJsonObject connect{{"connections", qint64(opened.ok)},
                            {"failed", qint64(opened.fail)},
                            {"connect_seconds", std::round(opened.seconds * 100) / 100},
                            {"connections_per_s",
                             opened.seconds > 0 ? std::round(double(opened.ok) / opened.seconds) : 0},
                            {"setup_latency", latencyJson(opened.setup)},
                            {"room_latency", latencyJson(sc.latency)},
                            {"room_sent", qint64(sc.sent)},
                            {"room_delivered", qint64(sc.delivered)},
                            {"room_expected", qint64(sc.sent * uint64_t(m_roomOpen))},
                            {"lost_connections", qint64(sc.closed)},
                            {"presence", convergence(pc, expectOnline, pc.presLastOnNs, opened.lastNs)},
                            {"server", metricDeltas(ma, mb, double(opened.ok))},
                            {"rss_kb", qint64(b.server.rssKb)},
                            {"server_cpu_pct",
                             connectWall > 0
                                 ? std::round((b.server.cpuSeconds - a.server.cpuSeconds) / connectWall * 1000) / 10
                                 : 0}};
        const double dropWall = c.wall - b.wall;
        QJsonObject drop{{"room_latency", latencyJson(sd.latency)},
                         {"room_sent", qint64(sd.sent)},
                         {"room_delivered", qint64(sd.delivered)},
                         {"room_expected", qint64(sd.sent * uint64_t(m_roomOpen))},
                         {"presence", convergence(pd, 0, pd.presLastOffNs, closedAt)},
                         {"server", metricDeltas(mb, mc, double(opened.ok))},
                         {"seconds", std::round(dropWall * 100) / 100},
                         {"server_cpu_pct",
                          dropWall > 0 ? std::round((c.server.cpuSeconds - b.server.cpuSeconds) / dropWall * 1000) / 10
                                       : 0}};
        QJsonObject row{{"scenario", "churn"},
                        {"users", n},
                        {"distinct_users", qint64(std::min<size_t>(size_t(n), group("idle")->tokens.size()))},
                        {"pooled", m_pools.contains(QStringLiteral("idle"))},
                        {"observers", observers},
                        {"watched_users", qint64(watchedBelow(n))},
                        {"baseline_rss_kb", qint64(churnBaselineKb)},
                        {"wave_start_rss_kb", qint64(a.server.rssKb)},
                        {"peak_rss_kb", qint64(std::max(b.server.peakRssKb, c.server.peakRssKb))},
                        {"rss_after_kb", qint64(c.server.rssKb)},
                        {"rss_per_conn_bytes",
                         opened.ok > 0 ? std::round(double(b.server.rssKb - churnBaselineKb) * 1024 / double(opened.ok))
                                       : 0},
                        {"connect", connect},
                        // connect + drop together: what is left when a mid-wave /metrics scrape failed
                        {"server", metricDeltas(ma, mc, double(opened.ok))},
                        {"drop", drop}};
        addCosts(row, a, c);
        m_rows.append(row);
    }
    sendAll("inflight " + std::to_string(m_o.maxInflight));
    collect(30);
    sendAll("rate room 0 0");
    collect(30);
    drain(uint64_t(m_roomOpen), m_o.drainSeconds);
    waitQuiet(m_o.drainSeconds);
}

void Coordinator::workspaceRun()
{
    const GroupSpec *g = group("workspace");
    if (!g) return;
    const int users = std::min<int>(g->connections > 0 ? g->connections : int(g->tokens.size()),
                                    m_o.maxServerConnections - m_roomOpen);
    waitQuiet(m_o.drainSeconds);
    note(QStringLiteral("workspace: %1 users in %2 channels connect").arg(users).arg(g->channels.size()));
    const Snapshot a0 = snapshot();
    const OpenResult opened = open("workspace", users);
    waitQuiet(m_o.convergeSeconds);
    const double day = m_o.workdayHours * 3600;
    const double k = m_o.compression / day; // per-day -> per real second
    const double rates[4] = {m_o.wsMessagesPerDay * k, m_o.wsTypingPerDay * k, m_o.wsReadsPerDay * k,
                             m_o.wsReactionsPerDay * k};
    note(QStringLiteral("workspace: %1x compression for %2 s (%3 simulated minutes)")
             .arg(m_o.compression)
             .arg(m_o.workspaceSeconds)
             .arg(m_o.workspaceSeconds * m_o.compression / 60, 0, 'f', 0));
    resetAll();
    const MetricsScrape ma = MetricsScrape::fetch(m_o.host.toStdString(), m_o.port, 10000);
    const Snapshot a = snapshot();
    sendAll("activity workspace " + std::to_string(rates[0]) + " " + std::to_string(rates[1]) + " "
            + std::to_string(rates[2]) + " " + std::to_string(rates[3]));
    collect(30);
    // Sample RSS and CPU every second for the peak.
    long peakRss = 0;
    const double end = nowSeconds() + m_o.workspaceSeconds;
    while (nowSeconds() < end) {
        sleepSeconds(std::min(1.0, std::max(0.0, end - nowSeconds())));
        peakRss = std::max(peakRss, snapshot().server.rssKb);
    }
    const Snapshot b = snapshot();
    // Stop first: a saturated target answers /metrics late (a peer's 404 too), and the
    // activity must not run on while the scrape waits.
    sendAll("activity workspace 0 0 0 0");
    collect(30);
    const MetricsScrape mb = MetricsScrape::fetch(m_o.host.toStdString(), m_o.port, 10000);
    // Wait for the deliveries still in flight (expected = members of each message's channel).
    const double deadline = nowSeconds() + m_o.drainSeconds;
    WorkerStats s = stats();
    while (nowSeconds() < deadline && s.delivered < s.expected) {
        sleepSeconds(0.2);
        s = stats();
    }
    const double wall = b.wall - a.wall;
    QJsonObject row{{"scenario", "workspace"},
                    {"users", qint64(opened.ok)},
                    {"failed", qint64(opened.fail)},
                    {"pooled", m_pools.contains(QStringLiteral("workspace"))},
                    {"channels", qint64(g->channels.size())},
                    {"connect_seconds", std::round(opened.seconds * 100) / 100},
                    {"compression", m_o.compression},
                    {"seconds", m_o.workspaceSeconds},
                    {"per_user_per_day", QJsonObject{{"messages", m_o.wsMessagesPerDay},
                                                     {"typing", m_o.wsTypingPerDay},
                                                     {"reads", m_o.wsReadsPerDay},
                                                     {"reactions", m_o.wsReactionsPerDay},
                                                     {"workday_hours", m_o.workdayHours}}},
                    {"messages", qint64(s.sent)},
                    {"messages_per_s", std::round(double(s.sent) / wall)},
                    {"typing", qint64(s.typing)},
                    {"reads", qint64(s.reads)},
                    {"reactions", qint64(s.reactions)},
                    {"skipped_actions", qint64(s.skipped)},
                    {"delivered", qint64(s.delivered)},
                    {"expected", qint64(s.expected)},
                    {"deliveries_per_s", std::round(double(s.delivered) / wall)},
                    {"errors", qint64(s.errors)},
                    {"lost_connections", qint64(s.closed)},
                    {"other_frames", qint64(s.other)},
                    {"latency", latencyJson(s.latency)},
                    {"server", metricDeltas(ma, mb, 0)},
                    {"baseline_rss_kb", qint64(a0.server.rssKb)},
                    {"peak_rss_kb_sampled", qint64(peakRss)}};
    addCosts(row, a, b);
    m_rows.append(row);
    closeFrom("workspace", 0);
    waitQuiet(m_o.drainSeconds * 2);
}

int Coordinator::run()
{
    QString error;
    if (!loadPlan(&error)) {
        note(error);
        return 2;
    }
    const double started = nowSeconds();
    if (!startWorkers()) {
        note(QStringLiteral("cannot start workers: %1").arg(QString::fromLocal8Bit(strerror(errno))));
        return 1;
    }
    const Snapshot initial = snapshot();
    const QString loadBefore = loadAverage();
    const int cap = m_o.maxServerConnections;
    const bool memory = m_o.wants("memory");
    QList<int> idleSteps = memory ? m_o.idleLevels : QList<int>();
    if (m_o.wants("latency"))
        for (int n : m_o.latencyIdle)
            if (n > 0) idleSteps.append(n);
    if (m_o.wants("fanout") && m_o.fanoutIdle > 0) idleSteps.append(m_o.fanoutIdle);
    std::sort(idleSteps.begin(), idleSteps.end());
    idleSteps.erase(std::unique(idleSteps.begin(), idleSteps.end()), idleSteps.end());

    if (m_o.wants("latency") || m_o.wants("fanout") || memory || m_o.wants("churn")) {
        const OpenResult r = open("room", m_o.roomSize);
        m_roomOpen = int(r.ok);
        note(QStringLiteral("room: %1 members joined in %2 s").arg(r.ok).arg(r.seconds, 0, 'f', 2));
        if (m_roomOpen == 0) {
            note(QStringLiteral("no room member could connect: giving up on this target"));
            stopWorkers();
            return 1;
        }
        // Memory first, on a process that has carried no message yet: freed
        // message buffers would otherwise be reused by the idle connections and
        // hide part of their cost. Then the traffic runs, from the most idle
        // connections down to none.
        const long baseline = snapshot().server.rssKb;
        QList<int> targets;
        int previous = 0;
        for (int level : idleSteps) {
            const int target = std::min(level, cap - m_roomOpen);
            if (target <= previous) continue;
            note(QStringLiteral("idle: opening up to %1").arg(target));
            const Snapshot before = snapshot();
            const OpenResult r = open("idle", target);
            if (memory && m_o.idleLevels.contains(level)) memoryLevel(target, baseline, previous, r, before);
            targets.append(level);
            previous = target;
        }
        for (auto it = targets.crbegin(); it != targets.crend(); ++it) {
            const int level = *it;
            const int target = std::min(level, cap - m_roomOpen);
            closeFrom("idle", target);
            waitQuiet(m_o.drainSeconds * 2);
            if (m_o.wants("latency") && m_o.latencyIdle.contains(level)) latencyRun(target);
            if (m_o.wants("fanout") && level == m_o.fanoutIdle) fanoutRun("room", m_roomOpen, m_o.fanoutRates, target);
        }
        closeFrom("idle", 0);
        waitQuiet(m_o.drainSeconds * 2);
        if (m_o.wants("latency") && m_o.latencyIdle.contains(0)) latencyRun(0);
        if (m_o.wants("fanout")) fanoutRun("room", m_roomOpen, m_o.fanoutRates, 0);
        if (m_o.wants("churn")) churnRuns();
    }
    if (m_o.wants("workspace")) workspaceRun();
    if (m_o.wants("bigfanout")) {
        const int size = std::min(m_o.bigRoomSize, cap - m_roomOpen);
        const OpenResult r = open("bigroom", size);
        note(QStringLiteral("big room: %1 members joined in %2 s").arg(r.ok).arg(r.seconds, 0, 'f', 2));
        fanoutRun("bigroom", int(r.ok), m_o.bigFanoutRates, 0);
        if (m_o.fanoutIdle > 0) {
            const int idle = std::min(m_o.fanoutIdle, cap - m_roomOpen - int(r.ok));
            if (idle > 0) {
                const OpenResult ir = open("idle", idle);
                fanoutRun("bigroom", int(r.ok), m_o.bigFanoutRates, int(ir.ok));
                closeFrom("idle", 0);
                waitQuiet(m_o.drainSeconds * 2);
            }
        }
        closeFrom("bigroom", 0);
        waitQuiet(m_o.drainSeconds * 2);
    }
    if (m_o.wants("ingest"))
        for (int window : m_o.ingestWindows) ingestRun(window);
    const Snapshot last = snapshot();
    stopWorkers();
    QStringList urls;
    for (const auto &[host, port] : m_o.servers) urls.append(QStringLiteral("ws://%1:%2").arg(host).arg(port));

    QJsonObject doc{{"label", m_o.label},
                    {"dialect", m_o.dialect},
                    {"url", urls.join(QLatin1Char(','))},
                    {"nodes", qint64(m_o.servers.size())},
                    {"workers", m_o.workers},
                    {"room_process", m_o.roomProcess},
                    {"sources", m_o.sources},
                    {"content_bytes", m_o.contentBytes},
                    {"tcp_quickack", m_o.quickAck},
                    {"duration_s", std::round((nowSeconds() - started) * 10) / 10},
                    {"pools", m_pools},
                    {"rows", m_rows}};
    QJsonObject totals;
    addCosts(totals, initial, last);
    totals.insert(QStringLiteral("server_peak_rss_kb"), qint64(last.server.peakRssKb));
    // Other engineers share the machine: the load average tells how noisy the run was.
    totals.insert(QStringLiteral("loadavg_before"), loadBefore);
    totals.insert(QStringLiteral("loadavg_after"), loadAverage());
    doc.insert(QStringLiteral("totals"), totals);
    const QByteArray json = QJsonDocument(doc).toJson(QJsonDocument::Indented);
    if (m_o.outFile.isEmpty()) {
        fwrite(json.constData(), 1, size_t(json.size()), stdout);
    } else {
        QFile out(m_o.outFile);
        if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate) || out.write(json) != json.size()) {
            note(QStringLiteral("cannot write %1").arg(m_o.outFile));
            return 1;
        }
    }
    return 0;
}

} // namespace switchboard
