#include "cluster/ClusterEventCodec.h"
#include "core/EventLogCodec.h"

#include <QTest>

namespace switchboard {

// The wire form between nodes: what one node sends, another reads back whole;
// anything else is refused (ok == false), never a crash.
class TestClusterEventCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void eventRoundTrips();
    void noticeRoundTrips();
    void presenceFramesPassWhole();
    void malformedIsRefused_data();
    void malformedIsRefused();
};

void TestClusterEventCodec::eventRoundTrips()
{
    ChatEvent e;
    e.type = ChatEvent::Type::ReactionAdded;
    e.at = 1700000000123;
    e.channel.id = QStringLiteral("ch-1");
    e.message.id = QStringLiteral("m-1");
    e.message.content = QStringLiteral("héllo wörld ✓");
    e.reaction.id = QStringLiteral("r-1");
    e.reaction.emoji = QStringLiteral("👍");
    e.actor.id = QStringLiteral("u-actor");
    e.subject.id = QStringLiteral("u-subject");
    e.status = QStringLiteral("away");
    e.seq = 42;
    e.gid = 9001;
    const QStringList topics{QStringLiteral("c:ch-1"), QStringLiteral("w:ws-1")};
    const auto f = ClusterEventCodec::decode(ClusterEventCodec::encodeEvent(QStringLiteral("node-a"), e, topics));
    QVERIFY(f.ok);
    QVERIFY(!f.directory);
    QCOMPARE(f.node, QStringLiteral("node-a"));
    QCOMPARE(f.type, QStringLiteral("reaction.added"));
    QCOMPARE(f.channelId, QStringLiteral("ch-1"));
    QCOMPARE(f.seq, 42);
    QCOMPARE(f.gid, 9001);
    QCOMPARE(f.at, 1700000000123);
    QCOMPARE(f.status, QStringLiteral("away"));
    QCOMPARE(f.topics, topics);
    const EventLogCodec::Decoded d = EventLogCodec::decode(f.payload);
    QVERIFY(d.ok);
    QCOMPARE(d.message.id, QStringLiteral("m-1"));
    QCOMPARE(d.message.content, e.message.content);
    QCOMPARE(d.reaction.emoji, e.reaction.emoji);
    QCOMPARE(d.actorId, QStringLiteral("u-actor"));
    QCOMPARE(d.subjectId, QStringLiteral("u-subject"));
}

void TestClusterEventCodec::noticeRoundTrips()
{
    const auto f = ClusterEventCodec::decode(
        ClusterEventCodec::encodeNotice(QStringLiteral("n2"), QStringLiteral("channels")));
    QVERIFY(f.ok);
    QVERIFY(f.directory);
    QCOMPARE(f.node, QStringLiteral("n2"));
    QCOMPARE(f.kind, QStringLiteral("channels"));
    QVERIFY(f.ids.isEmpty()); // no ids: the whole kind

    const QStringList ids{QStringLiteral("c1"), QStringLiteral("c2")};
    const auto named = ClusterEventCodec::decode(
        ClusterEventCodec::encodeNotice(QStringLiteral("n2"), QStringLiteral("users"), ids));
    QVERIFY(named.ok);
    QCOMPARE(named.kind, QStringLiteral("users"));
    QCOMPARE(named.ids, ids);
    // Ids that are not strings are ignored, not trusted.
    const auto odd = ClusterEventCodec::decode(R"({"n":"a","k":"d","d":"users","ids":[1,"",null,"u7"]})");
    QVERIFY(odd.ok);
    QCOMPARE(odd.ids, QStringList{QStringLiteral("u7")});
}

// ClusterPresence's frames ("p" presence, "t" typing) go to it whole; they are
// neither events nor notices.
void TestClusterEventCodec::presenceFramesPassWhole()
{
    for (const char *kind : {"p", "t"}) {
        const QByteArray bytes = QByteArray(R"({"n":"n3","k":")") + kind + R"(","c":"ch","u":"u1","on":true})";
        const auto f = ClusterEventCodec::decode(bytes);
        QVERIFY(f.ok);
        QVERIFY(f.ephemeral);
        QVERIFY(!f.directory);
        QCOMPARE(f.node, QStringLiteral("n3"));
        QCOMPARE(f.kind, QString::fromLatin1(kind));
        QCOMPARE(f.body.value("u").toString(), QStringLiteral("u1"));
    }
    // Without a node it is nobody's: refused like any other frame.
    QVERIFY(!ClusterEventCodec::decode(R"({"k":"p","u":[]})").ok);
}

void TestClusterEventCodec::malformedIsRefused_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("not json") << QByteArray("\xff\x00garbage", 9);
    QTest::newRow("array") << QByteArray("[1,2]");
    QTest::newRow("no node") << QByteArray(R"({"k":"d","d":"users"})");
    QTest::newRow("unknown kind") << QByteArray(R"({"n":"a","k":"x"})");
    QTest::newRow("notice without kind") << QByteArray(R"({"n":"a","k":"d"})");
    QTest::newRow("event without type") << QByteArray(R"({"n":"a","k":"e","tp":["c:1"]})");
    QTest::newRow("event without topics") << QByteArray(R"({"n":"a","k":"e","t":"message.created"})");
}

void TestClusterEventCodec::malformedIsRefused()
{
    QFETCH(QByteArray, bytes);
    QVERIFY(!ClusterEventCodec::decode(bytes).ok);
}

} // namespace switchboard

QTEST_GUILESS_MAIN(switchboard::TestClusterEventCodec)
#include "tst_clustereventcodec.moc"
