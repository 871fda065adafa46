#include "EpollEventDispatcher.h"

#include "MonotonicClock.h"
#include "WebSocketFlushQueue.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QThread>
#include <QTimerEvent>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace switchboard {

namespace {

// Enough that a busy pass rarely needs a second epoll_wait; level triggering
// reports the rest on the next pass, and the kernel rotates its ready list.
constexpr int kMaxEventsPerWait = 512;
constexpr qint64 kNsPerMs = 1000 * 1000;
// Socket work per pass: past this the rest of the ready sockets wait for the
// next pass, after posted events (deliveries, commit callbacks) and timers. A
// burst of thousands of handshakes then costs the room a few short passes,
// not one long stall. Checked every few notifiers, so one slow notifier can
// still overrun it by its own length.
constexpr qint64 kNotifierBudgetNs = 10 * kNsPerMs;
constexpr int kBudgetCheckEvery = 8;
// The background lane (newcomers, leavers) gets this much after the chat lane,
// and at least a few sockets per pass so it never starves. Short, because a
// chat socket that becomes ready meanwhile waits for the end of the pass.
// 2 ms gave the room a p99 of 46-49 ms during connect waves, 1 ms (with 16
// accepts per pass) 42-43 ms, the room in its own generator process both
// times; checking after every socket instead of every 8th measured no better
// (docs/benchmarks-scale.md).
constexpr qint64 kBackgroundBudgetNs = kNsPerMs;
constexpr int kBackgroundMinimum = kBudgetCheckEvery;

const char *notifierTypeName(int type)
{
    static const char *const names[] = {"Read", "Write", "Exception"};
    return type >= 0 && type < 3 ? names[type] : "?";
}

// Coarse timers may be off by 5% (Qt's promise). Rounding their deadlines to a
// shared grid of at most interval/10 lets timers started at different moments
// fire in the same wake-up, at most 2.5% away from the exact time.
qint64 coarseGranularityMs(qint64 intervalMs)
{
    static const qint64 steps[] = {1000, 500, 250, 100, 50, 25, 10, 5, 2};
    for (qint64 step : steps) {
        if (step * 10 <= intervalMs) return step;
    }
    return 1;
}

qint64 roundToNearest(qint64 value, qint64 step)
{
    return (value + step / 2) / step * step;
}

qint64 deadlineFor(qint64 expectedNs, qint64 intervalMs, Qt::TimerType type)
{
    switch (type) {
    case Qt::PreciseTimer: return expectedNs;
    case Qt::CoarseTimer:
        if (intervalMs < 20) // 5% of less than 20 ms is under the loop's 1 ms resolution
            return expectedNs;
        return roundToNearest(expectedNs, coarseGranularityMs(intervalMs) * kNsPerMs);
    case Qt::VeryCoarseTimer: return roundToNearest(expectedNs, 1000 * kNsPerMs);
    }
    return expectedNs;
}

} // namespace

EpollEventDispatcher::EpollEventDispatcher(QObject *parent)
    : QAbstractEventDispatcher(parent)
    , m_events(new epoll_event[kMaxEventsPerWait])
{
    m_epollFd = epoll_create1(EPOLL_CLOEXEC);
    m_wakeFd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (m_epollFd < 0 || m_wakeFd < 0) {
        qWarning("EpollEventDispatcher: cannot create epoll/eventfd: %s", strerror(errno));
        return;
    }
    epoll_event ev = {};
    ev.events = EPOLLIN;
    ev.data.fd = m_wakeFd;
    if (epoll_ctl(m_epollFd, EPOLL_CTL_ADD, m_wakeFd, &ev) != 0) {
        qWarning("EpollEventDispatcher: cannot watch the wake-up eventfd: %s", strerror(errno));
        close(m_wakeFd);
        m_wakeFd = -1;
    }
}

EpollEventDispatcher::~EpollEventDispatcher()
{
    if (m_wakeFd >= 0) close(m_wakeFd);
    if (m_epollFd >= 0) close(m_epollFd);
}

