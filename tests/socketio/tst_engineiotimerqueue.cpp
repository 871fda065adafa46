#include "dialects/socketio/EngineIoTimer.h"
#include "dialects/socketio/EngineIoTimerQueue.h"

#include <QElapsedTimer>
#include <QTest>
#include <QTimer>

#include <functional>
#include <memory>
#include <vector>

using namespace switchboard;

// The shared timer queue behind every Engine.IO session's heartbeat: a timer
// never fires early, fires at most 1/20 of its duration late (25 ms at most:
// EngineIoTimerQueue::slackFor), serves a burst over several passes, and
// stop/restart/teardown behave like a QTimer's.
//
// No wall-clock upper bounds here (how late on a loaded machine is for the
// benchmarks). "At most 1/20 late" is checked as an order instead: Qt fires
// its timers in deadline order, so a precise QTimer started after the
// EngineIoTimer and due 1/20 (+1 ms) after it must fire second. And "never
// fires" is proven by a sentinel that must fire after it, not by waiting.
class TestEngineIoTimerQueue : public QObject
{
    Q_OBJECT

    // A precise single-shot QTimer due at the latest moment the queue may fire
    // a timer of `ms` started before it (plus 1 ms for its whole-ms clock).
    static std::unique_ptr<QTimer> latestDeadline(int ms, std::function<void()> onTimeout)
    {
        auto t = std::make_unique<QTimer>();
        t->setSingleShot(true);
        t->setTimerType(Qt::PreciseTimer);
        QObject::connect(t.get(), &QTimer::timeout, std::move(onTimeout));
        t->start(ms + ms / 20 + 1);
        return t;
    }

    // Starts a timer of `ms` on `queue` and waits until it fires: a timer of
    // the same duration started before it would have fired by then (one lane,
    // first in, first out), and so would anything else due no later.
    static bool sentinelFires(EngineIoTimerQueue *queue, int ms)
    {
        bool fired = false;
        EngineIoTimer sentinel(queue, [&] { fired = true; });
        sentinel.start(ms);
        return QTest::qWaitFor([&] { return fired; }, 5000);
    }

private Q_SLOTS:
    void timerFiresNotEarlyAndWithinATwentiethLate()
    {
        EngineIoTimerQueue queue;
        QElapsedTimer clock;
        qint64 firedAt = -1;
        QStringList order;
        EngineIoTimer timer(&queue, [&] {
            firedAt = clock.elapsed();
            order << QStringLiteral("timer");
        });
        clock.start();
        timer.start(400);
        QVERIFY(timer.isActive());
        const auto latest = latestDeadline(400, [&] { order << QStringLiteral("400 + 1/20"); });
        QTRY_COMPARE_WITH_TIMEOUT(order.size(), 2, 5000);
        QVERIFY2(firedAt >= 400, qPrintable(QString::number(firedAt)));
        QCOMPARE(order, (QStringList{QStringLiteral("timer"), QStringLiteral("400 + 1/20")}));
        QVERIFY(!timer.isActive());
        QCOMPARE(queue.activeCount(), 0);
    }

    void timersDueWithinTheSlackFireInOnePass()
    {
        // The slack is used: a deadline 10 ms (< 400 / 20) after the first one
        // is served by the same wake-up, before anything posted in between runs.
        EngineIoTimerQueue queue;
        QElapsedTimer clock;
        QStringList order;
        qint64 secondFiredAt = -1;
        EngineIoTimer first(&queue, [&] {
            order << QStringLiteral("first");
            QMetaObject::invokeMethod(
                &queue, [&] { order << QStringLiteral("next pass"); }, Qt::QueuedConnection);
        });
        EngineIoTimer second(&queue, [&] {
            secondFiredAt = clock.elapsed();
            order << QStringLiteral("second");
        });
        clock.start();
        first.start(400);
        second.start(410);
        QTRY_COMPARE_WITH_TIMEOUT(order.size(), 3, 5000);
        QCOMPARE(order, (QStringList{QStringLiteral("first"), QStringLiteral("second"), QStringLiteral("next pass")}));
        QVERIFY2(secondFiredAt >= 410, qPrintable(QString::number(secondFiredAt)));
    }

    void stoppedTimerNeverFires()
    {
        EngineIoTimerQueue queue;
        int fired = 0;
        EngineIoTimer timer(&queue, [&] { ++fired; });
        timer.start(50);
        timer.stop();
        QVERIFY(!timer.isActive());
        QVERIFY(sentinelFires(&queue, 50));
        QCOMPARE(fired, 0);
    }

    void restartMovesTheDeadline()
    {
        EngineIoTimerQueue queue;
        QElapsedTimer clock;
        qint64 firedAt = -1;
        EngineIoTimer timer(&queue, [&] { firedAt = clock.elapsed(); });
        clock.start();
        timer.start(200);
        // Restarted by a QTimer due before the queue's wake-up for the first
        // deadline (Qt fires timers in deadline order), so before it fires.
        qint64 restartedAt = -1;
        bool firedBeforeRestart = false;
        QTimer restart;
        restart.setSingleShot(true);
        restart.setTimerType(Qt::PreciseTimer);
        connect(&restart, &QTimer::timeout, this, [&] {
            firedBeforeRestart = firedAt >= 0;
            restartedAt = clock.elapsed();
            timer.start(200);
        });
        restart.start(120);
        QTRY_VERIFY_WITH_TIMEOUT(firedAt >= 0, 5000);
        QVERIFY(restartedAt >= 0);
        QVERIFY(!firedBeforeRestart);
        QVERIFY2(firedAt >= restartedAt + 200, qPrintable(QStringLiteral("%1 %2").arg(firedAt).arg(restartedAt)));
    }

