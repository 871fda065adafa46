#include "cluster/DirectorySync.h"

#include <QTest>

namespace switchboard {

// The read-after-write barrier's bookkeeping on its own (no Redis): a waiter
// runs only once every notice handed out before it was acknowledged by as many
// nodes as PUBLISH counted, whatever the order of the answer and the acks; a
// failed PUBLISH or a silent node ends the wait (the timeout), never hangs it.
class TestDirectorySync : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void nothingInFlightRunsAtOnce()
    {
        DirectorySync sync(10000);
        bool ran = false;
        sync.whenApplied([&] { ran = true; });
        QVERIFY(ran);
    }

    void waitsForEveryReceiver()
    {
        DirectorySync sync(10000);
        const qint64 t = sync.next();
        bool ran = false;
        sync.whenApplied([&] { ran = true; });
        sync.published(t, 2);
        QVERIFY(!ran);
        sync.acknowledged(t);
        QVERIFY(!ran);
        sync.acknowledged(t);
        QVERIFY(ran);
        QCOMPARE(sync.inFlight(), 0);
    }

    void acksBeforeThePublishAnswerCount()
    {
        DirectorySync sync(10000);
        const qint64 t = sync.next();
        bool ran = false;
        sync.whenApplied([&] { ran = true; });
        sync.acknowledged(t); // the ack came on the subscriber before PUBLISH's answer
        QVERIFY(!ran);
        sync.published(t, 1);
        QVERIFY(ran);
    }

    void waiterWaitsForEarlierNoticesToo()
    {
        DirectorySync sync(10000);
        const qint64 first = sync.next();
        const qint64 second = sync.next();
        bool ran = false;
        sync.whenApplied([&] { ran = true; });
        sync.published(second, 1);
        sync.acknowledged(second);
        QVERIFY(!ran); // the first notice is still out
        sync.published(first, 1);
        QVERIFY(!ran);
        sync.acknowledged(first);
        QVERIFY(ran);
    }

    void laterNoticeDoesNotHoldAnEarlierWaiter()
    {
        DirectorySync sync(10000);
        const qint64 first = sync.next();
        bool ran = false;
        sync.whenApplied([&] { ran = true; });
        const qint64 second = sync.next(); // another request's notice, after the wait began
        sync.published(first, 1);
        sync.acknowledged(first);
        QVERIFY(ran);
        QCOMPARE(sync.inFlight(), 1);
        sync.published(second, 0); // no other node: settled by the answer alone
        QCOMPARE(sync.inFlight(), 0);
    }

    void failedPublishSettles()
    {
        DirectorySync sync(10000);
        const qint64 t = sync.next();
        bool ran = false;
        sync.whenApplied([&] { ran = true; });
        sync.published(t, -1);
        QVERIFY(ran);
    }

    void silentNodeTimesOut()
    {
        DirectorySync sync(50);
        const qint64 t = sync.next();
        bool ran = false;
        sync.whenApplied([&] { ran = true; });
        sync.published(t, 2);
        sync.acknowledged(t);
        QVERIFY(!ran);
        QTRY_VERIFY_WITH_TIMEOUT(ran, 10000);
        QCOMPARE(sync.timedOut(), 1);
        sync.acknowledged(t); // a late ack is ignored
        QCOMPARE(sync.inFlight(), 0);
    }
};

} // namespace switchboard

QTEST_GUILESS_MAIN(switchboard::TestDirectorySync)
#include "tst_directorysync.moc"