bool EpollEventDispatcher::requestedByEnvironment()
{
    const QString choice = qEnvironmentVariable("SWITCHBOARD_DISPATCHER").trimmed().toLower();
    if (choice == QLatin1String("qt")) return false;
    if (!choice.isEmpty() && choice != QLatin1String("epoll"))
        qWarning("SWITCHBOARD_DISPATCHER=%s is unknown (use epoll or qt); using epoll", qPrintable(choice));
    return true;
}

bool EpollEventDispatcher::installOnMainThread()
{
    if (!requestedByEnvironment()) return false;
    if (QCoreApplication::instance() || QAbstractEventDispatcher::instance()) {
        // Too late: the stock dispatcher already owns the descriptors registered so far.
        const bool already = qobject_cast<EpollEventDispatcher *>(QAbstractEventDispatcher::instance());
        if (!already)
            qWarning("EpollEventDispatcher::installOnMainThread: called after the event dispatcher "
                     "was created; keeping Qt's");
        return already;
    }
    auto *dispatcher = new EpollEventDispatcher;
    if (!dispatcher->isValid()) {
        delete dispatcher;
        return false;
    }
    QCoreApplication::setEventDispatcher(dispatcher); // the application parents it later
    if (QAbstractEventDispatcher::instance() != dispatcher) {
        delete dispatcher;
        return false;
    }
    return true;
}

bool EpollEventDispatcher::installOnThread(QThread *thread)
{
    if (!thread || !requestedByEnvironment()) return false;
    if (thread->isRunning() || thread->eventDispatcher()) {
        const bool already = qobject_cast<EpollEventDispatcher *>(thread->eventDispatcher());
        if (!already) qWarning("EpollEventDispatcher::installOnThread: the thread already has a dispatcher");
        return already;
    }
    auto *dispatcher = new EpollEventDispatcher;
    if (!dispatcher->isValid()) {
        delete dispatcher;
        return false;
    }
    thread->setEventDispatcher(dispatcher); // takes ownership on success
    if (thread->eventDispatcher() != dispatcher) {
        delete dispatcher;
        return false;
    }
    return true;
}

bool EpollEventDispatcher::isValid() const
{
    return m_epollFd >= 0 && m_wakeFd >= 0;
}

int EpollEventDispatcher::watchedDescriptorCount() const
{
    return int(m_watches.size());
}

const char *EpollEventDispatcher::phaseName(Phase phase)
{
    static const char *const names[PhaseCount] = {"posted_events", "chat_sockets", "background_sockets", "timers"};
    return names[phase];
}

void EpollEventDispatcher::account(Phase phase, qint64 startNs, qint64 excludedNs)
{
    const quint64 spent = quint64(std::max<qint64>(0, monotonicNs() - startNs - excludedNs));
    PhaseTime &t = m_phaseTimes[phase];
    t.totalNs += spent;
    t.maxNs = std::max(t.maxNs, spent);
}

bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    m_interrupted.storeRelaxed(0);
    m_loopThread.store(QThread::currentThreadId(), std::memory_order_relaxed);
    Q_EMIT awake();
    const qint64 postedStart = monotonicNs();
    m_foreignWake.storeRelaxed(0); // what was posted so far is sent now
    QCoreApplication::sendPostedEvents();
    account(PostedEvents, postedStart);

    const bool includeTimers = !(flags & QEventLoop::X11ExcludeTimers);
    const bool includeNotifiers = !(flags & QEventLoop::ExcludeSocketNotifiers);
    // Unlike Qt's unix dispatcher we cannot read QThreadData::canWait, and do
    // not need to: every postEvent() calls wakeUp(), so a post that arrives
    // after the sendPostedEvents() above makes the eventfd readable.
    const bool canWait = (flags & QEventLoop::WaitForMoreEvents) && !m_interrupted.loadRelaxed();
    if (canWait) Q_EMIT aboutToBlock();
    if (m_interrupted.loadRelaxed()) return false;

    int timeout = 0;
    if (canWait) {
        timeout = includeTimers ? timeoutForNextTimer() : -1;
        if (includeNotifiers && (!m_alwaysReadyFds.empty() || !m_pending[0].empty() || !m_pending[1].empty()))
            timeout = 0;
    }

    int nevents = 0;
    bool woken = false;
    const qint64 waitStart = monotonicNs();
    if (includeNotifiers) {
        const int count = epoll_wait(m_epollFd, m_events.get(), kMaxEventsPerWait, timeout);
        if (count < 0 && errno != EINTR) qWarning("EpollEventDispatcher: epoll_wait: %s", strerror(errno));
        collectReady(std::max(count, 0), &woken);
    } else {
        // The epoll set holds every socket and level-triggered readiness would
        // wake us at once; only the wake-up fd and the timers may end this wait.
        pollfd pfd = {m_wakeFd, POLLIN, 0};
        woken = poll(&pfd, 1, timeout) > 0;
    }
    const qint64 waitedNs = timeout != 0 ? monotonicNs() - waitStart : 0;

    if (woken) {
        consumeWakeUp();
        // Deliver what woke us in this call, not the next, so a caller of a
        // single processEvents(WaitForMoreEvents) sees the posted event (as with glib).
        const qint64 wokenStart = monotonicNs();
        QCoreApplication::sendPostedEvents();
        account(PostedEvents, wokenStart);
        ++nevents;
    }
    if (includeNotifiers) nevents += activateSocketNotifiers();
    if (includeTimers) {
        const qint64 timersStart = monotonicNs();
        nevents += activateTimers();
        account(Timers, timersStart);
    }
    if (m_passObserver) m_passObserver(monotonicNs() - postedStart - waitedNs);
    return nevents > 0;
}

