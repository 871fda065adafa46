#include "ChannelModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>

using namespace switchboard;

class tst_ChannelModel : public QObject
{
    Q_OBJECT

    static ChannelInfo chan(const QString &id, const QString &name, double perMinute = 0, int online = 0)
    {
        ChannelInfo c;
        c.id = id;
        c.name = name;
        c.workspaceId = QStringLiteral("ws");
        c.workspaceName = QStringLiteral("Default");
        c.type = QStringLiteral("public");
        c.members = 10;
        c.onlineMembers = online;
        c.messagesPerMinute = perMinute;
        return c;
    }

private Q_SLOTS:
    void snapshotFillsRowsAndTesterStaysClean()
    {
        ChannelModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reset({chan("1", "general"), chan("2", "random")});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, ChannelModel::Name).data().toString(), QStringLiteral("general"));
        QCOMPARE(model.index(0, ChannelModel::Workspace).data().toString(), QStringLiteral("Default"));
        QCOMPARE(model.index(1, ChannelModel::Members).data().toInt(), 10);
        QCOMPARE(model.index(1, ChannelModel::Name).data(ChannelModel::IdRole).toString(), QStringLiteral("2"));
        // Never active: an empty cell, not 1970.
        QVERIFY(model.index(1, ChannelModel::LastActivity).data().toString().isEmpty());
    }

    void deltasUpdateAddAndRemove()
    {
        ChannelModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reset({chan("1", "general"), chan("2", "random"), chan("3", "dev")});
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.upsert({chan("2", "random", 12.5, 3), chan("4", "ops")});
        QCOMPARE(changed.count(), 1);
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.channel("2").onlineMembers, 3);
        model.remove({"1", "3"});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.rowOf("4"), 1);
        QCOMPARE(model.at(0).name, QStringLiteral("random"));
    }

    void busiestChannelSortsFirstByRawRate()
    {
        ChannelModel model;
        model.reset({chan("1", "a", 9.5), chan("2", "b", 100), chan("3", "c", 10)});
        QSortFilterProxyModel proxy;
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.setSourceModel(&model);
        proxy.setSortRole(ChannelModel::SortRole);
        proxy.sort(ChannelModel::MessagesPerMinute, Qt::DescendingOrder);
        QCOMPARE(proxy.index(0, ChannelModel::Name).data().toString(), QStringLiteral("b"));
        QCOMPARE(proxy.index(1, ChannelModel::Name).data().toString(), QStringLiteral("c"));
        QCOMPARE(proxy.index(2, ChannelModel::Name).data().toString(), QStringLiteral("a"));
    }
};

QTEST_GUILESS_MAIN(tst_ChannelModel)
#include "tst_channelmodel.moc"
