// StoreWriter delivers commit callbacks in the owner's thread under a time
// budget per event-loop pass: in commit order, all of them, and with the loop
// free to run other work between passes.
#include "storage/StoreWriter.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QScopeGuard>
#include <QSemaphore>
#include <QSignalSpy>
#include <QThread>
#include <QTimer>

#include <atomic>

using namespace switchboard;

namespace {

// A write the writer thread blocks in until the test opens the gate: the
// writes behind it stay outstanding for as long as the test needs.
struct Gate
{
    QSemaphore open;
    std::atomic<bool> entered{false};
    StoreWriter::Write write()
    {
        return [this](QSqlDatabase &, StoreStatus *) {
            entered = true;
            open.acquire();
            return true;
        };
    }
};

// A throwaway SQLite database for the writer to clone its connection from.
struct TemplateDb
{
    QTemporaryDir dir;
    QString name;
    QSqlDatabase db;
    explicit TemplateDb(const QString &connectionName) : name(connectionName)
    {
        db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(dir.filePath(QStringLiteral("w.db")));
        db.open();
    }
    ~TemplateDb()
    {
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
    }
};

StoreWriter::Write noWrite()
{
    return [](QSqlDatabase &, StoreStatus *) { return true; };
}

} // namespace

class tst_StoreWriter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void bigBatchIsDeliveredInOrderAcrossSeveralPasses()
    {
        TemplateDb t(QStringLiteral("tmpl"));
        QSqlDatabase &db = t.db;
        QVERIFY(db.isOpen());
        QVERIFY(QSqlQuery(db).exec(QStringLiteral("CREATE TABLE t (n INTEGER)")));
        {
            StoreWriter writer(db, this);
            QString error;
            QVERIFY2(writer.startWriter(&error), qPrintable(error));

            // Enough callbacks, each busy for 0.1 ms, to take several budgets.
            const int count = 2000;
            QList<int> order;
            int passTicks = 0; // a zero timer that fires only between passes
            QTimer ticker;
            ticker.setInterval(0);
            connect(&ticker, &QTimer::timeout, this, [&] { ++passTicks; });
            ticker.start();
            int ticksAtFirst = -1, ticksAtLast = -1;
            QList<QPair<StoreWriter::Write, StoreWriter::Done>> writes;
            for (int i = 0; i < count; ++i) {
                writes.append({[i](QSqlDatabase &d, StoreStatus *) {
                    QSqlQuery q(d);
                    q.prepare(QStringLiteral("INSERT INTO t VALUES (?)"));
                    q.addBindValue(i);
                    return q.exec();
                               },
                               [&, i](const StoreStatus &st) {
                    const bool ok = st.ok();
                    QVERIFY(ok);
                    if (order.isEmpty()) ticksAtFirst = passTicks;
                    order.append(i);
                    if (i == count - 1) ticksAtLast = passTicks;
                    QElapsedTimer busy;
                    busy.start();
                    while (busy.nsecsElapsed() < 100000) {}
                }});
            }
            writer.enqueueBatch(writes);
            QTRY_COMPARE_WITH_TIMEOUT(order.size(), count, 30000);
            for (int i = 0; i < count; ++i) QCOMPARE(order.at(i), i);
            // 2,000 x 0.1 ms is ten budgets of 20 ms: other work ran in between.
            QVERIFY2(ticksAtLast - ticksAtFirst >= 2,
                     qPrintable(
                         QStringLiteral("the loop ran %1 times during delivery").arg(ticksAtLast - ticksAtFirst)));
        }
    }

    void pressureFollowsOutstandingWritesWithHysteresis()
    {
        TemplateDb t(QStringLiteral("tmpl3"));
        QSqlDatabase &db = t.db;
        QVERIFY(db.isOpen());
        {
            Gate first, second; // outlive the writer, whose thread may wait in them
            StoreWriter writer(db, this);
            // A failed check returns early: open the gates before the writer's destructor flushes.
            const auto openGates = qScopeGuard([&] {
                first.open.release();
                second.open.release();
            });
            QString error;
            QVERIFY2(writer.startWriter(&error), qPrintable(error));
            writer.setPressureLimits(10, 0); // on past 10 outstanding, off under 5
            QList<bool> changes;
            QList<qint64> outstandingAtChange;
            connect(&writer, &StoreWriter::pressureChanged, this, [&](bool over) {
                changes.append(over);
                outstandingAtChange.append(writer.outstanding());
            });
            int delivered = 0;
            const auto count = [&](const StoreStatus &) { ++delivered; };

            // Handed over together, so they are one batch; the writer blocks in its first write.
            const auto batch = [&](Gate &gate, int more) {
                QList<QPair<StoreWriter::Write, StoreWriter::Done>> writes{{gate.write(), count}};
                for (int i = 0; i < more; ++i) writes.append({noWrite(), count});
                writer.enqueueBatch(writes);
            };
            batch(first, 3);
            QTRY_VERIFY(first.entered.load());
            // The second batch waits behind it. 10 outstanding is not past the limit.
            batch(second, 5);
            QCOMPARE(writer.outstanding(), 10);
            QVERIFY(changes.isEmpty());
            writer.enqueue(noWrite(), count); // 11: on, at once, on this thread
            QCOMPARE(changes, QList<bool>{true});
            QCOMPARE(outstandingAtChange, QList<qint64>{11});
            QVERIFY(writer.isUnderPressure());

            // The first batch's 4 callbacks run: 7 left, still at least half: stays on.
            first.open.release();
            QTRY_VERIFY(second.entered.load());
            QTRY_COMPARE(delivered, 4);
            QCOMPARE(writer.outstanding(), 7);
            QCOMPARE(changes, QList<bool>{true});
            QVERIFY(writer.isUnderPressure());

            // Everything delivered: off, under half.
            second.open.release();
            QTRY_COMPARE(delivered, 11);
            QCOMPARE(writer.outstanding(), 0);
            QCOMPARE(changes, (QList<bool>{true, false}));
            QVERIFY(outstandingAtChange.last() < 5);
            QVERIFY(!writer.isUnderPressure());

            // Back at 0 the limit counts again from below: 10 more is not past it.
            for (int i = 0; i < 10; ++i) writer.enqueue(noWrite(), count);
            QCOMPARE(changes.size(), 2);
            writer.flush();
            QCOMPARE(delivered, 21);
        }
    }

    void aLoopBehindTheCommitsRaisesPressureUntilItCatchesUp()
    {
        TemplateDb t(QStringLiteral("tmpl4"));
        QSqlDatabase &db = t.db;
        QVERIFY(db.isOpen());
        {
            StoreWriter writer(db, this);
            QString error;
            QVERIFY2(writer.startWriter(&error), qPrintable(error));
            writer.setPressureLimits(0, 50); // the count rule off: only the loop's lag counts
            QList<bool> changes;
            connect(&writer, &StoreWriter::pressureChanged, this, [&](bool over) { changes.append(over); });
            // Callbacks of 1 ms: about 20 fit in one 20 ms delivery budget.
            const int count = 100;
            QList<bool> pressureSeen;
            for (int i = 0; i < count; ++i)
                writer.enqueue(noWrite(), [&](const StoreStatus &) {
                    pressureSeen.append(writer.isUnderPressure());
                    QElapsedTimer busy;
                    busy.start();
                    while (busy.nsecsElapsed() < 1000000) {}
                });
            // The loop is kept away (no events processed) until the commit is
            // 60 ms old: the first delivery finds the loop 60 ms behind.
            QElapsedTimer since;
            since.start();
            while (writer.commitCount() < 1 && since.elapsed() < 10000) QThread::msleep(1);
            QVERIFY(writer.commitCount() >= 1);
            QThread::msleep(60);
            QVERIFY(changes.isEmpty());
            QTRY_COMPARE(pressureSeen.size(), count);
            // On after the first delivery ran out of budget with the loop behind,
            // off with the delivery that caught up; never on before the lag was seen.
            QCOMPARE(changes, (QList<bool>{true, false}));
            QVERIFY(!pressureSeen.first());
            QVERIFY(pressureSeen.contains(true));
            QVERIFY(!writer.isUnderPressure());
            QCOMPARE(writer.handbackLagMs(), 0);
        }
    }

    void flushDeliversEverythingAtOnce()
    {
        TemplateDb t(QStringLiteral("tmpl2"));
        QSqlDatabase &db = t.db;
        QVERIFY(db.isOpen());
        {
            StoreWriter writer(db, this);
            QString error;
            QVERIFY2(writer.startWriter(&error), qPrintable(error));
            int done = 0;
            for (int i = 0; i < 500; ++i)
                writer.enqueue([](QSqlDatabase &, StoreStatus *) { return true; },
                               [&](const StoreStatus &) {
                    ++done;
                    QElapsedTimer busy;
                    busy.start();
                    while (busy.nsecsElapsed() < 100000) {}
                });
            // flush() is what shutdown and the tests rely on: no budget there.
            writer.flush();
            QCOMPARE(done, 500);
        }
    }
};

QTEST_GUILESS_MAIN(tst_StoreWriter)
#include "tst_storewriter.moc"
