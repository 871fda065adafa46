// Topic subscriptions and fan-out: once per session, only to subscribers.

#include "FakeSession.h"
#include "core/HashCompaction.h"
#include "core/RoomManager.h"
#include "core/SessionSet.h"

#include <QSignalSpy>
#include <QTest>

#include <memory>
#include <vector>

using namespace switchboard;

namespace {

User user(const QString &name)
{
    User u;
    u.id = name + QStringLiteral("-id");
    u.username = name;
    return u;
}

ChatEventPtr makeEvent(ChatEvent::Type type = ChatEvent::Type::MessageCreated)
{
    auto e = std::make_shared<ChatEvent>();
    e->type = type;
    e->message.content = QStringLiteral("hello");
    return e;
}

} // namespace

class RoomManagerTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<Session *>(); } // for QSignalSpy on subscribed/unsubscribed

    // After a crowd left, compact() gives the tables' storage back and the
    // sessions that stayed are still subscribed and reached.
    void compactAfterACrowdLeftKeepsTheRest()
    {
        RoomManager rooms;
        std::vector<std::unique_ptr<FakeSession>> crowd;
        for (int i = 0; i < 4000; ++i) {
            crowd.push_back(std::make_unique<FakeSession>(user(QStringLiteral("u%1").arg(i))));
            rooms.subscribe(crowd.back().get(), RoomManager::userTopic(QString::number(i)));
            rooms.subscribe(crowd.back().get(), QStringLiteral("c:team"));
        }
        for (int i = 3; i < 4000; ++i) rooms.unsubscribeAll(crowd[size_t(i)].get());
        rooms.compact();
        QCOMPARE(rooms.subscriberCount(QStringLiteral("c:team")), 3);
        QCOMPARE(rooms.publish({QStringLiteral("c:team"), RoomManager::userTopic(QStringLiteral("1"))}, makeEvent()),
                 3);
        QCOMPARE(crowd[1]->events.size(), 1); // once, though it is in both topics
        QCOMPARE(crowd[3]->events.size(), 0);
        // The helper itself: a mostly empty hash shrinks, a fuller one is left alone.
        QHash<QString, int> sparse, full;
        for (int i = 0; i < 4000; ++i) sparse.insert(QString::number(i), i), full.insert(QString::number(i), i);
        for (int i = 10; i < 4000; ++i) sparse.remove(QString::number(i));
        for (int i = 0; i < 1000; ++i) full.remove(QString::number(i));
        const qsizetype sparseBefore = sparse.capacity(), fullBefore = full.capacity();
        squeezeIfSparse(sparse);
        squeezeIfSparse(full);
        QVERIFY2(sparse.capacity() < sparseBefore / 8, qPrintable(QString::number(sparse.capacity())));
        QCOMPARE(full.capacity(), fullBefore);
        QCOMPARE(sparse.size(), 10);
        QCOMPARE(sparse.value(QStringLiteral("7")), 7);
    }

    // SessionSet: inline up to two members, a QSet beyond; the same answers either way.
    void sessionSetKeepsMembersAcrossItsTwoForms()
    {
        std::vector<std::unique_ptr<FakeSession>> s;
        for (int i = 0; i < 5; ++i) s.push_back(std::make_unique<FakeSession>(user(QStringLiteral("s%1").arg(i))));
        SessionSet set;
        QVERIFY(set.isEmpty());
        for (int i = 0; i < 5; ++i) {
            QVERIFY(set.insert(s[size_t(i)].get()));
            QVERIFY(!set.insert(s[size_t(i)].get()));
            QCOMPARE(set.size(), i + 1);
            for (int j = 0; j < 5; ++j) QCOMPARE(set.contains(s[size_t(j)].get()), j <= i);
        }
        int visited = 0;
        set.forEach([&](Session *) { ++visited; });
        QCOMPARE(visited, 5);
        QVERIFY(set.remove(s[0].get()));
        QVERIFY(!set.remove(s[0].get()));
        const QList<Session *> left = set.values();
        QCOMPARE(QSet<Session *>(left.cbegin(), left.cend()).size(), 4);
        for (int i = 1; i < 5; ++i) QVERIFY(set.remove(s[size_t(i)].get()));
        QVERIFY(set.isEmpty());
        QVERIFY(set.values().isEmpty());
        // Small again after being large.
        QVERIFY(set.insert(s[2].get()));
        QVERIFY(set.contains(s[2].get()));
        QCOMPARE(set.values(), QList<Session *>{s[2].get()});
    }

    void topicNamesCarryTheirKind()
    {
        QCOMPARE(RoomManager::channelTopic(QStringLiteral("x")), QStringLiteral("c:x"));
        QCOMPARE(RoomManager::workspaceTopic(QStringLiteral("x")), QStringLiteral("w:x"));
        QCOMPARE(RoomManager::userTopic(QStringLiteral("x")), QStringLiteral("u:x"));
    }

    void publishReachesOnlySubscribers()
    {
        RoomManager rooms;
        FakeSession a(user(QStringLiteral("a"))), b(user(QStringLiteral("b"))), c(user(QStringLiteral("c")));
        rooms.subscribe(&a, QStringLiteral("c:1"));
        rooms.subscribe(&b, QStringLiteral("c:1"));
        rooms.subscribe(&c, QStringLiteral("c:2"));
        const ChatEventPtr e = makeEvent();
        QCOMPARE(rooms.publish({QStringLiteral("c:1")}, e), 2);
        QCOMPARE(a.events.size(), 1);
        QCOMPARE(a.events.first().get(), e.get()); // the same shared event, not a copy
        QCOMPARE(b.events.size(), 1);
        QCOMPARE(c.events.size(), 0);
        QCOMPARE(rooms.publish({QStringLiteral("c:nobody")}, e), 0);
    }

    void publishToSeveralTopicsDeliversOncePerSession()
    {
        RoomManager rooms;
        FakeSession a(user(QStringLiteral("a"))), b(user(QStringLiteral("b")));
        rooms.subscribe(&a, QStringLiteral("c:1"));
        rooms.subscribe(&a, QStringLiteral("w:1"));
        rooms.subscribe(&a, QStringLiteral("u:a"));
        rooms.subscribe(&b, QStringLiteral("w:1"));
        QCOMPARE(rooms.publish({QStringLiteral("c:1"), QStringLiteral("w:1"), QStringLiteral("u:a"),
                                QStringLiteral("u:zz")},
                               makeEvent()),
                 2);
        QCOMPARE(a.events.size(), 1);
        QCOMPARE(b.events.size(), 1);
    }

    void subscribingTwiceIsIdempotent()
    {
        RoomManager rooms;
        FakeSession a(user(QStringLiteral("a")));
        QSignalSpy subscribed(&rooms, &RoomManager::subscribed);
        rooms.subscribe(&a, QStringLiteral("c:1"));
        rooms.subscribe(&a, QStringLiteral("c:1"));
        QCOMPARE(subscribed.count(), 1);
        QCOMPARE(rooms.subscriberCount(QStringLiteral("c:1")), 1);
        QVERIFY(rooms.isSubscribed(&a, QStringLiteral("c:1")));
        QCOMPARE(a.topics(), QStringList{QStringLiteral("c:1")});
        rooms.publish({QStringLiteral("c:1")}, makeEvent());
        QCOMPARE(a.events.size(), 1);
    }

    void unsubscribeStopsDeliveryOnThatTopicOnly()
    {
        RoomManager rooms;
        FakeSession a(user(QStringLiteral("a")));
        rooms.subscribe(&a, QStringLiteral("c:1"));
        rooms.subscribe(&a, QStringLiteral("c:2"));
        QSignalSpy unsubscribed(&rooms, &RoomManager::unsubscribed);
        rooms.unsubscribe(&a, QStringLiteral("c:1"));
        rooms.unsubscribe(&a, QStringLiteral("c:1"));     // already gone: no signal
        rooms.unsubscribe(&a, QStringLiteral("c:never")); // never there: no signal
        QCOMPARE(unsubscribed.count(), 1);
        QVERIFY(!rooms.isSubscribed(&a, QStringLiteral("c:1")));
        QCOMPARE(rooms.subscriberCount(QStringLiteral("c:1")), 0);
        QCOMPARE(rooms.publish({QStringLiteral("c:1")}, makeEvent()), 0);
        QCOMPARE(rooms.publish({QStringLiteral("c:2")}, makeEvent()), 1);
        QCOMPARE(a.events.size(), 1);
    }

    void unsubscribeAllLeavesEveryTopic()
    {
        RoomManager rooms;
        FakeSession a(user(QStringLiteral("a"))), b(user(QStringLiteral("b")));
        for (const char *t : {"c:1", "c:2", "w:1", "u:a"}) rooms.subscribe(&a, QString::fromLatin1(t));
        rooms.subscribe(&b, QStringLiteral("c:1"));
        QSignalSpy unsubscribed(&rooms, &RoomManager::unsubscribed);
        rooms.unsubscribeAll(&a);
        QCOMPARE(unsubscribed.count(), 4);
        QVERIFY(a.topics().isEmpty());
        for (const char *t : {"c:2", "w:1", "u:a"}) QCOMPARE(rooms.subscriberCount(QString::fromLatin1(t)), 0);
        QCOMPARE(rooms.subscribers(QStringLiteral("c:1")), QList<Session *>{&b});
        QCOMPARE(rooms.publish({QStringLiteral("c:1"), QStringLiteral("c:2"), QStringLiteral("w:1"),
                                QStringLiteral("u:a")},
                               makeEvent()),
                 1);
        QCOMPARE(a.events.size(), 0);
        QCOMPARE(b.events.size(), 1);
    }

    void sessionClosedDuringFanOutIsSkipped()
    {
        // Whichever is delivered first closes the other (a slow reader cut off mid-broadcast).
        RoomManager rooms;
        FakeSession a(user(QStringLiteral("a"))), b(user(QStringLiteral("b")));
        a.onDeliver = [&](const ChatEventPtr &) { rooms.unsubscribeAll(&b); };
        b.onDeliver = [&](const ChatEventPtr &) { rooms.unsubscribeAll(&a); };
        rooms.subscribe(&a, QStringLiteral("c:1"));
        rooms.subscribe(&b, QStringLiteral("c:1"));
        QCOMPARE(rooms.publish({QStringLiteral("c:1")}, makeEvent()), 1);
        QCOMPARE(a.events.size() + b.events.size(), 1);
    }
};

QTEST_GUILESS_MAIN(RoomManagerTest)
#include "tst_roommanager.moc"
