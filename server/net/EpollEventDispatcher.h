#pragma once

#include <QAbstractEventDispatcher>
#include <QAtomicInt>

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

class QThread;
struct epoll_event;

namespace switchboard {

// A Linux event dispatcher whose cost per loop pass grows with the number of
// *ready* descriptors, not with the number of registered ones. Qt's stock
// dispatchers (glib and unix) hand every socket to poll() on every pass, so
// thousands of idle connections make every round trip slow (see README.md).
//
// It keeps Qt's unix dispatcher semantics: level-triggered socket notifiers,
// posted events sent at the start of every pass, awake()/aboutToBlock(),
// interrupt(), and the ExcludeSocketNotifiers / X11ExcludeTimers /
// WaitForMoreEvents flags. There are no user input events on a server, so
// ExcludeUserInputEvents has nothing to exclude.
//
// Install it before the thread's event loop exists:
//   main thread:   EpollEventDispatcher::installOnMainThread();  // before QCoreApplication
//   worker thread: EpollEventDispatcher::installOnThread(&thread); // before thread.start()
// SWITCHBOARD_DISPATCHER=qt in the environment makes both helpers do nothing,
// so Qt's stock dispatcher is used instead.
class EpollEventDispatcher final : public QAbstractEventDispatcher
{
    Q_OBJECT

public:
    explicit EpollEventDispatcher(QObject *parent = nullptr);
    ~EpollEventDispatcher() override;

    // False when SWITCHBOARD_DISPATCHER=qt; true when unset or "epoll".
    static bool requestedByEnvironment();
    // Makes a new EpollEventDispatcher the main thread's dispatcher. Must run
    // before QCoreApplication is constructed. Returns true when the main thread
    // uses an EpollEventDispatcher afterwards.
    static bool installOnMainThread();
    // Same for a QThread that has not been started. The thread owns it.
    static bool installOnThread(QThread *thread);

    // False if epoll or eventfd could not be created (e.g. out of descriptors).
    bool isValid() const;
    // Descriptors with at least one enabled notifier (for tests and metrics).
    int watchedDescriptorCount() const;
    // Passes whose socket work ran past the per-pass budget (the rest waited a pass).
    quint64 budgetCuts() const { return m_budgetCuts; }
    // Readiness reports that epoll_wait handed back (wake-ups excluded), and
    // those for a notifier already waiting to be served (for tests and metrics).
    quint64 readyReports() const { return m_readyReports; }
    quint64 repeatedReports() const { return m_repeatedReports; }
    // Chat sockets that hung up and were parked until served (parkUntilServed()).
    quint64 parkedLeavers() const { return m_parkedLeavers; }
    // Times the chat lane stopped between sockets, or the loop after the
    // background lane, to send queued calls that another thread posted
    // (commit callbacks) and the urgent frames they queued.
    quint64 foreignSends() const { return m_foreignSends; }

    // Which lane a socket's readiness is served in. Chat sockets (established
    // clients, the listening sockets, Redis, PostgreSQL) come first in every
    // pass; background sockets (connections still handshaking or
    // authenticating, bulk readers, peers that hung up) get a small budget
    // after them, so a wave of thousands of newcomers or leavers costs the
    // rooms short passes, not a queue. Background sockets sit in epoll as
    // one-shot, so one waiting for its turn is not reported again every pass.
    enum class Lane { Chat, Background };

    // Where the loop's time goes, per phase of a pass (for /metrics): total
    // and longest single pass, in ns of CLOCK_MONOTONIC.
    enum Phase { PostedEvents, ChatSockets, BackgroundSockets, Timers, PhaseCount };
    struct PhaseTime
    {
        quint64 totalNs = 0;
        quint64 maxNs = 0;
    };
    const PhaseTime &phaseTime(Phase phase) const { return m_phaseTimes[phase]; }
    // Told each pass's busy time in ns (from waking to the end of the pass,
    // the wait in epoll_wait left out), for /metrics: work that becomes ready
    // during a pass waits for the rest of it.
    using PassObserver = void (*)(qint64 ns);
    void setPassObserver(PassObserver observer) { m_passObserver = observer; }
    static const char *phaseName(Phase phase);
    // Sets the lane of `fd` on the current thread's dispatcher. A descriptor
    // starts in the chat lane and goes back to it when its last notifier is
    // unregistered. False if the dispatcher is not ours or no notifier watches fd.
    static bool setLane(qintptr fd, Lane lane);
    Lane lane(qintptr fd) const;

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;

    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;

