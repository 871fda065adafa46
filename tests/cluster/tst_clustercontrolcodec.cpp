#include "cluster/ClusterControlCodec.h"

#include <QTest>

namespace switchboard {

// The wire of cross-node admin actions and the lease JSON as the feed reads it.
class TestClusterControlCodec : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void requestRoundTrips()
    {
        ClusterControlCodec::Request r;
        r.id = QStringLiteral("node1:7");
        r.from = QStringLiteral("node1");
        r.op = QStringLiteral("disconnect");
        r.connectionId = QStringLiteral("conn-\"1\"");
        r.reason = QStringLiteral("bye ✓");
        const ClusterControlCodec::Frame f = ClusterControlCodec::decode(ClusterControlCodec::encodeRequest(r));
        QCOMPARE(f.kind, ClusterControlCodec::Frame::Kind::Request);
        QCOMPARE(f.request.id, r.id);
        QCOMPARE(f.request.from, r.from);
        QCOMPARE(f.request.op, r.op);
        QCOMPARE(f.request.connectionId, r.connectionId);
        QCOMPARE(f.request.reason, r.reason);
    }

    void replyRoundTrips()
    {
        ClusterControlCodec::Reply r;
        r.id = QStringLiteral("node1:8");
        r.from = QStringLiteral("node2");
        r.ok = false;
        r.code = QStringLiteral("not_found");
        r.message = QStringLiteral("no connection x on node node2");
        r.count = 3;
        const ClusterControlCodec::Frame f = ClusterControlCodec::decode(ClusterControlCodec::encodeReply(r));
        QCOMPARE(f.kind, ClusterControlCodec::Frame::Kind::Reply);
        QCOMPARE(f.reply.id, r.id);
        QCOMPARE(f.reply.from, r.from);
        QCOMPARE(f.reply.ok, false);
        QCOMPARE(f.reply.code, r.code);
        QCOMPARE(f.reply.message, r.message);
        QCOMPARE(f.reply.count, 3);
    }

    // A page of a node's connection list: the rows whole, in order, with the node.
    void pageRoundTrips()
    {
        ClusterControlCodec::Page p;
        p.id = QStringLiteral("node1:9");
        p.from = QStringLiteral("node2");
        p.part = 3;
        p.last = true;
        for (int i = 0; i < 3; ++i) {
            ConnectionInfo c;
            c.id = QStringLiteral("conn-%1").arg(i);
            c.userId = QStringLiteral("u%1").arg(i);
            c.userName = QStringLiteral("user ✓ %1").arg(i);
            c.dialect = QStringLiteral("phoenix");
            c.transport = QStringLiteral("websocket");
            c.connectedAt = 1700000000123 + i;
            c.channels = {QStringLiteral("ch-1")};
            c.messagesIn = 5 * i;
            c.node = QStringLiteral("node2");
            p.rows.append(c);
        }
        const ClusterControlCodec::Frame f = ClusterControlCodec::decode(ClusterControlCodec::encodePage(p));
        QCOMPARE(f.kind, ClusterControlCodec::Frame::Kind::Page);
        QCOMPARE(f.page.id, p.id);
        QCOMPARE(f.page.from, p.from);
        QCOMPARE(f.page.part, 3);
        QCOMPARE(f.page.last, true);
        QCOMPARE(f.page.rows.size(), 3);
        for (int i = 0; i < 3; ++i) QVERIFY(f.page.rows.at(i) == p.rows.at(i));
        // A list request needs nothing but who asks.
        ClusterControlCodec::Request r;
        r.id = QStringLiteral("node1:10");
        r.from = QStringLiteral("node1");
        r.op = QStringLiteral("list_connections");
        const ClusterControlCodec::Frame q = ClusterControlCodec::decode(ClusterControlCodec::encodeRequest(r));
        QCOMPARE(q.kind, ClusterControlCodec::Frame::Kind::Request);
        QCOMPARE(q.request.op, r.op);
    }

    void malformedFramesAreInvalid_data()
    {
        QTest::addColumn<QByteArray>("frame");
        QTest::newRow("not json") << QByteArray("{nope");
        QTest::newRow("array") << QByteArray("[1]");
        QTest::newRow("no id") << QByteArray(R"({"k":"ask","from":"n1","op":"disconnect","connection":"c"})");
        QTest::newRow("no from") << QByteArray(R"({"k":"ask","id":"1","op":"disconnect","connection":"c"})");
        QTest::newRow("unknown op") << QByteArray(R"({"k":"ask","id":"1","from":"n1","op":"reboot"})");
        QTest::newRow("disconnect without connection")
            << QByteArray(R"({"k":"ask","id":"1","from":"n1","op":"disconnect"})");
        QTest::newRow("user op without user")
            << QByteArray(R"({"k":"ask","id":"1","from":"n1","op":"disconnect_user","user":""})");
        QTest::newRow("answer without ok") << QByteArray(R"({"k":"answer","id":"1","from":"n2"})");
        QTest::newRow("unknown kind") << QByteArray(R"({"k":"e","id":"1","from":"n2"})");
        QTest::newRow("page without rows") << QByteArray(R"({"k":"page","id":"1","from":"n2","part":0,"last":true})");
        QTest::newRow("page without part") << QByteArray(R"({"k":"page","id":"1","from":"n2","last":true,"rows":[]})");
        QTest::newRow("page with negative part")
            << QByteArray(R"({"k":"page","id":"1","from":"n2","part":-1,"last":true,"rows":[]})");
        QTest::newRow("page without last") << QByteArray(R"({"k":"page","id":"1","from":"n2","part":0,"rows":[]})");
        QTest::newRow("page with a row without id")
            << QByteArray(R"({"k":"page","id":"1","from":"n2","part":0,"last":true,"rows":[{"user":"x"}]})");
    }
    void malformedFramesAreInvalid()
    {
        QFETCH(QByteArray, frame);
        QCOMPARE(ClusterControlCodec::decode(frame).kind, ClusterControlCodec::Frame::Kind::Invalid);
    }

    void leaseJsonReads()
    {
        NodeInfo n;
        QVERIFY(ClusterControlCodec::decodeLease(
            R"({"id":"node2","started":"2026-12-03T09:00:00.250Z","listen":"http://127.0.0.1:8080","connections":42})",
            &n));
        QCOMPARE(n.id, QStringLiteral("node2"));
        QCOMPARE(n.listen, QStringLiteral("http://127.0.0.1:8080"));
        QCOMPARE(n.connections, qint64(42));
        QCOMPARE(n.started, QDateTime(QDate(2026, 12, 3), QTime(9, 0, 0, 250), Qt::UTC).toMSecsSinceEpoch());
        QVERIFY(n.live);
        QVERIFY(!ClusterControlCodec::decodeLease("not json", &n));
        QVERIFY(!ClusterControlCodec::decodeLease(R"({"listen":"x"})", &n));
        // A bad start time or count reads as unknown, not as a failure.
        QVERIFY(ClusterControlCodec::decodeLease(R"({"id":"n","started":"yesterday","connections":-5})", &n));
        QCOMPARE(n.started, qint64(0));
        QCOMPARE(n.connections, qint64(0));
    }
};

} // namespace switchboard

QTEST_GUILESS_MAIN(switchboard::TestClusterControlCodec)
#include "tst_clustercontrolcodec.moc"
