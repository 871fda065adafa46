#include "TrafficModel.h"

#include <QAbstractItemModelTester>
#include <QSortFilterProxyModel>
#include <QTest>

using namespace switchboard;

class tst_TrafficModel : public QObject
{
    Q_OBJECT

    static QList<TrafficEvent> events(qint64 firstSeq, int count)
    {
        QList<TrafficEvent> out;
        for (int i = 0; i < count; ++i) {
            TrafficEvent e;
            e.seq = firstSeq + i;
            e.time = 1700000000000 + e.seq;
            e.connectionId = QStringLiteral("c%1").arg(e.seq % 3);
            e.dialect = QStringLiteral("flatjson");
            e.event = QStringLiteral("message");
            e.size = int(e.seq);
            e.payload = QStringLiteral("{}");
            out.append(e);
        }
        return out;
    }

private Q_SLOTS:
    void appendAddsRowsInArrivalOrder()
    {
        TrafficModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.append(events(1, 3));
        model.append(events(4, 2));
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.at(0).seq, 1);
        QCOMPARE(model.at(4).seq, 5);
        QCOMPARE(model.index(2, TrafficModel::Connection).data().toString(), QStringLiteral("c0"));
        QCOMPARE(model.index(2, TrafficModel::Direction).data().toString(), QStringLiteral("in"));
        QCOMPARE(model.index(2, TrafficModel::Size).data(TrafficModel::SortRole).toInt(), 3);
    }

    void historyIsBoundedAndTheOldestGoFirst()
    {
        TrafficModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setCapacity(10);
        for (int batch = 0; batch < 7; ++batch) model.append(events(1 + batch * 4, 4)); // 28 events in all
        QCOMPARE(model.rowCount(), 10);
        QCOMPARE(model.at(0).seq, 19);
        QCOMPARE(model.at(9).seq, 28);
        QCOMPARE(model.evicted(), 18);
    }

    void aBatchBiggerThanTheWindowKeepsItsTail()
    {
        TrafficModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setCapacity(5);
        model.append(events(1, 2));
        model.append(events(100, 12));
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.at(0).seq, 107);
        QCOMPARE(model.at(4).seq, 111);
    }

    void shrinkingTheWindowDropsTheOldest()
    {
        TrafficModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.append(events(1, 20));
        model.setCapacity(4);
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.at(0).seq, 17);
        model.setCapacity(0); // clamped to one row, never zero
        QCOMPARE(model.capacity(), 1);
        QCOMPARE(model.at(0).seq, 20);
    }

    void truncatedPayloadShowsAnEllipsis()
    {
        TrafficModel model;
        TrafficEvent e = events(1, 1).first();
        e.setPayload(QByteArray(500, 'p'), 8);
        model.append({e});
        QCOMPARE(model.index(0, TrafficModel::Payload).data().toString(), QStringLiteral("pppppppp…"));
        QCOMPARE(model.index(0, TrafficModel::Payload).data(TrafficModel::SortRole).toString(),
                 QStringLiteral("pppppppp"));
    }

    void clearEmptiesAndAProxyFollows()
    {
        TrafficModel model;
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setFilterKeyColumn(TrafficModel::Connection);
        proxy.setFilterFixedString(QStringLiteral("c1"));
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setCapacity(6);
        model.append(events(1, 9));
        QCOMPARE(proxy.rowCount(), 2); // seqs 4..9 kept: 4 and 7 are on c1
        model.clear();
        QCOMPARE(proxy.rowCount(), 0);
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_TrafficModel)
#include "tst_trafficmodel.moc"