    void shorterDurationStartedLaterFiresFirst()
    {
        EngineIoTimerQueue queue;
        QStringList order;
        EngineIoTimer slow(&queue, [&] { order << QStringLiteral("slow"); });
        EngineIoTimer fast(&queue, [&] { order << QStringLiteral("fast"); });
        slow.start(300);
        fast.start(100);
        QTRY_COMPARE_WITH_TIMEOUT(order.size(), 2, 5000);
        QCOMPARE(order, (QStringList{QStringLiteral("fast"), QStringLiteral("slow")}));
    }

    void callbackMayRestartItsOwnTimer()
    {
        // The ping cycle: each timeout schedules the next one.
        EngineIoTimerQueue queue;
        int fired = 0;
        std::unique_ptr<EngineIoTimer> timer;
        timer = std::make_unique<EngineIoTimer>(&queue, [&] {
            if (++fired < 4) timer->start(30);
        });
        timer->start(30);
        QTRY_COMPARE_WITH_TIMEOUT(fired, 4, 5000);
        QCOMPARE(queue.activeCount(), 0);
        QVERIFY(sentinelFires(&queue, 30)); // a fifth start would fire before it
        QCOMPARE(fired, 4);
    }

    void callbackMayStopTimersDueInTheSamePass()
    {
        EngineIoTimerQueue queue;
        int firedA = 0, firedB = 0;
        EngineIoTimer b(&queue, [&] { ++firedB; });
        EngineIoTimer a(&queue, [&] {
            ++firedA;
            b.stop();
        });
        a.start(50);
        b.start(50);                        // same lane, due right after a, in the same wake-up
        QVERIFY(sentinelFires(&queue, 50)); // same lane again, after b
        QCOMPARE(firedA, 1);
        QCOMPARE(firedB, 0);
    }

    void manySessionsAllFireOnceEach()
    {
        EngineIoTimerQueue queue;
        std::vector<int> fired(2000, 0);
        std::vector<std::unique_ptr<EngineIoTimer>> timers;
        for (size_t i = 0; i < fired.size(); ++i) {
            timers.push_back(std::make_unique<EngineIoTimer>(&queue, [&fired, i] { ++fired[i]; }));
            timers.back()->start(i % 2 ? 60 : 90);
        }
        // Half of them stopped, as sessions that answered or went away.
        for (size_t i = 0; i < timers.size(); i += 4) timers[i]->stop();
        QCOMPARE(queue.activeCount(), 1500);
        QTRY_COMPARE_WITH_TIMEOUT(queue.activeCount(), 0, 5000);
        for (size_t i = 0; i < fired.size(); ++i) QCOMPARE(fired[i], i % 4 == 0 ? 0 : 1);
    }

    void aBurstOfDueTimersIsServedOverSeveralPasses()
    {
        // Thousands of deadlines due at once (sockets opened in a burst) must
        // not be served in one pass: the loop gets to run between slices, so
        // something posted by the first callback runs before the last one.
        EngineIoTimerQueue queue;
        const int n = EngineIoTimerQueue::kMaxPerPass * 4;
        int fired = 0;
        int firedWhenPostedRan = -1;
        std::vector<std::unique_ptr<EngineIoTimer>> timers;
        for (int i = 0; i < n; ++i) {
            timers.push_back(std::make_unique<EngineIoTimer>(&queue, [&, i] {
                ++fired;
                if (i == 0)
                    QMetaObject::invokeMethod(
                        &queue, [&] { firedWhenPostedRan = fired; }, Qt::QueuedConnection);
            }));
            timers.back()->start(40);
        }
        QTRY_COMPARE_WITH_TIMEOUT(fired, n, 5000);
        QVERIFY(firedWhenPostedRan > 0);
        QVERIFY2(firedWhenPostedRan < n, qPrintable(QString::number(firedWhenPostedRan)));
        QCOMPARE(queue.activeCount(), 0);
    }

    void slackIsCappedSoSpreadDeadlinesStaySpread()
    {
        QCOMPARE(EngineIoTimerQueue::slackFor(400), qint64(20));
        QCOMPARE(EngineIoTimerQueue::slackFor(25000), EngineIoTimerQueue::kMaxSlackMs);
        // Deadlines further apart than the cap are served by different passes.
        EngineIoTimerQueue queue;
        QStringList order;
        EngineIoTimer first(&queue, [&] {
            order << QStringLiteral("first");
            QMetaObject::invokeMethod(
                &queue, [&] { order << QStringLiteral("next pass"); }, Qt::QueuedConnection);
        });
        EngineIoTimer second(&queue, [&] { order << QStringLiteral("second"); });
        // Uncapped, 1/20 of 4 s (200 ms) would serve both in one pass.
        first.start(4000);
        second.start(4150);
        QTRY_COMPARE_WITH_TIMEOUT(order.size(), 3, 10000);
        QCOMPARE(order, (QStringList{QStringLiteral("first"), QStringLiteral("next pass"), QStringLiteral("second")}));
    }

    void timersOutliveTheirQueueSafely()
    {
        int fired = 0;
        auto queue = std::make_unique<EngineIoTimerQueue>();
        EngineIoTimer timer(queue.get(), [&] { ++fired; });
        timer.start(30);
        queue.reset();
        QVERIFY(!timer.isActive());
        timer.start(30); // no queue: nothing runs, nothing crashes
        QVERIFY(!timer.isActive());
        // Anything due by then has fired once a QTimer due after it has.
        bool passed = false;
        const auto latest = latestDeadline(30, [&] { passed = true; });
        QTRY_VERIFY_WITH_TIMEOUT(passed, 5000);
        QCOMPARE(fired, 0);
    }
};

QTEST_GUILESS_MAIN(TestEngineIoTimerQueue)
#include "tst_engineiotimerqueue.moc"
