#include "Worker.h"

#include "BenchClock.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <sys/epoll.h>
#include <unistd.h>

namespace switchboard {

namespace {
constexpr uint64_t kControlTag = ~uint64_t(0);
}

Worker::Worker(const WorkerSetup &setup, int controlFd) : m_setup(setup), m_control(controlFd)
{
    m_groupSlots.resize(m_setup.groups.size());
    for (size_t i = 0; i < m_setup.watchedUserIds.size(); ++i) m_watched.emplace(m_setup.watchedUserIds[i], int(i));
    m_rng ^= uint64_t(m_setup.workerIndex + 1) * 0xbf58476d1ce4e5b9ull;
}

bool Worker::isWatchedIdle(const Slot &s) const
{
    const GroupSpec &g = m_setup.groups[size_t(s.group)];
    if (g.name != "idle") return false;
    return std::binary_search(m_setup.watchedIdleUsers.begin(), m_setup.watchedIdleUsers.end(), int(g.userOf(s.index)));
}

double Worker::uniform()
{
    // xorshift64*: cheap and good enough for inter-arrival times
    m_rng ^= m_rng >> 12;
    m_rng ^= m_rng << 25;
    m_rng ^= m_rng >> 27;
    return double((m_rng * 0x2545f4914f6cdd1dull) >> 11) / double(1ull << 53);
}

int Worker::groupIndex(const std::string &name) const
{
    for (size_t i = 0; i < m_setup.groups.size(); ++i)
        if (m_setup.groups[i].name == name) return int(i);
    return -1;
}

int Worker::slotFor(int group, int index)
{
    auto &v = m_groupSlots[size_t(group)];
    const size_t local = size_t(index / m_setup.groups[size_t(group)].span(m_setup.workerCount));
    if (v.size() <= local) v.resize(local + 1, -1);
    if (v[local] < 0) {
        Slot s;
        s.group = group;
        s.index = index;
        s.publisher = index < m_setup.groups[size_t(group)].publishers;
        s.observer = m_setup.groups[size_t(group)].name == m_setup.observerGroup && index < m_setup.observers;
        s.conn = std::make_unique<WsConnection>(this, m_slots.size());
        s.conn->setQuickAck(m_setup.quickAck);
        v[local] = int(m_slots.size());
        m_slots.push_back(std::move(s));
    }
    return v[local];
}

int Worker::run()
{
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = kControlTag;
    epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_control, &ev);
    std::vector<epoll_event> events(4096);
    while (!m_quit) {
        const int n = epoll_wait(m_epoll, events.data(), int(events.size()), timeoutMs(BenchClock::nowNs()));
        if (n < 0 && errno != EINTR) {
            perror("epoll_wait");
            return 1;
        }
        for (int i = 0; i < n; ++i) {
            const uint64_t tag = events[size_t(i)].data.u64;
            if (tag == kControlTag) {
                handleControl();
                continue;
            }
            if (tag < m_slots.size()) m_slots[size_t(tag)].conn->handleEvents(events[size_t(i)].events);
        }
        const int64_t now = BenchClock::nowNs();
        runPublishers(now);
        runActivity(now);
        if (now - m_lastTimeoutCheck > 500'000'000) {
            m_lastTimeoutCheck = now;
            checkSetupTimeouts(now);
            pumpOpens();
            finishOpenIfDone();
        }
    }
    return 0;
}

