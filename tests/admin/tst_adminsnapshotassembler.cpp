#include "AdminProtocol.h"
#include "AdminSnapshotAssembler.h"

#include <QTest>

using namespace switchboard;

// "snapshot_part" on the wire and back, and its assembly into one snapshot.
class tst_AdminSnapshotAssembler : public QObject
{
    Q_OBJECT

    static ConnectionInfo conn(const QString &id)
    {
        ConnectionInfo c;
        c.id = id;
        c.userId = QStringLiteral("u");
        c.dialect = QStringLiteral("flatjson");
        return c;
    }
    static ChannelInfo chan(const QString &id)
    {
        ChannelInfo c;
        c.id = id;
        c.name = id;
        return c;
    }
    static AdminMessage decoded(const QByteArray &frame)
    {
        AdminMessage m;
        QString code, message;
        if (!AdminProtocol::decode(frame, &m, &code, &message)) qWarning() << code << message;
        return m;
    }

private Q_SLOTS:
    void partsRoundTripAndAssembleInOrder()
    {
        ServerStats stats;
        stats.channels = 7;
        const AdminMessage p0 = decoded(AdminProtocol::encodeSnapshotPart(0, false, {conn("a"), conn("b")}, {}, nullptr,
                                                                          TrafficFilter(), QStringLiteral("srv")));
        QCOMPARE(p0.type, AdminMessage::Type::SnapshotPart);
        QCOMPARE(p0.part, 0);
        QVERIFY(!p0.lastPart);
        QVERIFY(!p0.hasStats);
        QCOMPARE(AdminProtocol::typeName(p0.type), QStringLiteral("snapshot_part"));
        const AdminMessage p1 = decoded(AdminProtocol::encodeSnapshotPart(1, true, {conn("c")}, {chan("x")}, &stats,
                                                                          TrafficFilter(), QStringLiteral("srv")));
        QVERIFY(p1.lastPart);
        QVERIFY(p1.hasStats);

        AdminSnapshotAssembler assembler;
        QVERIFY(!assembler.add(p0));
        QVERIFY(assembler.inProgress());
        QVERIFY(assembler.add(p1));
        const AdminMessage whole = assembler.take();
        QCOMPARE(whole.type, AdminMessage::Type::Snapshot);
        QCOMPARE(whole.server, QStringLiteral("srv"));
        QCOMPARE(whole.connections.size(), 3);
        QCOMPARE(whole.connections.at(2).id, QStringLiteral("c"));
        QCOMPARE(whole.channels.size(), 1);
        QVERIFY(whole.hasStats);
        QCOMPARE(whole.stats.channels, 7);
        QVERIFY(!assembler.inProgress());
    }

    void aGapDropsWhatWasGatheredAndPartZeroStartsOver()
    {
        const auto part = [](int i, bool last, const QString &id) {
            return decoded(
                AdminProtocol::encodeSnapshotPart(i, last, {conn(id)}, {}, nullptr, TrafficFilter(), QString()));
        };
        AdminSnapshotAssembler assembler;
        QVERIFY(!assembler.add(part(0, false, "a")));
        QVERIFY(!assembler.add(part(2, true, "c"))); // part 1 missing
        QVERIFY(!assembler.inProgress());
        QVERIFY(!assembler.add(part(0, false, "a")));
        QVERIFY(!assembler.add(part(0, false, "b"))); // a new snapshot replaces the one under way
        QVERIFY(assembler.add(part(1, true, "c")));
        const AdminMessage whole = assembler.take();
        QCOMPARE(whole.connections.size(), 2);
        QCOMPARE(whole.connections.at(0).id, QStringLiteral("b"));
    }

    void aPartWithoutANumberIsRefused()
    {
        AdminMessage m;
        QString code, message;
        QVERIFY(!AdminProtocol::decode(R"({"type":"snapshot_part","last":true})", &m, &code, &message));
        QCOMPARE(code, QLatin1String(AdminProtocol::ErrorBadRequest));
    }
};

QTEST_GUILESS_MAIN(tst_AdminSnapshotAssembler)
#include "tst_adminsnapshotassembler.moc"
