#include "ConnectionModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>

using namespace switchboard;

class tst_ConnectionModel : public QObject
{
    Q_OBJECT

    static ConnectionInfo conn(const QString &id, qint64 bytesIn = 0, const QString &user = QStringLiteral("alice"))
    {
        ConnectionInfo c;
        c.id = id;
        c.userId = QStringLiteral("uid-") + user;
        c.userName = user;
        c.dialect = QStringLiteral("flatjson");
        c.transport = QStringLiteral("websocket");
        c.bytesIn = bytesIn;
        c.connectedAt = 1700000000000;
        return c;
    }
    static QStringList ids(const ConnectionModel &m)
    {
        QStringList out;
        for (int r = 0; r < m.rowCount(); ++r) out << m.index(r, ConnectionModel::Id).data().toString();
        return out;
    }

private Q_SLOTS:
    void snapshotFillsOneRowPerConnectionAndTesterStaysClean()
    {
        ConnectionModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reset({conn("a"), conn("b"), conn("c")});
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.columnCount(), int(ConnectionModel::ColumnCount));
        QCOMPARE(ids(model), (QStringList{"a", "b", "c"}));
        QCOMPARE(model.index(1, ConnectionModel::User).data().toString(), QStringLiteral("alice"));
        QCOMPARE(model.index(1, ConnectionModel::Id).data(ConnectionModel::IdRole).toString(), QStringLiteral("b"));
        QCOMPARE(model.index(1, ConnectionModel::Dialect).data(ConnectionModel::UserIdRole).toString(),
                 QStringLiteral("uid-alice"));
        QCOMPARE(model.headerData(ConnectionModel::SendQueue, Qt::Horizontal).toString(), QStringLiteral("Send queue"));
    }

    // In a cluster each row names its node (JSON "node", the Node column and
    // NodeRole); a single server's rows carry no "node" at all.
    void theNodeOfARowIsAColumnAndOnTheWireOnlyInACluster()
    {
        ConnectionInfo single = conn("a");
        QVERIFY(!single.toJson().contains(QLatin1String("node")));
        ConnectionInfo clustered = conn("b");
        clustered.node = QStringLiteral("node2");
        QCOMPARE(clustered.toJson().value(QLatin1String("node")).toString(), QStringLiteral("node2"));
        ConnectionInfo back;
        QVERIFY(ConnectionInfo::fromJson(clustered.toJson(), &back));
        QVERIFY(back == clustered);
        QVERIFY(back != conn("b")); // the node is part of what changed
        ConnectionModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reset({single, clustered});
        QCOMPARE(model.headerData(ConnectionModel::Node, Qt::Horizontal).toString(), QStringLiteral("Node"));
        QCOMPARE(model.index(model.rowOf("b"), ConnectionModel::Node).data().toString(), QStringLiteral("node2"));
        QCOMPARE(model.index(model.rowOf("b"), ConnectionModel::Id).data(ConnectionModel::NodeRole).toString(),
                 QStringLiteral("node2"));
        QCOMPARE(model.index(model.rowOf("a"), ConnectionModel::Node).data().toString(), QString());
    }

    void duplicateIdsInASnapshotCollapseToOneRow()
    {
        ConnectionModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reset({conn("a"), conn("a"), ConnectionInfo(), conn("b")});
        QCOMPARE(ids(model), (QStringList{"a", "b"}));
    }

    void upsertUpdatesInPlaceAndAppendsNewOnes()
    {
        ConnectionModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reset({conn("a"), conn("b")});
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.upsert({conn("b", 500), conn("c"), conn("d"), conn("c", 7)});
        QCOMPARE(ids(model), (QStringList{"a", "b", "c", "d"}));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.first().at(0).toModelIndex().row(), 1);
        QCOMPARE(inserted.count(), 1); // one batch, one insertion
        QCOMPARE(model.connection("b").bytesIn, 500);
        QCOMPARE(model.connection("c").bytesIn, 7); // the later duplicate wins
    }

    void upsertOfAnUnchangedRowEmitsNothing()
    {
        ConnectionModel model;
        model.reset({conn("a", 10)});
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.upsert({conn("a", 10)});
        QCOMPARE(changed.count(), 0);
    }

    void removeDropsRowsAndLaterLookupsFollow()
    {
        ConnectionModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reset({conn("a"), conn("b"), conn("c"), conn("d"), conn("e")});
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        model.remove({"b", "d", "e", "nope", "b"});
        QCOMPARE(ids(model), (QStringList{"a", "c"}));
        QCOMPARE(removed.count(), 2); // "d","e" are one run, "b" another
        QCOMPARE(model.rowOf("c"), 1);
        QCOMPARE(model.rowOf("d"), -1);
        QVERIFY(!model.connection("d").isValid());
        model.upsert({conn("c", 99)});
        QCOMPARE(model.index(1, ConnectionModel::BytesIn).data(ConnectionModel::SortRole).toLongLong(), 99);
    }

    void lookupsFromRemovalSignalsSeeTheNewRows()
    {
        // A details pane refreshes on rowsRemoved and looks rows up by id then.
        ConnectionModel model;
        model.reset({conn("a"), conn("b"), conn("c")});
        QStringList seen;
        connect(&model, &QAbstractItemModel::rowsRemoved, &model,
                [&] { seen << model.connection("c").id << QString::number(model.rowOf("c")); });
        model.remove({"a"});
        QCOMPARE(seen, (QStringList{"c", "1"}));
    }

    void unknownIdsInRemoveChangeNothing()
    {
        ConnectionModel model;
        model.reset({conn("a")});
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        model.remove({"x", "y"});
        QCOMPARE(removed.count(), 0);
        QCOMPARE(model.rowCount(), 1);
    }

    void sortRoleSortsBytesAsNumbersNotText()
    {
        ConnectionModel model;
        model.reset({conn("small", 900), conn("big", 2048), conn("mid", 1000)});
        QSortFilterProxyModel proxy;
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.setSourceModel(&model);
        proxy.setSortRole(ConnectionModel::SortRole);
        proxy.sort(ConnectionModel::BytesIn, Qt::DescendingOrder);
        QCOMPARE(proxy.index(0, ConnectionModel::Id).data().toString(), QStringLiteral("big"));
        QCOMPARE(proxy.index(2, ConnectionModel::Id).data().toString(), QStringLiteral("small"));
        // The display text is formatted, the sort value is raw.
        QVERIFY(proxy.index(0, ConnectionModel::BytesIn).data().toString().contains(QStringLiteral("KiB")));
    }

    void liveUpdatesThroughAFilteredSortedProxyStayConsistent()
    {
        ConnectionModel model;
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setSortRole(ConnectionModel::SortRole);
        proxy.setFilterKeyColumn(-1);
        proxy.setDynamicSortFilter(true);
        proxy.sort(ConnectionModel::BytesIn);
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.setFilterFixedString(QStringLiteral("bob"));
        model.reset({conn("1", 5, "bob"), conn("2", 1, "carol"), conn("3", 3, "bob")});
        QCOMPARE(proxy.rowCount(), 2);
        QCOMPARE(proxy.index(0, ConnectionModel::Id).data().toString(), QStringLiteral("3"));
        model.upsert({conn("3", 10, "bob"), conn("4", 0, "bob")});
        QCOMPARE(proxy.rowCount(), 3);
        QCOMPARE(proxy.index(0, ConnectionModel::Id).data().toString(), QStringLiteral("4"));
        QCOMPARE(proxy.index(2, ConnectionModel::Id).data().toString(), QStringLiteral("3"));
        model.remove({"1"});
        QCOMPARE(proxy.rowCount(), 2);
        model.clear();
        QCOMPARE(proxy.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_ConnectionModel)
#include "tst_connectionmodel.moc"
