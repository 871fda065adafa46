// Timers, posted events, wake-ups and threads under the dispatcher the server installs.
#include "DispatcherTestMain.h"

#include <QAbstractEventDispatcher>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QPointer>
#include <QSemaphore>
#include <QSocketNotifier>
#include <QThread>
#include <QTimer>
#include <QTimerEvent>

#include <atomic>
#include <functional>
#include <memory>

#include <sys/socket.h>
#include <unistd.h>

using namespace switchboard;

namespace {

const QEvent::Type kPingEvent = QEvent::Type(QEvent::User + 1);

QAbstractEventDispatcher *dispatcher()
{
    return QAbstractEventDispatcher::instance();
}

// Ends a blocked wait without wakeUp(): after `ms` it writes to a socket
// whose notifier lives on this thread. A broken wake-up then fails the test
// (rescued() is true) instead of hanging it.
class WaitRescuer
{
public:
    explicit WaitRescuer(int ms, std::function<void()> onRescue = {})
    {
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, m_fds) != 0) qFatal("socketpair failed");
        m_notifier = std::make_unique<QSocketNotifier>(m_fds[0], QSocketNotifier::Read);
        QObject::connect(m_notifier.get(), &QSocketNotifier::activated, m_notifier.get(), [this, onRescue] {
            m_rescued = true;
            m_notifier->setEnabled(false);
            if (onRescue) onRescue();
        });
        m_thread.reset(QThread::create([this, ms] {
            if (!m_done.tryAcquire(1, ms)) {
                const char byte = 'r';
                (void)!write(m_fds[1], &byte, 1);
            }
        }));
        m_thread->start();
    }
    ~WaitRescuer()
    {
        m_done.release();
        m_thread->wait();
        m_notifier.reset();
        close(m_fds[0]);
        close(m_fds[1]);
    }
    bool rescued() const { return m_rescued; }

private:
    int m_fds[2] = {-1, -1};
    bool m_rescued = false;
    QSemaphore m_done;
    std::unique_ptr<QSocketNotifier> m_notifier;
    std::unique_ptr<QThread> m_thread;
};

class EventCounter : public QObject
{
public:
    std::atomic<int> received{0};
    int repostsLeft = 0;
    std::function<void()> onReceived;

protected:
    bool event(QEvent *e) override
    {
        if (e->type() != kPingEvent) return QObject::event(e);
        ++received;
        if (onReceived) onReceived();
        if (repostsLeft > 0) {
            --repostsLeft;
            QCoreApplication::postEvent(this, new QEvent(kPingEvent));
        }
        return true;
    }
};

class TimerRecorder : public QObject
{
public:
    QList<int> fired;
    bool singleShot = true;
    std::atomic<int> ticks{0};
    std::atomic<QThread *> lastThread{nullptr};
    std::function<void()> onTimer;

protected:
    void timerEvent(QTimerEvent *e) override
    {
        if (onTimer) onTimer();
        fired.append(e->timerId());
        ++ticks;
        lastThread = QThread::currentThread();
        if (singleShot) killTimer(e->timerId());
    }
};

// Deletes itself in its first timer event although it has more timers due.
class SelfDeletingTimerTarget : public QObject
{
public:
    explicit SelfDeletingTimerTarget(int *events) : m_events(events) {}

protected:
    void timerEvent(QTimerEvent *) override
    {
        ++*m_events;
        delete this;
    }

private:
    int *m_events;
};

// Runs a nested event loop inside its first timer event.
class NestingTimerTarget : public QObject
{
public:
    int fired = 0;
    int depth = 0;
    int maxDepth = 0;
    std::function<void()> duringNestedLoop;

protected:
    void timerEvent(QTimerEvent *) override
    {
        ++fired;
        maxDepth = std::max(maxDepth, ++depth);
        if (fired == 1) {
            QEventLoop loop;
            QTimer::singleShot(100, &loop, &QEventLoop::quit);
            loop.exec();
            if (duringNestedLoop) duringNestedLoop();
        }
        --depth;
    }
};

