#pragma once

#include "LatencyHistogram.h"
#include "WorkerSetup.h"
#include "WsConnection.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

// One generator process: holds its share of every group's connections in a
// single epoll loop and obeys line commands from the coordinator on a socket:
//   open G N      open own connections of group G with index < N (handshake,
//                 auth, join); answers "opened ok fail setuphist"
//   close G N     close own connections of G with index >= N; "closed n"
//   rate G R W    publishers of G send R msg/s in total (0 stops), at most W
//                 unacknowledged each; "ok"
//   loop G W      publishers of G keep W messages in flight (closed loop); "ok"
//   reset         zero counters and histograms; "ok"
//   stats         "stats open=.. sent=.. acked=.. delivered=.. ... lat=.. ack=.."
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
    struct Slot {
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
    };
    struct Counters {
        uint64_t sent = 0, acked = 0, delivered = 0, other = 0, errors = 0, closed = 0, throttled = 0;
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
};