void EpollEventDispatcher::consumeWakeUp()
{
    eventfd_t value;
    eventfd_read(m_wakeFd, &value);
    // Only after the read: a wakeUp() racing with us either finds the flag
    // still set (and its event is sent by our sendPostedEvents() that follows)
    // or writes the eventfd again. Clearing first could lose a wake-up forever.
    m_wakeUpPending.storeRelease(0);
}

void EpollEventDispatcher::collectReady(int count, bool *woken)
{
    for (int i = 0; i < count; ++i) {
        const epoll_event &ev = m_events[i];
        if (ev.data.fd == m_wakeFd) {
            *woken = true;
            continue;
        }
        ++m_readyReports;
        const auto it = m_watches.find(ev.data.fd);
        if (it == m_watches.end()) continue;
        Watch &watch = it->second;
        // A one-shot descriptor stays quiet until served (rearmIfServed()).
        if (watch.oneShot) watch.disarmed = true;
        // A peer that hung up waits behind the ones that stay: a mass
        // disconnect then costs the rooms short passes, not a queue.
        const bool leaving = ev.events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR);
        // The same mapping as Qt's poll() dispatcher: hang-ups and errors wake readers.
        if (watch.notifiers[QSocketNotifier::Read] && (ev.events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
            markPending(ev.data.fd, watch, QSocketNotifier::Read, leaving);
        if (watch.notifiers[QSocketNotifier::Write] && (ev.events & (EPOLLOUT | EPOLLERR)))
            markPending(ev.data.fd, watch, QSocketNotifier::Write, leaving);
        if (watch.notifiers[QSocketNotifier::Exception] && (ev.events & EPOLLPRI))
            markPending(ev.data.fd, watch, QSocketNotifier::Exception, false);
        if (leaving && !watch.disarmed && watch.pendingMask) parkUntilServed(ev.data.fd, watch);
        // Nothing queued (e.g. a hang-up seen by a writer only): armed again at once, as before.
        if (watch.disarmed && !watch.pendingMask) updateInterest(ev.data.fd);
    }
    for (int fd : m_alwaysReadyFds) {
        Watch &watch = m_watches.at(fd);
        for (int type : {QSocketNotifier::Read, QSocketNotifier::Write}) {
            if (watch.notifiers[type]) markPending(fd, watch, type, false);
        }
    }
}

void EpollEventDispatcher::parkUntilServed(int fd, Watch &watch)
{
    // A hang-up stays ready, and level triggering puts a chat socket back at
    // the tail of the kernel's ready list after every report. After a mass
    // disconnect thousands wait for the background lane's budget, so a room
    // member that spoke queued behind all of them: one kMaxEventsPerWait
    // batch per pass, 19,000 leavers about 37 passes (the room's p99 in the
    // drop was 105-205 ms). Parked (out of the set: a modified interest would
    // still report a hard error), it is not reported until served; then
    // rearmIfServed() adds it back, level-triggered, and whatever is still
    // ready is reported again. One syscall each way, as a one-shot's re-arm.
    if (epoll_ctl(m_epollFd, EPOLL_CTL_DEL, fd, nullptr) == 0) {
        watch.inEpoll = false;
        watch.disarmed = true;
        ++m_parkedLeavers;
    }
}

void EpollEventDispatcher::markPending(int fd, Watch &watch, int type, bool background)
{
    // Level-triggered epoll reports a socket again on every pass until it is
    // served: one entry per notifier is enough (and keeps this O(1)).
    const quint8 bit = quint8(1u << type);
    if (watch.pendingMask & bit) {
        ++m_repeatedReports;
        return;
    }
    watch.pendingMask |= bit;
    m_pending[watch.background || background ? 1 : 0].push_back({fd, type});
}

int EpollEventDispatcher::activateSocketNotifiers()
{
    const qint64 chatStart = monotonicNs();
    m_foreignNs = 0;
    const int chat = activateLane(m_pending[0], kNotifierBudgetNs, 0, true);
    account(ChatSockets, chatStart, m_foreignNs);
    const qint64 backgroundStart = monotonicNs();
    const int background = activateLane(m_pending[1], kBackgroundBudgetNs, kBackgroundMinimum, false);
    account(BackgroundSockets, backgroundStart);
    // A commit callback posted meanwhile goes now, not after the timers: while
    // 19,000 users connected its wait from commit to callback halved (p50 1.5-2.0
    // to 0.8-1.1 ms). Once per pass, never the bulk flush (see sendForeignPosts()).
    sendForeignPosts();
    return chat + background;
}

int EpollEventDispatcher::activateLane(std::deque<Pending> &queue, qint64 budgetNs, int minimum, bool sendForeign)
{
    int activated = 0;
    const qint64 start = monotonicNs();
    while (!queue.empty()) {
        if (activated > 0 && activated % kBudgetCheckEvery == 0) {
            if (sendForeign && m_foreignWake.loadRelaxed()) sendForeignPosts();
            if (activated >= minimum && monotonicNs() - start > budgetNs) {
                ++m_budgetCuts; // the rest stay pending, first in line next pass
                break;
            }
        }
        const Pending entry = queue.front();
        queue.pop_front();
        const auto it = m_watches.find(entry.fd);
        if (it == m_watches.end()) continue;
        const quint8 bit = quint8(1u << entry.type);
        if (!(it->second.pendingMask & bit)) // unregistered after it became ready
            continue;
        it->second.pendingMask &= quint8(~bit);
        QSocketNotifier *notifier = it->second.notifiers[entry.type];
        if (notifier) {
            QEvent event(QEvent::SockAct);
            QCoreApplication::sendEvent(notifier, &event);
            ++activated;
        }
        rearmIfServed(entry.fd);
    }
    return activated;
}

void EpollEventDispatcher::sendForeignPosts()
{
    // A commit callback posted by the storage writer would otherwise wait for
    // the whole chat lane (up to its 10 ms budget) and the background lane:
    // under a connect wave that wait was the room's median. Only queued calls
    // (the writer's, and any this thread queued meanwhile: Qt sends them by
    // type) and the urgent frames they queue go here. The bulk flush
    // (presence) and every other posted event keep their place after the
    // sockets, so the lane's budget is not spent on ephemeral work; without
    // a post from another thread nothing is sent here at all.
    if (!m_foreignWake.fetchAndStoreAcquire(0)) return;
    const qint64 begin = monotonicNs();
    QCoreApplication::sendPostedEvents(nullptr, QEvent::MetaCall);
    WebSocketFlushQueue::instance()->flushUrgent();
    const qint64 spent = monotonicNs() - begin;
    m_foreignNs += spent;
    ++m_foreignSends;
    PhaseTime &t = m_phaseTimes[PostedEvents];
    t.totalNs += quint64(spent);
    t.maxNs = std::max(t.maxNs, quint64(spent));
}

void EpollEventDispatcher::rearmIfServed(int fd)
{
    // Looked up again: the notifier may have closed the socket, and a new one
    // may have the descriptor by now (its watch starts armed).
    const auto it = m_watches.find(fd);
    if (it != m_watches.end() && it->second.disarmed && !it->second.pendingMask) updateInterest(fd);
}

bool EpollEventDispatcher::setLane(qintptr fd, Lane lane)
{
    auto *self = qobject_cast<EpollEventDispatcher *>(QAbstractEventDispatcher::instance());
    if (!self) return false;
    const auto it = self->m_watches.find(int(fd));
    if (it == self->m_watches.end()) return false;
    Watch &watch = it->second;
    const bool background = lane == Lane::Background;
    if (watch.background == background) return true;
    watch.background = background;
    self->updateInterest(int(fd)); // one-shot in the background lane only
    // Readiness already queued moves with it, so the socket is served in its new lane.
    if (watch.pendingMask) {
        std::deque<Pending> &from = self->m_pending[background ? 0 : 1];
        std::deque<Pending> &to = self->m_pending[background ? 1 : 0];
        for (auto e = from.begin(); e != from.end();) {
            if (e->fd == int(fd)) {
                to.push_back(*e);
                e = from.erase(e);
            } else {
                ++e;
            }
        }
    }
    return true;
}

EpollEventDispatcher::Lane EpollEventDispatcher::lane(qintptr fd) const
{
    const auto it = m_watches.find(int(fd));
    return it != m_watches.end() && it->second.background ? Lane::Background : Lane::Chat;
}

void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    Q_ASSERT(notifier);
    const int fd = int(notifier->socket());
    const int type = notifier->type();
    if (fd < 0 || type < 0 || type > 2) {
        qWarning("EpollEventDispatcher: invalid socket notifier (fd %d)", fd);
        return;
    }
    if (notifier->thread() != thread() || thread() != QThread::currentThread()) {
        qWarning("QSocketNotifier: socket notifiers cannot be enabled from another thread");
        return;
    }
    Watch &watch = m_watches[fd];
    if (watch.notifiers[type] && watch.notifiers[type] != notifier)
        qWarning("EpollEventDispatcher: Multiple socket notifiers for same socket %d and type %s", fd,
                 notifierTypeName(type));
    watch.notifiers[type] = notifier;
    updateInterest(fd);
}

