#pragma once

#include "LatencyHistogram.h"
#include "WorkerSetup.h"
#include "WsConnection.h"

#include <cstdint>
#include <memory>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

namespace switchboard {

// One generator process: holds its share of every group's connections in a
// single epoll loop and obeys line commands from the coordinator on a socket:
//   open G N      open own connections of group G with index < N (handshake,
//                 auth, join); answers "opened ok fail setuphist"
//   close G N     close own connections of G with index >= N; "closed n"
//   rate G R W    publishers of G send R msg/s in total (0 stops), at most W
//                 unacknowledged each; "ok"
//   loop G W      publishers of G keep W messages in flight (closed loop); "ok"
//   activity G M T R X  every connection of G posts M messages, T typing
//                 indicators, R read receipts, X reactions per second
//                 (Poisson; all 0 stops); "ok"
//   presreset     zero the presence observers' last-event times; "ok"
//   reset         zero counters and histograms; "ok"
//   stats         "stats open=.. sent=.. acked=.. delivered=.. ... lat=.. ack=.."
//   (open answers "opened ok fail last=<ns of the last completed setup> setuphist";
//    close answers "closed n at=<ns when the last socket was closed>")
//   quit
class Worker : public WsConnection::Listener
{
public:
    Worker(const WorkerSetup &setup, int controlFd);
    int run();

    void onUpgraded(WsConnection *c) override;
    void onText(WsConnection *c, const char *data, size_t len) override;
    void onClosed(WsConnection *c, const char *why) override;

private:
    enum class Phase { None, WaitEngineOpen, WaitReady, WaitJoined, Joined };
    struct Slot
    {
        std::unique_ptr<WsConnection> conn;
        int group = 0;
        int index = 0;
        Phase phase = Phase::None;
        bool publisher = false;
        int64_t setupStartNs = 0;
        int64_t nextSendNs = 0;
        int64_t intervalNs = 0; // rate mode when > 0
        bool closedLoop = false;
        int window = 0;
        int outstanding = 0;
        uint64_t seq = 0;
        int joinsLeft = 0;
        bool observer = false;
        std::vector<uint8_t> seen; // observer: watched user online as far as this connection knows
        bool active = false;       // workspace activity
        std::string lastMessageId;
        std::string lastMessageChannel;
    };
    struct Counters
    {
        uint64_t sent = 0, acked = 0, delivered = 0, other = 0, errors = 0, closed = 0, throttled = 0;
        uint64_t expected = 0, typing = 0, reads = 0, reactions = 0, skipped = 0;
    };

    void handleControl();
    void command(const std::string &line);
    void reply(const std::string &line);
    void cmdOpen(int group, int upto);
    void cmdClose(int group, int from);
    void cmdRate(int group, double total, int window, bool closedLoop);
    int groupIndex(const std::string &name) const;
    int slotFor(int group, int index);
    void pumpOpens();
    void setupFailed(Slot &s, const char *why);
    void setupDone(Slot &s);
    void checkSetupTimeouts(int64_t now);
    void finishOpenIfDone();
    void publish(Slot &s, int64_t now);
    void runPublishers(int64_t now);
    void cmdActivity(int group, double messages, double typing, double reads, double reactions);
    void runActivity(int64_t now);
    void act(Slot &s, int64_t now);
    void onPresence(Slot &s, const std::string &userId, bool online);
    int timeoutMs(int64_t now) const;
    void logProblem(const char *what, const char *data, size_t len);
    int openCount() const;

    WorkerSetup m_setup;
    int m_control;
    int m_epoll = -1;
    bool m_quit = false;
    std::string m_controlBuf;
    std::vector<Slot> m_slots;
    std::vector<std::vector<int>> m_groupSlots; // [group][i / workerCount] -> slot or -1
    std::vector<int> m_pending;
    size_t m_pendingPos = 0;
    std::vector<int> m_inflight;
    std::vector<int> m_publishers; // slots with a rate or closed loop
    bool m_opening = false;
    int64_t m_openDeadlineNs = 0;
    uint64_t m_openOk = 0, m_openFail = 0;
    LatencyHistogram m_setupHist;
    LatencyHistogram m_latency;
    LatencyHistogram m_ackLatency;
    Counters m_c;
    int m_problemsLogged = 0;
    int64_t m_lastTimeoutCheck = 0;
    int64_t m_lastSetupNs = 0;
    // Presence observers
    std::unordered_map<std::string, int> m_watched;
    int64_t m_presOnline = 0, m_presLastOnNs = 0, m_presLastOffNs = 0;
    uint64_t m_presEvents = 0;
    int64_t m_watchedUp = 0; // own idle connections of watched users that are set up
    bool isWatchedIdle(const Slot &s) const;
    // Workspace activity
    double m_actRates[4] = {0, 0, 0, 0}; // messages, typing, reads, reactions per connection per second
    double m_actTotal = 0;
    std::priority_queue<std::pair<int64_t, int>, std::vector<std::pair<int64_t, int>>, std::greater<>> m_actQueue;
    uint64_t m_rng = 0x9e3779b97f4a7c15ull;
    double uniform();
};

} // namespace switchboard