    using QAbstractEventDispatcher::registerTimer;
    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;

    void wakeUp() override;
    void interrupt() override;

private:
    // (deadline in ns of CLOCK_MONOTONIC, insertion sequence): the sequence
    // keeps timers with equal deadlines in start order, as Qt does.
    using TimerKey = std::pair<qint64, quint64>;

    struct Timer
    {
        QObject *object = nullptr;
        qint64 intervalMs = 0; // as registered, for registeredTimers()
        qint64 periodNs = 0;   // after VeryCoarse rounding
        qint64 expectedNs = 0; // the exact schedule, so coarse rounding does not drift
        TimerKey key;          // current place in m_timerQueue
        quint64 serial = 0;    // tells a timer from a later one reusing its id
        Qt::TimerType type = Qt::CoarseTimer;
        bool inTimerEvent = false;
    };

    struct Watch
    {
        QSocketNotifier *notifiers[3] = {nullptr, nullptr, nullptr}; // Read, Write, Exception
        quint32 events = 0;
        bool inEpoll = false;
        bool alwaysReady = false; // epoll refuses regular files; poll() calls them always ready
        bool background = false;  // Lane::Background
        bool oneShot = false;     // in epoll with EPOLLONESHOT (background lane)
        bool disarmed = false;    // a one-shot report came, or a hang-up parked it; re-armed once served
        quint8 pendingMask = 0;   // bit per notifier type waiting in m_pending
    };

    // A ready notifier, by descriptor and type: resolved when activated, so one
    // unregistered meanwhile (its pending bit cleared) is skipped in O(1).
    struct Pending
    {
        int fd;
        int type;
    };

    void updateInterest(int fd);
    void rearmIfServed(int fd);
    void collectReady(int count, bool *woken);
    void markPending(int fd, Watch &watch, int type, bool background);
    void parkUntilServed(int fd, Watch &watch);
    int activateSocketNotifiers();
    int activateLane(std::deque<Pending> &queue, qint64 budgetNs, int minimum, bool sendForeign);
    void sendForeignPosts();
    int activateTimers();
    int timeoutForNextTimer() const;
    void scheduleNext(int timerId, Timer &timer, qint64 now);
    void insertTimer(int timerId, Timer &timer, qint64 deadline);
    void removeTimer(std::unordered_map<int, Timer>::iterator it);
    void consumeWakeUp();

    int m_epollFd = -1;
    int m_wakeFd = -1;
    QAtomicInt m_wakeUpPending;
    QAtomicInt m_interrupted;
    // Set by a wakeUp() from another thread than the loop's (a queued call
    // from the storage writer, say); cleared when posted events are sent.
    QAtomicInt m_foreignWake;
    std::atomic<Qt::HANDLE> m_loopThread{nullptr};

    std::unordered_map<int, Watch> m_watches;
    std::vector<int> m_alwaysReadyFds;
    // Ready notifiers not yet activated, per lane (chat, background). Shared by
    // nested processEvents() calls, like Qt's pendingNotifiers; an entry whose
    // notifier was unregistered meanwhile is skipped, so a socket deleted
    // mid-batch is never touched.
    std::deque<Pending> m_pending[2];
    quint64 m_budgetCuts = 0;
    quint64 m_readyReports = 0;
    quint64 m_repeatedReports = 0;
    quint64 m_parkedLeavers = 0;
    PassObserver m_passObserver = nullptr;
    quint64 m_foreignSends = 0;
    qint64 m_foreignNs = 0; // time in sendForeignPosts() during the current lane
    PhaseTime m_phaseTimes[PhaseCount];
    void account(Phase phase, qint64 startNs, qint64 excludedNs = 0);
    std::unique_ptr<epoll_event[]> m_events;

    std::unordered_map<int, Timer> m_timers;
    std::map<TimerKey, int> m_timerQueue;
    std::unordered_map<QObject *, std::vector<int>> m_timersByObject;
    quint64 m_sequence = 0;
};

} // namespace switchboard
