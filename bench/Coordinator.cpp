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

namespace {
QString loadAverage()
{
    QFile f(QStringLiteral("/proc/loadavg"));
    if (!f.open(QIODevice::ReadOnly)) return QString();
    return QString::fromLatin1(f.readAll()).section(QLatin1Char(' '), 0, 2);
}
double nowSeconds() { return double(BenchClock::nowNs()) / 1e9; }
double ms(int64_t ns) { return std::round(double(ns) / 1e3) / 1e3; }
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
    const QJsonObject groups = QJsonDocument::fromJson(f.readAll()).object().value(QLatin1String("groups")).toObject();
    const struct { const char *name; int publishers; } wanted[] = {
        {"room", m_o.roomPublishers}, {"idle", 0}, {"bigroom", m_o.bigRoomPublishers}, {"ingest", m_o.ingestPublishers}};
    for (const auto &w : wanted) {
        const QJsonObject g = groups.value(QLatin1String(w.name)).toObject();
        GroupSpec spec;
        spec.name = w.name;
        spec.publishers = w.publishers;
        for (const QJsonValue &t : g.value(QLatin1String("tokens")).toArray()) spec.tokens.push_back(t.toString().toStdString());
        for (const QJsonValue &c : g.value(QLatin1String("channels")).toArray()) spec.channels.push_back(c.toString().toStdString());
        if (spec.tokens.empty() || spec.channels.empty()) {
            *error = QStringLiteral("plan has no tokens or channels for group %1").arg(QLatin1String(w.name));
            return false;
        }
        m_setup.groups.push_back(spec);
    }
    return true;
}

bool Coordinator::startWorkers()
{
    m_setup.dialect = m_o.dialect == QLatin1String("socketio") ? ChatProtocol::Dialect::SocketIo : ChatProtocol::Dialect::FlatJson;
    m_setup.server.sin_family = AF_INET;
    m_setup.server.sin_port = htons(uint16_t(m_o.port));
    if (inet_pton(AF_INET, qPrintable(m_o.host), &m_setup.server.sin_addr) != 1) {
        note(QStringLiteral("--url host must be an IPv4 address"));
        return false;
    }
    m_setup.hostHeader = QStringLiteral("%1:%2").arg(m_o.host).arg(m_o.port).toStdString();
    for (int i = 1; i <= m_o.sources; ++i) {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl((127u << 24) | uint32_t(i));
        m_setup.sources.push_back(a);
    }
    m_setup.workerCount = m_o.workers;
    m_setup.maxInflight = m_o.maxInflight;
    m_setup.contentBytes = size_t(m_o.contentBytes);
    m_setup.quickAck = m_o.quickAck;
    m_setup.openTimeoutMs = int(m_o.openTimeoutSeconds * 1000);
    for (int w = 0; w < m_o.workers; ++w) {
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
        if (write(fd, out.data(), out.size()) != ssize_t(out.size())) note(QStringLiteral("worker control write failed"));
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
        if (sscanf(line.c_str(), "opened ok=%llu fail=%llu", &ok, &fail) == 2) {
            r.ok += ok;
            r.fail += fail;
            const size_t at = line.find("setup=");
            LatencyHistogram h;
            if (at != std::string::npos && h.deserialize(line.substr(at + 6))) r.setup.merge(h);
        }
    }
    r.seconds = nowSeconds() - t0;
    if (r.fail > 0) note(QStringLiteral("%1: %2 connections failed").arg(QLatin1String(group)).arg(r.fail));
    return r;
}

void Coordinator::closeFrom(const char *group, int from)
{
    sendAll(std::string("close ") + group + " " + std::to_string(from));
    collect(120);
}

Coordinator::Snapshot Coordinator::snapshot() const
{
    Snapshot s;
    s.wall = nowSeconds();
    if (m_o.serverPid > 0) s.server = ProcStats::read(pid_t(m_o.serverPid));
    for (pid_t pid : m_pids) s.generatorCpu += ProcStats::read(pid).cpuSeconds;
    return s;
}

void Coordinator::sleepSeconds(double s) const
{
    std::this_thread::sleep_for(std::chrono::microseconds(int64_t(s * 1e6)));
}

void Coordinator::waitQuiet(double maxSeconds)
{
    if (m_o.serverPid <= 0) return sleepSeconds(std::min(maxSeconds, 1.0));
    const double deadline = nowSeconds() + maxSeconds;
    Snapshot prev = snapshot();
    while (nowSeconds() < deadline) {
        sleepSeconds(0.5);
        const Snapshot cur = snapshot();
        const double busy = (cur.server.cpuSeconds - prev.server.cpuSeconds) / (cur.wall - prev.wall);
        if (busy < 0.15) return;
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
    }
    const double gen = b.generatorCpu - a.generatorCpu;
    row.insert(QStringLiteral("generator_cpu_s"), std::round(gen * 100) / 100);
    row.insert(QStringLiteral("generator_cpu_pct"), wall > 0 ? std::round(gen / wall * 1000) / 10 : 0);
    row.insert(QStringLiteral("generator_processes"), m_o.workers);
}

QJsonObject Coordinator::latencyJson(const LatencyHistogram &h)
{
    return QJsonObject{{"count", qint64(h.count())},       {"p50_ms", ms(h.percentile(0.50))},
                       {"p99_ms", ms(h.percentile(0.99))}, {"p999_ms", ms(h.percentile(0.999))},
                       {"max_ms", ms(h.max())}};
}

void Coordinator::latencyRun(int idle)
{
    waitQuiet(m_o.drainSeconds);
    note(QStringLiteral("latency: %1 msg/s in a %2-member room, %3 idle beside").arg(m_o.latencyRate).arg(m_roomOpen).arg(idle));
    resetAll();
    const Snapshot a = snapshot();
    sendAll("rate room " + std::to_string(m_o.latencyRate) + " " + std::to_string(m_o.window));
    collect(30);
    sleepSeconds(m_o.latencySeconds);
    sendAll("rate room 0 0");
    collect(30);
    const WorkerStats s = drain(uint64_t(m_roomOpen), m_o.drainSeconds);
    const Snapshot b = snapshot();
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

void Coordinator::memoryLevel(int level, long baselineRssKb, int previous, const OpenResult &opened, const Snapshot &before)
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
    addCosts(row, a, b);
    // The server's own storage counters, when it has them: how the acks were batched.
    const double commits = after.value("switchboard_storage_commits_total") - before.value("switchboard_storage_commits_total");
    const double writes = after.value("switchboard_storage_writes_total") - before.value("switchboard_storage_writes_total");
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
        for (int n : m_o.latencyIdle) if (n > 0) idleSteps.append(n);
    if (m_o.wants("fanout") && m_o.fanoutIdle > 0) idleSteps.append(m_o.fanoutIdle);
    std::sort(idleSteps.begin(), idleSteps.end());
    idleSteps.erase(std::unique(idleSteps.begin(), idleSteps.end()), idleSteps.end());

    if (m_o.wants("latency") || m_o.wants("fanout") || memory) {
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
    }
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

    QJsonObject doc{{"label", m_o.label},
                    {"dialect", m_o.dialect},
                    {"url", QStringLiteral("ws://%1:%2").arg(m_o.host).arg(m_o.port)},
                    {"workers", m_o.workers},
                    {"sources", m_o.sources},
                    {"content_bytes", m_o.contentBytes},
                    {"tcp_quickack", m_o.quickAck},
                    {"duration_s", std::round((nowSeconds() - started) * 10) / 10},
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
