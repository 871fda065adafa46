#include "cluster/PresenceMirror.h"
#include "core/RoomKey.h"

#include <QTest>

namespace switchboard {

// The cluster's view of other nodes' users and rooms (ClusterPresence keeps it):
// connections add up across nodes, the newest status wins, a room is occupied
// while any node says so, and dropping a dead node names what it had; each
// user and room keeps its devices (sessions) per node for Phoenix presence.
class TestPresenceMirror : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void connectionsAddUpAcrossNodes();
    void newestStatusWins();
    void roomsNeedOneNode();
    void dropNodeNamesWhatItHad();
    void hashValueRoundTrips();
    void malformedHashValueIsNobody();
    void devicesPerUserAndRoom();
};

void TestPresenceMirror::connectionsAddUpAcrossNodes()
{
    PresenceMirror m;
    m.setUser("n2", "u", {2, "online", 0, {}});
    m.setUser("n3", "u", {1, "online", 0, {}});
    QCOMPARE(m.user("u").connections, 3);
    QCOMPARE(m.user("u").status, QStringLiteral("online"));
    const QStringList nodes = m.nodesOf("u");
    QCOMPARE(QSet<QString>(nodes.begin(), nodes.end()), (QSet<QString>{"n2", "n3"}));
    m.setUser("n2", "u", {0, "online", 0, {}}); // the last connection on n2 closed
    QCOMPARE(m.user("u").connections, 1);
    QCOMPARE(m.nodesOf("u"), QStringList{"n3"});
    m.setUser("n3", "u", {});
    QCOMPARE(m.user("u").connections, 0);
    QVERIFY(m.users().isEmpty());
    QVERIFY(m.nodes().isEmpty());  // nothing left of either node
    m.setUser("n4", "nobody", {}); // removing what is not there is harmless
    QVERIFY(m.nodes().isEmpty());
}

void TestPresenceMirror::newestStatusWins()
{
    PresenceMirror m;
    m.setUser("n2", "u", {1, "online", 100, {}});
    m.setUser("n3", "u", {1, "away", 200, {}});
    QCOMPARE(m.user("u").status, QStringLiteral("away"));
    QCOMPARE(m.user("u").stamp, 200);
    m.setUser("n2", "u", {1, "busy", 300, {}});
    QCOMPARE(m.user("u").status, QStringLiteral("busy"));
    m.setUser("n2", "u", {});
    QCOMPARE(m.user("u").status, QStringLiteral("away")); // what the remaining node says
    // Equal stamps: the greater node id, the same answer on every node.
    PresenceMirror t;
    t.setUser("a", "u", {1, "busy", 5, {}});
    t.setUser("b", "u", {1, "away", 5, {}});
    QCOMPARE(t.user("u").status, QStringLiteral("away"));
}

void TestPresenceMirror::roomsNeedOneNode()
{
    PresenceMirror m;
    QVERIFY(!m.inRoom("c", "u"));
    m.setRoom("n2", "c", "u", true);
    m.setRoom("n2", "c", "u", true); // repeated: still one node
    m.setRoom("n3", "c", "u", true);
    m.setRoom("n2", "c", "u", false);
    QVERIFY(m.inRoom("c", "u")); // n3 still has it
    m.setRoom("n3", "c", "u", false);
    QVERIFY(!m.inRoom("c", "u"));
    m.setRoom("n3", "c", "u", false); // leaving twice does not go negative
    m.setRoom("n2", "c", "u", true);
    QVERIFY(m.inRoom("c", "u"));
}

void TestPresenceMirror::dropNodeNamesWhatItHad()
{
    PresenceMirror m;
    m.setUser("dead", "gone", {1, "online", 0, {}});
    m.setUser("dead", "moved", {1, "online", 0, {}});
    m.setUser("alive", "moved", {1, "online", 0, {}});
    m.setRoom("dead", "c", "gone", true);
    m.setRoom("dead", "c", "moved", true);
    m.setRoom("alive", "c", "moved", true);
    const PresenceMirror::Dropped d = m.dropNode("dead");
    QCOMPARE(QSet<QString>(d.users.begin(), d.users.end()), (QSet<QString>{"gone", "moved"}));
    QCOMPARE(d.rooms.size(), 2);
    QCOMPARE(m.user("gone").connections, 0);
    QCOMPARE(m.user("moved").connections, 1); // reconnected elsewhere: still there
    QVERIFY(!m.inRoom("c", "gone"));
    QVERIFY(m.inRoom("c", "moved"));
    QVERIFY(!m.hasNode("dead"));
    QVERIFY(m.dropNode("dead").users.isEmpty()); // twice: nothing more
}

void TestPresenceMirror::hashValueRoundTrips()
{
    const PresenceMirror::UserState s{3, "busy", 1700000000123, {}};
    QCOMPARE(PresenceMirror::encode(s), QByteArray("3 busy 1700000000123"));
    QVERIFY(PresenceMirror::decode(PresenceMirror::encode(s)) == s);
}

void TestPresenceMirror::malformedHashValueIsNobody()
{
    for (const QByteArray &bad : {QByteArray(), QByteArray("garbage"), QByteArray("1 online"), QByteArray("2  5")})
        QCOMPARE(PresenceMirror::decode(bad).connections, 0);
}

void TestPresenceMirror::devicesPerUserAndRoom()
{
    // The user's sessions on a node travel in the hash value, after the stamp.
    const PresenceMirror::UserState s{2, "online", 5, {"s1", "s2"}};
    QCOMPARE(PresenceMirror::encode(s), QByteArray("2 online 5 s1,s2"));
    QVERIFY(PresenceMirror::decode(PresenceMirror::encode(s)) == s);
    QVERIFY(PresenceMirror::decode("2 online 5").devices.isEmpty()); // a node that sends none
    PresenceMirror m;
    m.setUser("n2", "u", s);
    QCOMPARE(m.userDevices("n2", "u"), (QStringList{"s1", "s2"}));
    m.setRoomDevices("n2", "c", "u", {"s1", "s2"});
    m.setRoomDevices("n2", "c", "u", {"s2"}); // one device left the room: still in it
    QVERIFY(m.inRoom("c", "u"));
    QCOMPARE(m.roomDevices("n2", "c", "u"), QStringList{"s2"});
    m.setRoomDevices("n2", "c", "u", {});
    QVERIFY(!m.inRoom("c", "u"));
    QVERIFY(m.roomDevices("n2", "c", "u").isEmpty());
    m.setRoomDevices("n3", "c", "u", {"s9"});
    const PresenceMirror::Dropped d = m.dropNode("n3");
    QCOMPARE(d.rooms, QStringList{RoomKey::of("c", "u")});
    QVERIFY(!m.inRoom("c", "u"));
}

} // namespace switchboard

QTEST_GUILESS_MAIN(switchboard::TestPresenceMirror)
#include "tst_presencemirror.moc"
