#include "AdminProtocol.h"
#include "AdminSnapshotAssembler.h"
#include "admin/AdminSnapshotStream.h"
#include "admin/ChannelActivity.h"
#include "admin/TrafficThrottle.h"

#include <QTest>

using namespace switchboard;

// The server half's pure parts: the per-console rate cap and the per-channel
// activity window.
class tst_AdminFeedParts : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void throttleAdmitsUpToTheRateInOneSecond()
    {
        TrafficThrottle t(3);
        QVERIFY(t.admit(1000));
        QVERIFY(t.admit(1100));
        QVERIFY(t.admit(1999));
        QVERIFY(!t.admit(1999));
        QVERIFY(!t.admit(1500));
        QCOMPARE(t.takeDropped(), 2);
        QCOMPARE(t.takeDropped(), 0); // taken means reset
        // A new window starts a second after the last one began.
        QVERIFY(t.admit(2000));
        QCOMPARE(t.totalDropped(), 2);
    }

    void throttleCountsRefusalsForSlowConsoles()
    {
        TrafficThrottle t(100);
        t.refuse();
        t.refuse();
        QCOMPARE(t.totalDropped(), 2);
        QCOMPARE(t.takeDropped(), 2);
    }

    void throttleRateIsNeverZero()
    {
        TrafficThrottle t(0);
        QCOMPARE(t.rate(), 1);
        QVERIFY(t.admit(0));
        QVERIFY(!t.admit(1));
        t.setRate(-5);
        QCOMPARE(t.rate(), 1);
    }

    void throttleSurvivesTheClockGoingBack()
    {
        TrafficThrottle t(1);
        QVERIFY(t.admit(50000));
        QVERIFY(t.admit(10000)); // a new window, not a stuck one
    }

    void activityCountsTheLastMinuteOnly()
    {
        ChannelActivity a;
        const qint64 t0 = 1700000000000;
        for (int i = 0; i < 10; ++i) a.noteMessage(QStringLiteral("c"), t0 + i * 1000);
        QCOMPARE(a.perMinute(QStringLiteral("c"), t0 + 10000), 10);
        QCOMPARE(a.lastActivity(QStringLiteral("c")), t0 + 9000);
        // At 65 s the window is (5 s, 65 s]: the messages of seconds 6 to 9 remain.
        QCOMPARE(a.perMinute(QStringLiteral("c"), t0 + 65000), 4);
        QCOMPARE(a.perMinute(QStringLiteral("c"), t0 + 200000), 0);
        QCOMPARE(a.perMinute(QStringLiteral("other"), t0), 0);
        QCOMPARE(a.lastActivity(QStringLiteral("other")), 0);
    }

    void activityReusesBucketsAfterAMinute()
    {
        ChannelActivity a;
        const qint64 t0 = 1700000000000;
        a.noteMessage(QStringLiteral("c"), t0);
        a.noteMessage(QStringLiteral("c"), t0 + 60000); // same slot, a minute later
        QCOMPARE(a.perMinute(QStringLiteral("c"), t0 + 60000), 1);
        a.forget(QStringLiteral("c"));
        QCOMPARE(a.perMinute(QStringLiteral("c"), t0 + 60000), 0);
    }

    // In a cluster the node list rides on the whole snapshot, or on the last
    // of its parts only, and the console's assembler keeps it.
    void snapshotCarriesTheNodeListOnItsLastPart()
    {
        QHash<QString, ConnectionInfo> connections;
        for (const char *id : {"c1", "c2", "c3"}) {
            ConnectionInfo c;
            c.id = QLatin1String(id);
            connections.insert(c.id, c);
        }
        NodeInfo self;
        self.id = QStringLiteral("node1");
        self.self = true;
        NodeInfo down;
        down.id = QStringLiteral("node2");
        down.live = false;
        down.downSince = 1700000000000;
        const QList<NodeInfo> nodes{self, down};

        AdminSnapshotStream sliced(connections, {}, ServerStats(), QStringLiteral("s"), 1);
        sliced.setNodes(nodes);
        QVERIFY(!sliced.fitsInOne());
        AdminSnapshotAssembler assembler;
        bool complete = false;
        while (!sliced.atEnd()) {
            AdminMessage part;
            QVERIFY(AdminProtocol::decode(sliced.next(), &part));
            QCOMPARE(part.hasNodes, sliced.atEnd());
            complete = assembler.add(part);
        }
        QVERIFY(complete);
        const AdminMessage whole = assembler.take();
        QCOMPARE(whole.connections.size(), 3);
        QVERIFY(whole.hasNodes);
        QCOMPARE(whole.nodes, nodes);

        AdminSnapshotStream small(connections, {}, ServerStats(), QStringLiteral("s"), 500);
        small.setNodes(nodes);
        AdminMessage m;
        QVERIFY(AdminProtocol::decode(small.whole(), &m));
        QVERIFY(m.hasNodes);
        QCOMPARE(m.nodes.at(1).live, false);
        // A single server: no list at all.
        AdminSnapshotStream single(connections, {}, ServerStats(), QStringLiteral("s"), 500);
        QVERIFY(AdminProtocol::decode(single.whole(), &m));
        QVERIFY(!m.hasNodes);
    }
};

QTEST_GUILESS_MAIN(tst_AdminFeedParts)
#include "tst_adminfeedparts.moc"