void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    Q_ASSERT(notifier);
    const int fd = int(notifier->socket());
    const int type = notifier->type();
    if (notifier->thread() != thread() || thread() != QThread::currentThread()) {
        qWarning("QSocketNotifier: socket notifier (fd %d) cannot be disabled from another thread", fd);
        return;
    }

    const auto it = m_watches.find(fd);
    if (it == m_watches.end() || type < 0 || type > 2 || !it->second.notifiers[type]) return;
    if (it->second.notifiers[type] != notifier) {
        qWarning("EpollEventDispatcher: Multiple socket notifiers for same socket %d and type %s", fd,
                 notifierTypeName(type));
        return;
    }
    it->second.notifiers[type] = nullptr;
    // A pending entry for it is skipped from now on; a notifier registered
    // later for this fd and type sets the bit again only when it is ready.
    it->second.pendingMask &= quint8(~(1u << type));
    updateInterest(fd);
}

void EpollEventDispatcher::updateInterest(int fd)
{
    const auto it = m_watches.find(fd);
    Watch &watch = it->second;
    quint32 events = 0;
    // EPOLLRDHUP tells a peer that is leaving from one that is talking.
    if (watch.notifiers[QSocketNotifier::Read]) events |= EPOLLIN | EPOLLRDHUP;
    if (watch.notifiers[QSocketNotifier::Write]) events |= EPOLLOUT;
    if (watch.notifiers[QSocketNotifier::Exception]) events |= EPOLLPRI;

    if (events == 0) {
        // ENOENT/EBADF mean the fd was closed before its notifier was
        // disabled; the kernel already dropped it from the epoll set.
        if (watch.inEpoll) epoll_ctl(m_epollFd, EPOLL_CTL_DEL, fd, nullptr);
        if (watch.alwaysReady) m_alwaysReadyFds.erase(std::find(m_alwaysReadyFds.begin(), m_alwaysReadyFds.end(), fd));
        m_watches.erase(it);
        return;
    }
    // Background sockets are one-shot: under a wave thousands of them wait
    // for the lane's budget, and level triggering would hand every one back
    // from every epoll_wait until served (and crowd the chat lane out of the
    // kMaxEventsPerWait slots). Served, one is armed again and reports
    // whatever is still ready, so notifiers keep level-triggered semantics.
    const bool oneShot = watch.background;
    if (watch.alwaysReady || (watch.inEpoll && watch.events == events && watch.oneShot == oneShot && !watch.disarmed)) {
        watch.events = events;
        return;
    }
    if (watch.disarmed && watch.pendingMask) {
        // Still queued: the change takes effect when it is armed again after being served.
        watch.events = events;
        watch.oneShot = oneShot;
        return;
    }

    epoll_event ev = {};
    ev.events = events | (oneShot ? quint32(EPOLLONESHOT) : 0u);
    ev.data.fd = fd;
    int op = watch.inEpoll ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    int rc = epoll_ctl(m_epollFd, op, fd, &ev);
    // The fd may have been closed and reused behind our back (MOD finds no
    // entry) or still be in the set from such a descriptor (ADD finds one).
    if (rc != 0 && ((op == EPOLL_CTL_MOD && errno == ENOENT) || (op == EPOLL_CTL_ADD && errno == EEXIST))) {
        op = (op == EPOLL_CTL_MOD) ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
        rc = epoll_ctl(m_epollFd, op, fd, &ev);
    }
    watch.disarmed = false;
    watch.oneShot = oneShot && rc == 0;
    if (rc == 0) {
        watch.inEpoll = true;
    } else if (errno == EPERM) {
        // Regular files cannot be epolled; poll() reports them always ready.
        watch.alwaysReady = true;
        watch.inEpoll = false;
        m_alwaysReadyFds.push_back(fd);
    } else {
        qWarning("EpollEventDispatcher: cannot watch socket %d: %s", fd, strerror(errno));
        watch.inEpoll = false;
    }
    watch.events = events;
}

void EpollEventDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object)
{
    if (timerId < 1 || interval < 0 || !object) {
        qWarning("EpollEventDispatcher::registerTimer: invalid arguments");
        return;
    }
    if (object->thread() != thread() || thread() != QThread::currentThread()) {
        qWarning("EpollEventDispatcher::registerTimer: timers cannot be started from another thread");
        return;
    }
    const auto existing = m_timers.find(timerId);
    if (existing != m_timers.end()) removeTimer(existing);

    Timer &timer = m_timers[timerId];
    timer.object = object;
    timer.intervalMs = interval;
    timer.type = timerType;
    timer.serial = ++m_sequence;
    // Very coarse timers keep whole seconds (Qt rounds the same way); below
    // half a second that would be 0, so they stay at one second.
    qint64 periodMs = interval;
    if (timerType == Qt::VeryCoarseTimer && interval > 0)
        periodMs = std::max<qint64>(1000, roundToNearest(interval, 1000));
    timer.periodNs = periodMs * kNsPerMs;
    timer.expectedNs = monotonicNs() + timer.periodNs;
    insertTimer(timerId, timer, deadlineFor(timer.expectedNs, periodMs, timerType));
    m_timersByObject[object].push_back(timerId);
}

bool EpollEventDispatcher::unregisterTimer(int timerId)
{
    if (thread() != QThread::currentThread()) {
        qWarning("EpollEventDispatcher::unregisterTimer: timers cannot be stopped from another thread");
        return false;
    }
    const auto it = m_timers.find(timerId);
    if (it == m_timers.end()) return false;
    removeTimer(it);
    return true;
}

