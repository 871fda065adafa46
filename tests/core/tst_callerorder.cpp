#include "core/CallerOrder.h"

#include <QObject>
#include <QStringList>
#include <QTest>

#include <functional>
#include <memory>

using namespace switchboard;

// One caller's commands stay in the order it sent them while one of them
// waits for an answer from outside (the cluster's exact rate count).
class TestCallerOrder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void withoutAHoldWorkRunsAtOnce();
    void laterWorkWaitsBehindAnOpenSlotOfItsCallerOnly();
    void slotsFilledOutOfOrderStillRunInOrder();
    void workOfAFilledSlotGoesAheadOfWhatWaits();
    void aSlotFilledAtOnceRunsAtOnce();
    void aCallerFreedWhileWaitingIsForgotten();
    void fillingAfterTheOrderIsGoneDoesNothing();
};

void TestCallerOrder::withoutAHoldWorkRunsAtOnce()
{
    CallerOrder order;
    QObject caller;
    QStringList log;
    order.run(&caller, [&] { log << QStringLiteral("a"); });
    order.run(nullptr, [&] { log << QStringLiteral("b"); });
    order.hold(nullptr)([&] { log << QStringLiteral("c"); }); // no caller: nothing to keep in order
    QCOMPARE(log, (QStringList{"a", "b", "c"}));
    QVERIFY(!order.waits(&caller));
    QCOMPARE(order.waitingCallers(), 0);
}

void TestCallerOrder::laterWorkWaitsBehindAnOpenSlotOfItsCallerOnly()
{
    CallerOrder order;
    QObject a, b;
    QStringList log;
    auto fill = order.hold(&a);
    QVERIFY(order.waits(&a));
    QVERIFY(!order.waits(&b));
    order.run(&a, [&] { log << QStringLiteral("a2"); });
    order.run(&b, [&] { log << QStringLiteral("b1"); });
    QCOMPARE(log, QStringList{"b1"});
    fill([&] { log << QStringLiteral("a1"); });
    QCOMPARE(log, (QStringList{"b1", "a1", "a2"}));
    QCOMPARE(order.waitingCallers(), 0);
    QVERIFY(!order.waits(&a));
}

void TestCallerOrder::slotsFilledOutOfOrderStillRunInOrder()
{
    CallerOrder order;
    QObject a;
    QStringList log;
    auto first = order.hold(&a);
    order.run(&a, [&] { log << QStringLiteral("x"); });
    auto second = order.hold(&a);
    order.run(&a, [&] { log << QStringLiteral("y"); });
    second([&] { log << QStringLiteral("second"); });
    QVERIFY(log.isEmpty());
    first([&] { log << QStringLiteral("first"); });
    QCOMPARE(log, (QStringList{"first", "x", "second", "y"}));
    QCOMPARE(order.waitingCallers(), 0);
}

void TestCallerOrder::workOfAFilledSlotGoesAheadOfWhatWaits()
{
    CallerOrder order;
    QObject a;
    QStringList log;
    auto fill = order.hold(&a);
    order.run(&a, [&] { log << QStringLiteral("later"); });
    // The slot's own work commits: that is its turn, not the back of the line.
    fill([&] { order.run(&a, [&] { log << QStringLiteral("slot's commit"); }); });
    QCOMPARE(log, (QStringList{"slot's commit", "later"}));
}

void TestCallerOrder::aSlotFilledAtOnceRunsAtOnce()
{
    CallerOrder order;
    QObject a;
    QStringList log;
    order.hold (&a)([&] { log << QStringLiteral("now"); }); // an answer that came inside the call
    QCOMPARE(log, QStringList{"now"});
    QVERIFY(!order.waits(&a));
    QCOMPARE(order.waitingCallers(), 0);
}

void TestCallerOrder::aCallerFreedWhileWaitingIsForgotten()
{
    CallerOrder order;
    QStringList log;
    auto caller = std::make_unique<QObject>();
    auto fill = order.hold(caller.get());
    order.run(caller.get(), [&] { log << QStringLiteral("behind"); });
    caller.reset();
    fill([&] { log << QStringLiteral("slot"); });
    QCOMPARE(log, (QStringList{"slot", "behind"})); // the answers themselves ask ContextGuard
    QCOMPARE(order.waitingCallers(), 0);
}

void TestCallerOrder::fillingAfterTheOrderIsGoneDoesNothing()
{
    bool ran = false;
    std::function<void(CallerOrder::Work)> fill;
    QObject a;
    {
        CallerOrder order;
        fill = order.hold(&a);
    }
    fill([&] { ran = true; });
    QVERIFY(!ran);
}

QTEST_GUILESS_MAIN(TestCallerOrder)
#include "tst_callerorder.moc"