// In place of qWait() before checking that a timer did not fire (again): a
// single-shot timer of `ms` started now. A timer due no later than it is due
// in the pass that fires it or an earlier one, so once it has fired and that
// pass is over, such a timer has fired too if it was going to.
bool timersDueWithin(int ms)
{
    bool fired = false;
    QTimer barrier;
    barrier.setSingleShot(true);
    QObject::connect(&barrier, &QTimer::timeout, &barrier, [&] { fired = true; });
    barrier.start(ms);
    return QTest::qWaitFor([&] { return fired; }, 5000);
}

} // namespace

class TestEpollDispatcherLoop : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void mainThreadUsesTheDispatcherTheEnvironmentAsksFor()
    {
        const bool isEpoll = qobject_cast<EpollEventDispatcher *>(dispatcher()) != nullptr;
        QCOMPARE(isEpoll, expectEpollDispatcher());
        // Too late now: a second install must not replace the running dispatcher.
        QCOMPARE(EpollEventDispatcher::installOnMainThread(), isEpoll);
        QCOMPARE(qobject_cast<EpollEventDispatcher *>(dispatcher()) != nullptr, isEpoll);
    }

    void timersFireInDeadlineOrderNotStartOrder()
    {
        QList<int> order;
        // Warm up first and keep 40 ms between deadlines: starting the five
        // must take less than that even under valgrind.
        bool warmedUp = false;
        QTimer::singleShot(1, Qt::PreciseTimer, this, [&] { warmedUp = true; });
        QTRY_VERIFY_WITH_TIMEOUT(warmedUp, 5000);
        for (int ms : {200, 40, 160, 80, 120})
            QTimer::singleShot(ms, Qt::PreciseTimer, this, [&order, ms] { order.append(ms); });
        QTRY_COMPARE_WITH_TIMEOUT(order.size(), 5, 5000);
        QCOMPARE(order, (QList<int>{40, 80, 120, 160, 200}));
    }

    void timersDueTogetherFireInStartOrderWhateverTheirIds_data()
    {
        QTest::addColumn<int>("interval");
        QTest::addColumn<int>("timerType");
        QTest::newRow("periodic zero timers") << 0 << int(Qt::PreciseTimer);
        // Same interval, started within a millisecond: the same rounded deadline.
        QTest::newRow("coarse 100 ms timers") << 100 << int(Qt::CoarseTimer);
    }

    void timersDueTogetherFireInStartOrderWhateverTheirIds()
    {
        QFETCH(int, interval);
        QFETCH(int, timerType);
        // Leave the id free list scrambled so the new ids are not ascending.
        QObject scratch;
        QList<int> scratchIds;
        for (int i = 0; i < 3; ++i) scratchIds.append(scratch.startTimer(1000));
        for (int id : scratchIds) scratch.killTimer(id);

        TimerRecorder recorder;
        recorder.singleShot = false;
        const QList<int> started = {recorder.startTimer(interval, Qt::TimerType(timerType)),
                                    recorder.startTimer(interval, Qt::TimerType(timerType)),
                                    recorder.startTimer(interval, Qt::TimerType(timerType))};
        QTRY_VERIFY_WITH_TIMEOUT(recorder.fired.size() >= 9, 5000);
        for (int id : started) recorder.killTimer(id);
        QCOMPARE(recorder.fired.mid(0, 9), started + started + started);
    }

    void preciseTimerNeverFiresEarly()
    {
        QElapsedTimer clock;
        qint64 firedAt = -1;
        clock.start();
        QTimer::singleShot(50, Qt::PreciseTimer, this, [&] { firedAt = clock.elapsed(); });
        QTRY_VERIFY_WITH_TIMEOUT(firedAt >= 0, 5000);
        QVERIFY2(firedAt >= 50, qPrintable(QString::number(firedAt)));
    }

    void coarseTimerStaysWithinFivePercentEarly()
    {
        QElapsedTimer clock;
        qint64 firedAt = -1;
        clock.start();
        QTimer::singleShot(200, Qt::CoarseTimer, this, [&] { firedAt = clock.elapsed(); });
        QTRY_VERIFY_WITH_TIMEOUT(firedAt >= 0, 5000);
        // Ours rounds to a 10 ms grid (at most 5 ms early); Qt's coarse timers
        // occasionally land a little beyond their nominal 5%.
        const qint64 earliest = expectEpollDispatcher() ? 190 : 180;
        QVERIFY2(firedAt >= earliest, qPrintable(QString::number(firedAt)));
    }

    void veryCoarseTimerFiresWithinAboutASecond()
    {
        QElapsedTimer clock;
        qint64 firedAt = -1;
        clock.start();
        QTimer::singleShot(2000, Qt::VeryCoarseTimer, this, [&] { firedAt = clock.elapsed(); });
        QTRY_VERIFY_WITH_TIMEOUT(firedAt >= 0, 10000);
        QVERIFY2(firedAt >= 1000, qPrintable(QString::number(firedAt)));
    }

    void periodicTimerKeepsFiring()
    {
        int ticks = 0;
        QTimer timer;
        connect(&timer, &QTimer::timeout, this, [&] { ++ticks; });
        timer.start(5);
        QTRY_VERIFY_WITH_TIMEOUT(ticks >= 5, 5000);
    }

    void singleShotTimerFiresOnlyOnce()
    {
        int ticks = 0;
        QTimer timer;
        timer.setSingleShot(true);
        connect(&timer, &QTimer::timeout, this, [&] { ++ticks; });
        timer.start(5);
        QTRY_COMPARE_WITH_TIMEOUT(ticks, 1, 5000);
        QVERIFY(timersDueWithin(5)); // a second tick would be due by then
        QCOMPARE(ticks, 1);
        QVERIFY(!timer.isActive());
    }

    void zeroTimerFiresOncePerPass()
    {
        int ticks = 0;
        QTimer timer;
        connect(&timer, &QTimer::timeout, this, [&] { ++ticks; });
        timer.start(0);
        QTRY_VERIFY_WITH_TIMEOUT(ticks >= 100, 5000);
        // Each pass fires it at most once, so it cannot hold a pass forever.
        ticks = 0;
        dispatcher()->processEvents(QEventLoop::AllEvents);
        QCOMPARE(ticks, 1);
    }

    void remainingTimeCountsDown()
    {
        QTimer timer;
        timer.setTimerType(Qt::PreciseTimer);
        timer.start(10000);
        const int first = timer.remainingTime();
        QVERIFY2(first > 0 && first <= 10000, qPrintable(QString::number(first)));
        QTest::qWait(30);
        const int later = timer.remainingTime();
        QVERIFY2(later >= 0 && later < first, qPrintable(QStringLiteral("%1 %2").arg(first).arg(later)));
        QCOMPARE(dispatcher()->remainingTime(0x7ffffff0), -1);
    }

    void registeredTimersListsEachTimerOfAnObject()
    {
        QObject owner;
        const int precise = owner.startTimer(100, Qt::PreciseTimer);
        const int coarse = owner.startTimer(250, Qt::CoarseTimer);
        auto timers = dispatcher()->registeredTimers(&owner);
        QCOMPARE(timers.size(), 2);
        for (const auto &info : timers) {
            if (info.timerId == precise) {
                QCOMPARE(info.interval, 100);
                QCOMPARE(info.timerType, Qt::PreciseTimer);
            } else {
                QCOMPARE(info.timerId, coarse);
                QCOMPARE(info.interval, 250);
                QCOMPARE(info.timerType, Qt::CoarseTimer);
            }
        }
        owner.killTimer(precise);
        timers = dispatcher()->registeredTimers(&owner);
        QCOMPARE(timers.size(), 1);
        QCOMPARE(timers.first().timerId, coarse);
        QVERIFY(dispatcher()->registeredTimers(this).isEmpty());
    }

    void unregisterTimersStopsEveryTimerOfTheObject()
    {
        TimerRecorder recorder;
        recorder.singleShot = false;
        for (int i = 0; i < 3; ++i) recorder.startTimer(0);
        QVERIFY(dispatcher()->unregisterTimers(&recorder));
        QVERIFY(dispatcher()->registeredTimers(&recorder).isEmpty());
        QVERIFY(timersDueWithin(0));
        QCOMPARE(recorder.ticks.load(), 0);
    }

    void timerKilledByAnotherInTheSameBatchIsNotDelivered()
    {
        int pass = 0;
        auto counting = connect(dispatcher(), &QAbstractEventDispatcher::awake, this, [&] { ++pass; });
        TimerRecorder victim;
        victim.singleShot = false;
        int firstVictimTickPass = -1;
        victim.onTimer = [&] {
            if (firstVictimTickPass < 0) firstVictimTickPass = pass;
        };
        int killerPass = -1;
        int victimId = 0;
        int replacementId = 0;
        QTimer killer;
        killer.setSingleShot(true);
        connect(&killer, &QTimer::timeout, this, [&] {
            killerPass = pass;
            victim.killTimer(victimId);
            // Most likely handed victimId again: the stale entry of this pass
            // must not deliver it.
            replacementId = victim.startTimer(0);
        });
        // Both zero timers are due in the same pass; the killer runs first.
        killer.start(0);
        victimId = victim.startTimer(0);
        QTRY_VERIFY_WITH_TIMEOUT(victim.ticks.load() > 0, 5000);
        disconnect(counting);
        QVERIFY(killerPass >= 0);
        QCOMPARE(victim.fired.first(), replacementId);
        QVERIFY2(firstVictimTickPass > killerPass,
                 qPrintable(QStringLiteral("%1 %2").arg(killerPass).arg(firstVictimTickPass)));
    }

    void objectDeletedInItsOwnTimerEventGetsNoFurtherEvents()
    {
        int events = 0;
        auto *target = new SelfDeletingTimerTarget(&events);
        QPointer<QObject> guard(target);
        target->startTimer(0);
        target->startTimer(0); // due in the same pass as the first
        QTRY_VERIFY_WITH_TIMEOUT(guard.isNull(), 5000);
        QVERIFY(timersDueWithin(0));
        QCOMPARE(events, 1);
    }

    void timerIsNotReenteredFromANestedLoopWhileOthersRun()
    {
        NestingTimerTarget target;
        int otherTicks = 0;
        int otherTicksInNestedLoop = -1;
        target.duringNestedLoop = [&] { otherTicksInNestedLoop = otherTicks; };
        QTimer other;
        connect(&other, &QTimer::timeout, this, [&] { ++otherTicks; });
        other.start(0);
        const int id = target.startTimer(0);
        QTRY_VERIFY_WITH_TIMEOUT(target.fired >= 3, 5000);
        target.killTimer(id);
        QCOMPARE(target.maxDepth, 1);
        QVERIFY(otherTicksInNestedLoop > 0);
    }

    void postedEventIsDelivered()
    {
        EventCounter sink;
        QCoreApplication::postEvent(&sink, new QEvent(kPingEvent));
        QCOMPARE(sink.received.load(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(sink.received.load(), 1, 5000);
    }

    void selfRepostingEventDoesNotStarveTimers()
    {
        EventCounter sink;
        sink.repostsLeft = 1000000;
        bool timerFired = false;
        QTimer::singleShot(10, this, [&] { timerFired = true; });
        QCoreApplication::postEvent(&sink, new QEvent(kPingEvent));
        QTRY_VERIFY_WITH_TIMEOUT(timerFired, 5000);
        QVERIFY(sink.received.load() > 0);
        sink.repostsLeft = 0;
        QCoreApplication::removePostedEvents(&sink);
    }

    void deleteLaterRunsOnALaterPass()
    {
        QPointer<QObject> doomed = new QObject;
        doomed->deleteLater();
        QVERIFY(doomed);
        QTRY_VERIFY_WITH_TIMEOUT(doomed.isNull(), 5000);
    }

    void queuedCallFromAnotherThreadWakesABlockedLoop()
    {
        QEventLoop loop;
        WaitRescuer rescuer(10000, [&] { loop.exit(1); });
        QObject receiver;
        bool delivered = false;
        std::unique_ptr<QThread> poster(QThread::create([&] {
            QThread::msleep(30); // let the main thread block first
            QMetaObject::invokeMethod(
                &receiver,
                [&] {
                delivered = true;
                loop.exit(0);
                },
                Qt::QueuedConnection);
        }));
        poster->start();
        QCOMPARE(loop.exec(), 0);
        poster->wait();
        QVERIFY(delivered);
        QVERIFY(!rescuer.rescued());
    }

    void singleBlockingPassDeliversTheEventThatWokeIt()
    {
        if (!expectEpollDispatcher()) QSKIP("ours: Qt's unix dispatcher leaves the event for the next pass");
        // Consume wake-ups left by earlier tests, so that only the post below can end the wait.
        for (int i = 0; i < 3; ++i)
            while (dispatcher()->processEvents(QEventLoop::AllEvents)) {}
        WaitRescuer rescuer(10000);
        QObject receiver;
        bool delivered = false;
        std::unique_ptr<QThread> poster(QThread::create([&] {
            QThread::msleep(30);
            QMetaObject::invokeMethod(
                &receiver, [&] { delivered = true; }, Qt::QueuedConnection);
        }));
        poster->start();
        dispatcher()->processEvents(QEventLoop::WaitForMoreEvents);
        poster->wait();
        QVERIFY(!rescuer.rescued());
        QVERIFY(delivered);
    }

    void manyPostsFromAnotherThreadAllArrive()
    {
        // wakeUp() coalesces writes; none of the posts may be left behind.
        constexpr int kPosts = 20000;
        EventCounter sink;
        std::unique_ptr<QThread> poster(QThread::create([&] {
            for (int i = 0; i < kPosts; ++i) {
                QCoreApplication::postEvent(&sink, new QEvent(kPingEvent));
                if (i % 1000 == 0) QThread::usleep(200); // let the loop drain and block in between
            }
        }));
        poster->start();
        QTRY_COMPARE_WITH_TIMEOUT(sink.received.load(), kPosts, 20000);
        poster->wait();
    }

    void wakeUpsRacingWithTheLoopAreNeverLost()
    {
        // Posters that never pause keep calling wakeUp() while the loop is
        // consuming the previous one; a lost wake-up leaves the loop asleep
        // with events queued, and only the rescuer ends the wait.
        constexpr int kPosters = 2;
        constexpr int kPostsEach = 100000;
        EventCounter sink;
        QEventLoop loop;
        WaitRescuer rescuer(30000, [&] { loop.exit(1); });
        std::vector<std::unique_ptr<QThread>> posters;
        for (int p = 0; p < kPosters; ++p) {
            posters.emplace_back(QThread::create([&] {
                for (int i = 0; i < kPostsEach; ++i) QCoreApplication::postEvent(&sink, new QEvent(kPingEvent));
            }));
        }
        sink.onReceived = [&] {
            if (sink.received.load() == kPosters * kPostsEach) loop.exit(0);
        };
        for (auto &poster : posters) poster->start();
        const int exitCode = loop.exec();
        for (auto &poster : posters) poster->wait();
        QVERIFY(!rescuer.rescued());
        QCOMPARE(exitCode, 0);
        QCOMPARE(sink.received.load(), kPosters * kPostsEach);
    }

    void interruptEndsABlockingWait()
    {
        WaitRescuer rescuer(10000);
        std::atomic<bool> interrupted{false};
        QAbstractEventDispatcher *mainDispatcher = dispatcher();
        std::unique_ptr<QThread> interrupter(QThread::create([&] {
            QThread::msleep(30);
            interrupted = true;
            mainDispatcher->interrupt();
        }));
        interrupter->start();
        while (!interrupted && !rescuer.rescued()) mainDispatcher->processEvents(QEventLoop::WaitForMoreEvents);
        interrupter->wait();
        QVERIFY(!rescuer.rescued());
    }

    void interruptJustBeforeABlockingPassIsNotLost()
    {
        // The sequence of Qt's own tst_QEventDispatcher::interruptTrampling.
        std::atomic<bool> finished{false};
        std::unique_ptr<QThread> worker(QThread::create([&] {
            QAbstractEventDispatcher *own = QThread::currentThread()->eventDispatcher();
            own->processEvents(QEventLoop::AllEvents);
            QTimer::singleShot(0, own, [own] { own->wakeUp(); });
            own->processEvents(QEventLoop::WaitForMoreEvents);
            own->interrupt();
            own->processEvents(QEventLoop::WaitForMoreEvents);
            finished = true;
        }));
        QCOMPARE(EpollEventDispatcher::installOnThread(worker.get()), expectEpollDispatcher());
        worker->start();
        const bool ended = worker->wait(10000);
        if (!ended) { // unstick it so the test fails instead of crashing
            while (!worker->wait(100)) worker->eventDispatcher()->wakeUp();
        }
        QVERIFY(ended);
        QVERIFY(finished);
    }

    void awakeAndAboutToBlockAreSignalled()
    {
        int awake = 0;
        int aboutToBlock = 0;
        auto c1 = connect(dispatcher(), &QAbstractEventDispatcher::awake, this, [&] { ++awake; });
        auto c2 = connect(dispatcher(), &QAbstractEventDispatcher::aboutToBlock, this, [&] { ++aboutToBlock; });
        dispatcher()->processEvents(QEventLoop::AllEvents);
        QVERIFY(awake >= 1);
        QCOMPARE(aboutToBlock, 0); // a pass that may not wait does not announce blocking

        bool fired = false;
        QTimer::singleShot(10, this, [&] { fired = true; });
        while (!fired) dispatcher()->processEvents(QEventLoop::WaitForMoreEvents);
        QVERIFY(aboutToBlock >= 1);
        disconnect(c1);
        disconnect(c2);
    }

    void excludedTimersDoNotFireUntilIncludedAgain()
    {
        int ticks = 0;
        QTimer timer; // a real zero timer; QTimer::singleShot(0) would post an event instead
        timer.setSingleShot(true);
        connect(&timer, &QTimer::timeout, this, [&] { ++ticks; });
        timer.start(0);
        for (int i = 0; i < 5; ++i) dispatcher()->processEvents(QEventLoop::X11ExcludeTimers);
        QCOMPARE(ticks, 0);
        QTRY_COMPARE_WITH_TIMEOUT(ticks, 1, 5000);
    }

    void workerThreadRunsTimersAndQueuedCalls()
    {
        QThread worker;
        QCOMPARE(EpollEventDispatcher::installOnThread(&worker), expectEpollDispatcher());
        worker.start();
        QTRY_VERIFY_WITH_TIMEOUT(worker.eventDispatcher() != nullptr, 5000);
        QCOMPARE(qobject_cast<EpollEventDispatcher *>(worker.eventDispatcher()) != nullptr, expectEpollDispatcher());

        auto *context = new QObject;
        context->moveToThread(&worker);
        std::atomic<int> zeroTicks{0};
        std::atomic<bool> timerFired{false};
        std::atomic<QThread *> ranOn{nullptr};
        QMetaObject::invokeMethod(
            context,
            [&, context] {
            ranOn = QThread::currentThread();
            auto *zero = new QTimer(context);
            connect(zero, &QTimer::timeout, context, [&] { ++zeroTicks; });
            zero->start(0);
            QTimer::singleShot(20, context, [&] { timerFired = true; });
            },
            Qt::QueuedConnection);
        QTRY_VERIFY_WITH_TIMEOUT(timerFired.load(), 5000);
        QCOMPARE(ranOn.load(), &worker);
        QVERIFY(zeroTicks.load() > 0);

        // Posts into a worker blocked in epoll_wait must wake it, many times over.
        constexpr int kCalls = 5000;
        std::atomic<int> calls{0};
        for (int i = 0; i < kCalls; ++i)
            QMetaObject::invokeMethod(
                context, [&] { ++calls; }, Qt::QueuedConnection);
        QTRY_COMPARE_WITH_TIMEOUT(calls.load(), kCalls, 10000);

        // Deleted in its thread before quit(): a queued deleteLater could miss the loop.
        QMetaObject::invokeMethod(
            context, [context] { delete context; }, Qt::BlockingQueuedConnection);
        worker.quit();
        QVERIFY(worker.wait(10000));
    }

    void timersFollowAnObjectMovedToAWorkerThread()
    {
        auto *recorder = new TimerRecorder;
        recorder->singleShot = false;
        recorder->startTimer(5, Qt::PreciseTimer);
        QTRY_VERIFY_WITH_TIMEOUT(recorder->ticks.load() > 0, 5000);

        QThread worker;
        EpollEventDispatcher::installOnThread(&worker);
        worker.start();
        recorder->moveToThread(&worker);
        QVERIFY(dispatcher()->registeredTimers(recorder).isEmpty());
        const int before = recorder->ticks.load();
        QTRY_VERIFY_WITH_TIMEOUT(recorder->ticks.load() > before + 3, 5000);
        QCOMPARE(recorder->lastThread.load(), &worker);

        QMetaObject::invokeMethod(
            recorder, [recorder] { delete recorder; }, Qt::BlockingQueuedConnection);
        worker.quit();
        QVERIFY(worker.wait(10000));
    }
};

SWITCHBOARD_DISPATCHER_TEST_MAIN(TestEpollDispatcherLoop)
#include "tst_epolldispatcherloop.moc"
