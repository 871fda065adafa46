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
#include <QTimer>

using namespace switchboard;

class tst_StoreWriter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void bigBatchIsDeliveredInOrderAcrossSeveralPasses()
    {
        QTemporaryDir dir;
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("tmpl"));
        db.setDatabaseName(dir.filePath(QStringLiteral("w.db")));
        QVERIFY(db.open());
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
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("tmpl"));
    }

    void flushDeliversEverythingAtOnce()
    {
        QTemporaryDir dir;
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("tmpl2"));
        db.setDatabaseName(dir.filePath(QStringLiteral("w.db")));
        QVERIFY(db.open());
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
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("tmpl2"));
    }
};

QTEST_GUILESS_MAIN(tst_StoreWriter)
#include "tst_storewriter.moc"