bool EpollEventDispatcher::unregisterTimers(QObject *object)
{
    if (!object || thread() != QThread::currentThread()) {
        qWarning("EpollEventDispatcher::unregisterTimers: invalid argument or wrong thread");
        return false;
    }
    const auto owned = m_timersByObject.find(object);
    if (owned == m_timersByObject.end()) return false;
    const std::vector<int> ids = owned->second; // removeTimer() edits the index
    for (int id : ids) {
        const auto it = m_timers.find(id);
        if (it != m_timers.end()) removeTimer(it);
    }
    return true;
}

QList<QAbstractEventDispatcher::TimerInfo> EpollEventDispatcher::registeredTimers(QObject *object) const
{
    QList<TimerInfo> list;
    const auto owned = m_timersByObject.find(object);
    if (owned == m_timersByObject.end()) return list;
    for (int id : owned->second) {
        const Timer &timer = m_timers.at(id);
        list.append(TimerInfo(id, int(timer.intervalMs), timer.type));
    }
    return list;
}

int EpollEventDispatcher::remainingTime(int timerId)
{
    const auto it = m_timers.find(timerId);
    if (it == m_timers.end()) return -1;
    const qint64 left = it->second.key.first - monotonicNs();
    return left <= 0 ? 0 : int(std::min<qint64>(left / kNsPerMs, INT_MAX));
}

