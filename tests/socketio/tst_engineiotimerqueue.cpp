#include "EngineIoTimer.h"
#include "EngineIoTimerQueue.h"

#include <QElapsedTimer>
#include <QTest>

#include <memory>
#include <vector>

// The shared timer queue behind every Engine.IO session's heartbeat: a timer
// never fires early, fires at most 1/20 of its duration late (plus the event
// loop's own latency), and stop/restart/teardown behave like a QTimer's.
class TestEngineIoTimerQueue : public QObject
{
    Q_OBJECT

    // Event-loop latency allowed on a loaded 2-core machine, on top of the slack.
    static constexpr qint64 LoopToleranceMs = 40;

private slots:
    void timerFiresNotEarlyAndWithinATwentiethLate()
    {
        EngineIoTimerQueue queue;
        QElapsedTimer clock;
        qint64 firedAt = -1;
        EngineIoTimer timer(&queue, [&] { firedAt = clock.elapsed(); });
        clock.start();
        timer.start(400);
        QVERIFY(timer.isActive());
        QTRY_VERIFY_WITH_TIMEOUT(firedAt >= 0, 2000);
        QVERIFY2(firedAt >= 400, qPrintable(QString::number(firedAt)));
        QVERIFY2(firedAt <= 400 + 400 / 20 + LoopToleranceMs, qPrintable(QString::number(firedAt)));
        QVERIFY(!timer.isActive());
        QCOMPARE(queue.activeCount(), 0);
    }

    void stoppedTimerNeverFires()
    {
        EngineIoTimerQueue queue;
        int fired = 0;
        EngineIoTimer timer(&queue, [&] { ++fired; });
        timer.start(50);
        timer.stop();
        QVERIFY(!timer.isActive());
        QTest::qWait(150);
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
        QTest::qWait(120);
        const qint64 restartedAt = clock.elapsed();
        timer.start(200);
        QTRY_VERIFY_WITH_TIMEOUT(firedAt >= 0, 2000);
        QVERIFY2(firedAt >= restartedAt + 200, qPrintable(QString::number(firedAt)));
    }

    void shorterDurationStartedLaterFiresFirst()
    {
        EngineIoTimerQueue queue;
        QStringList order;
        EngineIoTimer slow(&queue, [&] { order << QStringLiteral("slow"); });
        EngineIoTimer fast(&queue, [&] { order << QStringLiteral("fast"); });
        slow.start(300);
        QTest::qWait(20);
        fast.start(100);
        QTRY_COMPARE_WITH_TIMEOUT(order.size(), 2, 2000);
        QCOMPARE(order, (QStringList{ QStringLiteral("fast"), QStringLiteral("slow") }));
    }

    void callbackMayRestartItsOwnTimer()
    {
        // The ping cycle: each timeout schedules the next one.
        EngineIoTimerQueue queue;
        int fired = 0;
        std::unique_ptr<EngineIoTimer> timer;
        timer = std::make_unique<EngineIoTimer>(&queue, [&] {
            if (++fired < 4)
                timer->start(30);
        });
        timer->start(30);
        QTRY_COMPARE_WITH_TIMEOUT(fired, 4, 2000);
        QTest::qWait(100);
        QCOMPARE(fired, 4);
        QCOMPARE(queue.activeCount(), 0);
    }

    void callbackMayStopTimersDueInTheSamePass()
    {
        EngineIoTimerQueue queue;
        int firedB = 0;
        EngineIoTimer b(&queue, [&] { ++firedB; });
        EngineIoTimer a(&queue, [&] { b.stop(); });
        a.start(50);
        b.start(50); // same lane, due right after a, in the same wake-up
        QTest::qWait(200);
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
        for (size_t i = 0; i < timers.size(); i += 4)
            timers[i]->stop();
        QCOMPARE(queue.activeCount(), 1500);
        QTRY_COMPARE_WITH_TIMEOUT(queue.activeCount(), 0, 2000);
        for (size_t i = 0; i < fired.size(); ++i)
            QCOMPARE(fired[i], i % 4 == 0 ? 0 : 1);
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
        QTest::qWait(80);
        QCOMPARE(fired, 0);
    }
};

QTEST_GUILESS_MAIN(TestEngineIoTimerQueue)
#include "tst_engineiotimerqueue.moc"