int Worker::timeoutMs(int64_t now) const
{
    int64_t next = now + 200'000'000;
    for (int idx : m_publishers) {
        const Slot &s = m_slots[size_t(idx)];
        if (s.intervalNs > 0 && s.nextSendNs < next) next = s.nextSendNs;
    }
    if (!m_actQueue.empty() && m_actQueue.top().first < next) next = m_actQueue.top().first;
    if (next <= now) return 0;
    return int((next - now + 999'999) / 1'000'000);
}

void Worker::handleControl()
{
    char buf[4096];
    const ssize_t n = read(m_control, buf, sizeof buf);
    if (n <= 0) {
        if (n < 0 && errno == EINTR) return;
        m_quit = true; // the coordinator is gone
        return;
    }
    m_controlBuf.append(buf, size_t(n));
    size_t nl;
    while ((nl = m_controlBuf.find('\n')) != std::string::npos) {
        const std::string line = m_controlBuf.substr(0, nl);
        m_controlBuf.erase(0, nl + 1);
        command(line);
    }
}

void Worker::reply(const std::string &line)
{
    std::string out = line + "\n";
    size_t done = 0;
    while (done < out.size()) {
        const ssize_t w = write(m_control, out.data() + done, out.size() - done);
        if (w < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            m_quit = true;
            return;
        }
        done += size_t(w);
    }
}

void Worker::command(const std::string &line)
{
    std::istringstream in(line);
    std::string cmd, group;
    in >> cmd;
    if (cmd == "quit") {
        m_quit = true;
        return;
    }
    if (cmd == "reset") {
        m_c = Counters();
        m_latency.clear();
        m_ackLatency.clear();
        return reply("ok");
    }
    if (cmd == "inflight") {
        int n = 0;
        in >> n;
        if (n > 0) m_setup.maxInflight = n;
        return reply("ok");
    }
    if (cmd == "presreset") {
        m_presLastOnNs = m_presLastOffNs = 0;
        m_presEvents = 0;
        return reply("ok");
    }
    if (cmd == "stats") {
        char head[1024];
        snprintf(
            head, sizeof head,
            "stats open=%d sent=%llu acked=%llu delivered=%llu other=%llu errors=%llu closed=%llu throttled=%llu"
            " expect=%llu typing=%llu reads=%llu reactions=%llu skipped=%llu pon=%lld plon=%lld ploff=%lld pev=%llu wup=%lld",
            openCount(), (unsigned long long)m_c.sent, (unsigned long long)m_c.acked, (unsigned long long)m_c.delivered,
            (unsigned long long)m_c.other, (unsigned long long)m_c.errors, (unsigned long long)m_c.closed,
            (unsigned long long)m_c.throttled, (unsigned long long)m_c.expected, (unsigned long long)m_c.typing,
            (unsigned long long)m_c.reads, (unsigned long long)m_c.reactions, (unsigned long long)m_c.skipped,
            (long long)m_presOnline, (long long)m_presLastOnNs, (long long)m_presLastOffNs,
            (unsigned long long)m_presEvents, (long long)m_watchedUp);
        return reply(std::string(head) + " lat=" + m_latency.serialize() + " ack=" + m_ackLatency.serialize());
    }
    in >> group;
    const int g = groupIndex(group);
    if (g < 0) return reply("error unknown group " + group);
    if (cmd == "open") {
        int upto = 0;
        in >> upto;
        return cmdOpen(g, upto);
    }
    if (cmd == "close") {
        int from = 0;
        in >> from;
        return cmdClose(g, from);
    }
    if (cmd == "rate") {
        double total = 0;
        int window = 0;
        in >> total >> window;
        cmdRate(g, total, window, false);
        return reply("ok");
    }
    if (cmd == "activity") {
        double m = 0, t = 0, r = 0, x = 0;
        in >> m >> t >> r >> x;
        cmdActivity(g, m, t, r, x);
        return reply("ok");
    }
    if (cmd == "loop") {
        int window = 0;
        in >> window;
        cmdRate(g, 0, window, true);
        return reply("ok");
    }
    reply("error unknown command " + cmd);
}

int Worker::openCount() const
{
    int n = 0;
    for (const Slot &s : m_slots)
        if (s.phase == Phase::Joined) ++n;
    return n;
}

void Worker::cmdOpen(int group, int upto)
{
    m_pending.clear();
    m_pendingPos = 0;
    m_openOk = m_openFail = 0;
    m_lastSetupNs = 0;
    m_setupHist.clear();
    const GroupSpec &g = m_setup.groups[size_t(group)];
    const int first = g.position(m_setup.workerIndex, m_setup.workerCount);
    const int step = g.span(m_setup.workerCount);
    for (int i = first; first >= 0 && i < upto; i += step) {
        const int idx = slotFor(group, i);
        if (m_slots[size_t(idx)].phase == Phase::None) m_pending.push_back(idx);
    }
    m_opening = true;
    m_openDeadlineNs = BenchClock::nowNs() + int64_t(m_setup.openTimeoutMs) * 1'000'000;
    pumpOpens();
    finishOpenIfDone();
}

void Worker::pumpOpens()
{
    if (m_opening && m_pendingPos < m_pending.size() && BenchClock::nowNs() > m_openDeadlineNs) {
        // A server that stops completing handshakes must not hold the run hostage.
        const size_t skipped = m_pending.size() - m_pendingPos;
        m_openFail += skipped;
        m_pendingPos = m_pending.size();
        char msg[96];
        snprintf(msg, sizeof msg, "%zu connections not attempted", skipped);
        logProblem("open timed out", msg, strlen(msg));
    }
    while (m_pendingPos < m_pending.size() && int(m_inflight.size()) < m_setup.maxInflight) {
        Slot &s = m_slots[size_t(m_pending[m_pendingPos++])];
        const GroupSpec &g = m_setup.groups[size_t(s.group)];
        const std::string &token = g.tokens[size_t(s.index) % g.tokens.size()];
        const sockaddr_in &src = m_setup.sources[size_t(s.index) % m_setup.sources.size()];
        s.setupStartNs = BenchClock::nowNs();
        s.phase = m_setup.dialect == ChatProtocol::Dialect::SocketIo ? Phase::WaitEngineOpen : Phase::WaitReady;
        m_inflight.push_back(int(&s - m_slots.data()));
        const size_t node = size_t(s.index) % m_setup.servers.size();
        if (!s.conn->start(m_epoll, m_setup.servers[node], src, m_setup.hostHeaders[node],
                           ChatProtocol::requestPath(m_setup.dialect, token)))
            setupFailed(s, strerror(errno));
    }
}

void Worker::finishOpenIfDone()
{
    if (!m_opening || m_pendingPos < m_pending.size() || !m_inflight.empty()) return;
    m_opening = false;
    reply("opened ok=" + std::to_string(m_openOk) + " fail=" + std::to_string(m_openFail)
          + " last=" + std::to_string(m_lastSetupNs) + " setup=" + m_setupHist.serialize());
}

void Worker::setupFailed(Slot &s, const char *why)
{
    const int idx = int(&s - m_slots.data());
    s.conn->abort();
    s.phase = Phase::None;
    auto it = std::find(m_inflight.begin(), m_inflight.end(), idx);
    if (it != m_inflight.end()) {
        *it = m_inflight.back();
        m_inflight.pop_back();
    }
    ++m_openFail;
    logProblem("setup failed", why, strlen(why));
    pumpOpens();
    finishOpenIfDone();
}

void Worker::setupDone(Slot &s)
{
    const int idx = int(&s - m_slots.data());
    s.phase = Phase::Joined;
    auto it = std::find(m_inflight.begin(), m_inflight.end(), idx);
    if (it != m_inflight.end()) {
        *it = m_inflight.back();
        m_inflight.pop_back();
    }
    ++m_openOk;
    m_lastSetupNs = BenchClock::nowNs();
    m_setupHist.record(m_lastSetupNs - s.setupStartNs);
    if (s.observer && s.seen.size() != m_watched.size()) s.seen.assign(m_watched.size(), 0);
    if (isWatchedIdle(s)) ++m_watchedUp;
    pumpOpens();
    finishOpenIfDone();
}

void Worker::checkSetupTimeouts(int64_t now)
{
    const int64_t limit = int64_t(m_setup.setupTimeoutMs) * 1'000'000;
    const std::vector<int> snapshot = m_inflight;
    for (int idx : snapshot) {
        Slot &s = m_slots[size_t(idx)];
        if (now - s.setupStartNs > limit) setupFailed(s, "setup timed out");
    }
}

void Worker::cmdClose(int group, int from)
{
    int closed = 0;
    for (int idx : m_groupSlots[size_t(group)]) {
        if (idx < 0) continue;
        Slot &s = m_slots[size_t(idx)];
        if (s.index < from || s.phase != Phase::Joined) continue;
        if (isWatchedIdle(s)) --m_watchedUp;
        s.conn->abort();
        s.phase = Phase::None;
        s.intervalNs = 0;
        s.closedLoop = false;
        s.outstanding = 0;
        s.active = false;
        ++closed;
    }
    m_publishers.erase(std::remove_if(m_publishers.begin(), m_publishers.end(),
                                      [this](int idx) { return m_slots[size_t(idx)].phase != Phase::Joined; }),
                       m_publishers.end());
    reply("closed " + std::to_string(closed) + " at=" + std::to_string(BenchClock::nowNs()));
}

void Worker::cmdRate(int group, double total, int window, bool closedLoop)
{
    const int pubs = m_setup.groups[size_t(group)].publishers;
    const int64_t now = BenchClock::nowNs();
    for (int idx : m_groupSlots[size_t(group)]) {
        if (idx < 0) continue;
        Slot &s = m_slots[size_t(idx)];
        if (!s.publisher || s.phase != Phase::Joined) continue;
        s.window = window;
        s.closedLoop = closedLoop;
        s.intervalNs = (!closedLoop && total > 0 && pubs > 0) ? int64_t(1e9 * pubs / total) : 0;
        // Spread the publishers over one interval so their messages interleave.
        s.nextSendNs = now + (pubs > 0 ? s.intervalNs * s.index / pubs : 0);
        const bool active = s.intervalNs > 0 || s.closedLoop;
        const bool listed = std::find(m_publishers.begin(), m_publishers.end(), idx) != m_publishers.end();
        if (active && !listed) m_publishers.push_back(idx);
        if (!active && listed) m_publishers.erase(std::find(m_publishers.begin(), m_publishers.end(), idx));
        if (closedLoop)
            while (s.outstanding < s.window) publish(s, now);
    }
}

void Worker::publish(Slot &s, int64_t now)
{
    const GroupSpec &g = m_setup.groups[size_t(s.group)];
    const std::string &channel = g.channels[size_t(g.publishChannel(s.index))];
    s.conn->sendText(ChatProtocol::publishFrame(m_setup.dialect, channel, s.seq++, now, m_setup.contentBytes));
    ++s.outstanding;
    ++m_c.sent;
}

void Worker::runPublishers(int64_t now)
{
    for (int idx : m_publishers) {
        Slot &s = m_slots[size_t(idx)];
        if (s.intervalNs <= 0) continue;
        // Open loop: every due message is sent, unless the window of
        // unacknowledged ones is full (then it counts as throttled).
        int burst = 0;
        while (s.nextSendNs <= now && burst < 1000) {
            s.nextSendNs += s.intervalNs;
            ++burst;
            if (s.window > 0 && s.outstanding >= s.window) {
                ++m_c.throttled;
                continue;
            }
            publish(s, BenchClock::nowNs());
        }
        if (s.nextSendNs < now) s.nextSendNs = now; // fell far behind: do not replay the past
    }
}

void Worker::cmdActivity(int group, double messages, double typing, double reads, double reactions)
{
    m_actRates[0] = messages;
    m_actRates[1] = typing;
    m_actRates[2] = reads;
    m_actRates[3] = reactions;
    m_actTotal = messages + typing + reads + reactions;
    m_actQueue = decltype(m_actQueue)();
    const int64_t now = BenchClock::nowNs();
    for (int idx : m_groupSlots[size_t(group)]) {
        if (idx < 0) continue;
        Slot &s = m_slots[size_t(idx)];
        s.active = m_actTotal > 0 && s.phase == Phase::Joined;
        if (!s.active) continue;
        s.window = 0;
        m_actQueue.push({now + int64_t(-std::log(1 - uniform()) / m_actTotal * 1e9), idx});
    }
}

void Worker::runActivity(int64_t now)
{
    int burst = 0;
    while (!m_actQueue.empty() && m_actQueue.top().first <= now && burst < 5000) {
        const int idx = m_actQueue.top().second;
        m_actQueue.pop();
        Slot &s = m_slots[size_t(idx)];
        if (!s.active || s.phase != Phase::Joined) continue;
        ++burst;
        act(s, now);
        m_actQueue.push({now + int64_t(-std::log(1 - uniform()) / m_actTotal * 1e9), idx});
    }
}

void Worker::act(Slot &s, int64_t now)
{
    const GroupSpec &g = m_setup.groups[size_t(s.group)];
    const std::vector<int> joins = g.joinsOf(s.index);
    // The channel: chosen with weight 1/members among the user's channels
    // (people talk in their small channels; the big ones carry announcements).
    auto pickChannel = [&]() -> int {
        if (g.channelMembers.empty()) return joins.front();
        double total = 0;
        for (int c : joins) total += 1.0 / std::max(1, g.channelMembers[size_t(c)]);
        double r = uniform() * total;
        for (int c : joins) {
            r -= 1.0 / std::max(1, g.channelMembers[size_t(c)]);
            if (r <= 0) return c;
        }
        return joins.back();
    };
    double r = uniform() * m_actTotal;
    int kind = 0;
    while (kind < 3 && r >= m_actRates[kind]) r -= m_actRates[kind++];
    const int ch = pickChannel();
    const std::string &channel = g.channels[size_t(ch)];
    std::string frame;
    switch (kind) {
    case 0:
        s.conn->sendText(ChatProtocol::publishFrame(m_setup.dialect, channel, s.seq++, now, m_setup.contentBytes));
        ++s.outstanding;
        ++m_c.sent;
        if (!g.channelMembers.empty()) m_c.expected += uint64_t(g.channelMembers[size_t(ch)]) * g.connectionsPerUser();
        return;
    case 1:
        frame = ChatProtocol::typingFrame(m_setup.dialect, channel);
        if (!frame.empty()) ++m_c.typing;
        break;
    case 2:
        frame = ChatProtocol::readFrame(m_setup.dialect, channel, s.lastMessageId);
        if (!frame.empty()) ++m_c.reads;
        break;
    default:
        frame = ChatProtocol::reactionFrame(m_setup.dialect, s.lastMessageChannel, s.lastMessageId,
                                            ":bench" + std::to_string(s.seq++) + ":");
        if (!frame.empty()) ++m_c.reactions;
        break;
    }
    if (frame.empty())
        ++m_c.skipped; // no form in this dialect, or no message seen yet
    else
        s.conn->sendText(frame);
}

void Worker::onPresence(Slot &s, const std::string &userId, bool online)
{
    const auto it = m_watched.find(userId);
    if (it == m_watched.end()) return;
    if (s.seen.size() != m_watched.size()) s.seen.assign(m_watched.size(), 0);
    uint8_t &seen = s.seen[size_t(it->second)];
    ++m_presEvents;
    if (online && !seen) {
        seen = 1;
        ++m_presOnline;
        m_presLastOnNs = BenchClock::nowNs();
    } else if (!online && seen) {
        seen = 0;
        --m_presOnline;
        m_presLastOffNs = BenchClock::nowNs();
    }
}

void Worker::onUpgraded(WsConnection *c)
{
    (void)c; // flatjson waits for connection_established, socketio for the Engine.IO open packet
}

void Worker::onText(WsConnection *c, const char *data, size_t len)
{
    Slot &s = m_slots[size_t(c->tag())];
    const ChatProtocol::Incoming in = ChatProtocol::classify(m_setup.dialect, data, len);
    using K = ChatProtocol::Kind;
    switch (in.kind) {
    case K::Delivery:
        ++m_c.delivered;
        if (in.sentNs > 0) m_latency.record(BenchClock::nowNs() - in.sentNs);
        if (s.active) {
            s.lastMessageId = ChatProtocol::messageId(m_setup.dialect, data, len);
            s.lastMessageChannel = ChatProtocol::messageChannel(data, len);
        }
        return;
    case K::Presence:
        if (s.observer)
            onPresence(s, in.userId, in.online);
        else
            ++m_c.other;
        return;
    case K::Ack:
        ++m_c.acked;
        if (s.outstanding > 0) --s.outstanding;
        if (in.sentNs > 0) m_ackLatency.record(BenchClock::nowNs() - in.sentNs);
        if (s.closedLoop && s.outstanding < s.window) publish(s, BenchClock::nowNs());
        return;
    case K::Ping: {
        const std::string pong = ChatProtocol::pongFrame(m_setup.dialect);
        if (!pong.empty()) c->sendText(pong);
        return;
    }
    case K::EngineOpen:
        if (s.phase == Phase::WaitEngineOpen) {
            const GroupSpec &g = m_setup.groups[size_t(s.group)];
            c->sendText(ChatProtocol::authFrame(m_setup.dialect, g.tokens[size_t(s.index) % g.tokens.size()]));
            s.phase = Phase::WaitReady;
        }
        return;
    case K::Ready:
        if (s.phase == Phase::WaitReady) {
            const GroupSpec &g = m_setup.groups[size_t(s.group)];
            const std::vector<int> joins = g.joinsOf(s.index);
            for (int ch : joins) c->sendText(ChatProtocol::joinFrame(m_setup.dialect, g.channels[size_t(ch)]));
            s.joinsLeft = int(joins.size());
            s.phase = Phase::WaitJoined;
        }
        return;
    case K::Joined:
        if (s.phase == Phase::WaitJoined && --s.joinsLeft <= 0) setupDone(s);
        return;
    case K::Error:
        if (s.phase != Phase::Joined) return setupFailed(s, std::string(data, std::min<size_t>(len, 200)).c_str());
        ++m_c.errors;
        if (s.outstanding > 0) --s.outstanding;
        logProblem("error frame", data, len);
        return;
    case K::Close:
        c->abort();
        onClosed(c, "closed by server (protocol close)");
        return;
    case K::Other: ++m_c.other; return;
    }
}

void Worker::onClosed(WsConnection *c, const char *why)
{
    Slot &s = m_slots[size_t(c->tag())];
    if (s.phase != Phase::Joined && s.phase != Phase::None) return setupFailed(s, why);
    if (s.phase == Phase::Joined) {
        if (isWatchedIdle(s)) --m_watchedUp;
        ++m_c.closed;
        s.phase = Phase::None;
        s.intervalNs = 0;
        s.closedLoop = false;
        logProblem("connection lost", why, strlen(why));
    }
}

void Worker::logProblem(const char *what, const char *data, size_t len)
{
    if (m_problemsLogged >= 5) return;
    ++m_problemsLogged;
    fprintf(stderr, "[worker %d] %s: %.*s\n", m_setup.workerIndex, what, int(std::min<size_t>(len, 300)), data);
}

} // namespace switchboard