void EpollEventDispatcher::insertTimer(int timerId, Timer &timer, qint64 deadline)
{
    timer.key = TimerKey(deadline, ++m_sequence);
    m_timerQueue.emplace(timer.key, timerId);
}

void EpollEventDispatcher::removeTimer(std::unordered_map<int, Timer>::iterator it)
{
    const int id = it->first;
    Timer &timer = it->second;
    m_timerQueue.erase(timer.key);
    const auto owned = m_timersByObject.find(timer.object);
    if (owned != m_timersByObject.end()) {
        std::vector<int> &ids = owned->second;
        ids.erase(std::remove(ids.begin(), ids.end(), id), ids.end());
        if (ids.empty()) m_timersByObject.erase(owned);
    }
    m_timers.erase(it);
}

void EpollEventDispatcher::scheduleNext(int timerId, Timer &timer, qint64 now)
{
    m_timerQueue.erase(timer.key);
    if (timer.periodNs == 0) {
        // Due again on the next pass, which polls sockets first: zero timers
        // cannot starve I/O because each fires at most once per pass.
        timer.expectedNs = now;
    } else {
        timer.expectedNs += timer.periodNs;
        if (timer.expectedNs <= now) // fell behind: skip the missed ticks, as Qt does
            timer.expectedNs = now + timer.periodNs;
    }
    insertTimer(timerId, timer, deadlineFor(timer.expectedNs, timer.periodNs / kNsPerMs, timer.type));
}

int EpollEventDispatcher::timeoutForNextTimer() const
{
    if (m_timerQueue.empty()) return -1;
    const qint64 left = m_timerQueue.begin()->first.first - monotonicNs();
    if (left <= 0) return 0;
    // Round up: waking before the deadline would only spin until it.
    return int(std::min<qint64>((left + kNsPerMs - 1) / kNsPerMs, INT_MAX));
}

int EpollEventDispatcher::activateTimers()
{
    if (m_timerQueue.empty()) return 0;
    const qint64 now = monotonicNs();

    // Snapshot first: timer events may start, stop or delete any timer, and a
    // stopped timer's id may be handed to a new timer before we get to it.
    std::vector<std::pair<int, quint64>> due;
    for (auto it = m_timerQueue.begin(); it != m_timerQueue.end() && it->first.first <= now; ++it)
        due.emplace_back(it->second, m_timers.at(it->second).serial);

    int activated = 0;
    for (const auto &[id, serial] : due) {
        auto it = m_timers.find(id);
        if (it == m_timers.end() || it->second.serial != serial || it->second.key.first > now)
            continue; // gone, replaced, or already fired by a nested loop
        Timer &timer = it->second;
        scheduleNext(id, timer, now);
        if (timer.periodNs > 0) // like Qt, zero timers alone do not count as work done
            ++activated;
        if (timer.inTimerEvent) // a nested loop inside its own timerEvent: no recursion
            continue;
        timer.inTimerEvent = true;
        QTimerEvent event(id);
        QCoreApplication::sendEvent(timer.object, &event);
        it = m_timers.find(id);
        if (it != m_timers.end() && it->second.serial == serial) it->second.inTimerEvent = false;
    }
    return activated;
}

void EpollEventDispatcher::wakeUp()
{
    if (QThread::currentThreadId() != m_loopThread.load(std::memory_order_relaxed)) m_foreignWake.storeRelease(1);
    // Coalesce: one write until the loop has consumed it, however many posts.
    if (m_wakeUpPending.testAndSetAcquire(0, 1)) eventfd_write(m_wakeFd, 1);
}

void EpollEventDispatcher::interrupt()
{
    m_interrupted.storeRelaxed(1);
    wakeUp();
}

} // namespace switchboard
