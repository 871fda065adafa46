#include "DispatcherTestMain.h"
#include "RedisServerProcess.h"
#include "RedisTestCommand.h"

#include "cluster/RedisConnection.h"
#include "cluster/RedisSubscriber.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include <memory>

namespace switchboard {

namespace {


// PUBLISH answers with the number of subscribers that received the message:
// a round trip that is also the barrier for everything the subscriber sent before.
qint64 publish(RedisConnection &c, const QByteArray &channel, const QByteArray &payload)
{
    const RedisReply r = run(c, {"PUBLISH", channel, payload});
    return r.isInteger() ? r.toInteger() : -1;
}

} // namespace

class TestRedisSubscriber : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void deliversAcrossConnections();
    void manyMessagesArriveInOrder();
    void countsSubscriptions();
    void dispatchesToTheOwnerThatSubscribed();
    void patterns();
    void flappingSubscriptionsSettle();
    void resubscribesAfterRedisRestart();

private:
    RedisServerProcess m_redis;
    std::unique_ptr<RedisConnection> m_publisher;
    std::unique_ptr<RedisSubscriber> m_subscriber;
};

void TestRedisSubscriber::initTestCase()
{
    if (!RedisServerProcess::available())
        QSKIP("/usr/bin/redis-server is missing (Debian package redis-server, scripts/setup.sh)");
    QVERIFY(m_redis.start());
}

void TestRedisSubscriber::init()
{
    const RedisUrl url = RedisUrl::parse(m_redis.url());
    m_publisher = std::make_unique<RedisConnection>(url);
    m_publisher->setReconnectDelays(20, 200);
    m_subscriber = std::make_unique<RedisSubscriber>(url);
    m_subscriber->connection()->setReconnectDelays(20, 200);
    QSignalSpy up(m_publisher.get(), &RedisConnection::connected);
    QSignalSpy ready(m_subscriber.get(), &RedisSubscriber::resubscribed);
    m_publisher->open();
    m_subscriber->open();
    QVERIFY(up.wait(kWaitMs));
    QVERIFY(ready.count() > 0 || ready.wait(kWaitMs));
}

void TestRedisSubscriber::cleanup()
{
    m_subscriber.reset();
    m_publisher.reset();
}

void TestRedisSubscriber::deliversAcrossConnections()
{
    QSignalSpy confirmed(m_subscriber.get(), &RedisSubscriber::subscribed);
    QSignalSpy messages(m_subscriber.get(), &RedisSubscriber::message);
    m_subscriber->subscribe("news");
    QVERIFY(confirmed.wait(kWaitMs));
    QCOMPARE(confirmed.first().first().toByteArray(), QByteArray("news"));

    const QByteArray binary("a\0b\r\n", 5);
    QCOMPARE(publish(*m_publisher, "news", binary), 1);
    QCOMPARE(publish(*m_publisher, "news", "second"), 1);
    QCOMPARE(publish(*m_publisher, "other", "nobody"), 0);
    QTRY_COMPARE_WITH_TIMEOUT(messages.count(), 2, kWaitMs);
    QCOMPARE(messages.at(0).at(0).toByteArray(), QByteArray("news"));
    QCOMPARE(messages.at(0).at(1).toByteArray(), binary);
    QCOMPARE(messages.at(1).at(1).toByteArray(), QByteArray("second"));
}

void TestRedisSubscriber::manyMessagesArriveInOrder()
{
    QSignalSpy confirmed(m_subscriber.get(), &RedisSubscriber::subscribed);
    m_subscriber->subscribe("stream");
    QVERIFY(confirmed.wait(kWaitMs));
    constexpr int kCount = 20000;
    QList<QByteArray> received;
    received.reserve(kCount);
    connect(m_subscriber.get(), &RedisSubscriber::message, this,
            [&](const QByteArray &, const QByteArray &payload) { received.append(payload); });
    int receivers = 0;
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < kCount; ++i)
        m_publisher->command({"PUBLISH", "stream", QByteArray::number(i)},
                             [&](const RedisReply &r) { receivers += int(r.toInteger()); });
    QVERIFY(QTest::qWaitFor([&] { return received.size() == kCount; }, kWaitMs));
    qInfo("%d pipelined PUBLISH delivered in %lld ms", kCount, clock.elapsed()); // a figure, not a limit
    for (int i = 0; i < kCount; ++i) QCOMPARE(received.at(i), QByteArray::number(i));
    QTRY_COMPARE_WITH_TIMEOUT(receivers, kCount, kWaitMs);
}

// Users sharing the connection (the cluster bus, the admin control channel)
// each hear only the channels they subscribed: nobody sorts by name prefix.
void TestRedisSubscriber::dispatchesToTheOwnerThatSubscribed()
{
    QObject bus, control;
    QList<QByteArray> busGot, controlGot;
    m_subscriber->setHandler(&bus, [&](const QByteArray &ch, const QByteArray &p) { busGot << ch + '=' + p; });
    m_subscriber->setHandler(&control, [&](const QByteArray &ch, const QByteArray &p) { controlGot << ch + '=' + p; });
    QSignalSpy confirmed(m_subscriber.get(), &RedisSubscriber::subscribed);
    m_subscriber->subscribe("sb:all", &bus);
    m_subscriber->subscribe("sb:ctl:n1", &control);
    m_subscriber->subscribe("shared", &bus);
    m_subscriber->subscribe("shared", &control);
    QTRY_COMPARE_WITH_TIMEOUT(confirmed.count(), 3, kWaitMs);
    QCOMPARE(m_subscriber->subscriberCount("shared"), 2);
    QCOMPARE(publish(*m_publisher, "sb:all", "e1"), 1);
    QCOMPARE(publish(*m_publisher, "sb:ctl:n1", "c1"), 1);
    QCOMPARE(publish(*m_publisher, "shared", "s1"), 1);
    // One owner leaving a shared channel keeps it for the other (and stops its own handler).
    m_subscriber->unsubscribe("shared", &control);
    m_subscriber->unsubscribe("sb:all", &control); // not control's: changes nothing
    QCOMPARE(m_subscriber->subscriberCount("sb:all"), 1);
    QCOMPARE(publish(*m_publisher, "shared", "s2"), 1);
    // Barrier: the last message on the bus's own channel comes after all of the above.
    QCOMPARE(publish(*m_publisher, "sb:all", "barrier"), 1);
    QTRY_COMPARE_WITH_TIMEOUT(busGot.size(), 4, kWaitMs);
    QCOMPARE(busGot, (QList<QByteArray>{"sb:all=e1", "shared=s1", "shared=s2", "sb:all=barrier"}));
    QCOMPARE(controlGot, (QList<QByteArray>{"sb:ctl:n1=c1", "shared=s1"}));
}

void TestRedisSubscriber::countsSubscriptions()
{
    QSignalSpy confirmed(m_subscriber.get(), &RedisSubscriber::subscribed);
    QSignalSpy gone(m_subscriber.get(), &RedisSubscriber::unsubscribed);
    QSignalSpy messages(m_subscriber.get(), &RedisSubscriber::message);
    m_subscriber->subscribe("room");
    m_subscriber->subscribe("room");
    QCOMPARE(m_subscriber->subscriberCount("room"), 2);
    QVERIFY(confirmed.wait(kWaitMs));

    m_subscriber->unsubscribe("room");
    QCOMPARE(m_subscriber->subscriberCount("room"), 1);
    // Barrier on the subscriber's own connection: once "barrier" is confirmed,
    // an UNSUBSCRIBE sent before it would have been executed too.
    m_subscriber->subscribe("barrier");
    QTRY_COMPARE_WITH_TIMEOUT(confirmed.count(), 2, kWaitMs);
    QCOMPARE(confirmed.at(1).first().toByteArray(), QByteArray("barrier"));
    QCOMPARE(gone.count(), 0);
    QCOMPARE(publish(*m_publisher, "room", "still here"), 1);
    QTRY_COMPARE_WITH_TIMEOUT(messages.count(), 1, kWaitMs);

    m_subscriber->unsubscribe("room");
    QCOMPARE(m_subscriber->subscriberCount("room"), 0);
    QVERIFY(gone.wait(kWaitMs));
    QCOMPARE(gone.first().first().toByteArray(), QByteArray("room"));
    QCOMPARE(publish(*m_publisher, "room", "nobody left"), 0);
    // Unsubscribing what is not subscribed changes nothing.
    m_subscriber->unsubscribe("room");
    QCOMPARE(m_subscriber->subscriberCount("room"), 0);
    QCOMPARE(publish(*m_publisher, "barrier", "after"), 1);
    QTRY_COMPARE_WITH_TIMEOUT(messages.count(), 2, kWaitMs);
    QCOMPARE(messages.at(1).at(0).toByteArray(), QByteArray("barrier"));
}

void TestRedisSubscriber::patterns()
{
    QSignalSpy confirmed(m_subscriber.get(), &RedisSubscriber::subscribed);
    QSignalSpy messages(m_subscriber.get(), &RedisSubscriber::patternMessage);
    m_subscriber->psubscribe("chan.*");
    QVERIFY(confirmed.wait(kWaitMs));
    QCOMPARE(publish(*m_publisher, "chan.42", "hi"), 1);
    QCOMPARE(publish(*m_publisher, "room.42", "no"), 0);
    QTRY_COMPARE_WITH_TIMEOUT(messages.count(), 1, kWaitMs);
    QCOMPARE(messages.first().at(0).toByteArray(), QByteArray("chan.*"));
    QCOMPARE(messages.first().at(1).toByteArray(), QByteArray("chan.42"));
    QCOMPARE(messages.first().at(2).toByteArray(), QByteArray("hi"));
    QSignalSpy gone(m_subscriber.get(), &RedisSubscriber::unsubscribed);
    m_subscriber->punsubscribe("chan.*");
    QVERIFY(gone.wait(kWaitMs));
    QCOMPARE(publish(*m_publisher, "chan.42", "late"), 0);
}

void TestRedisSubscriber::flappingSubscriptionsSettle()
{
    // SUBSCRIBE and UNSUBSCRIBE of one channel back to back, replies still on
    // the way: hiredis 0.14 must keep routing them (its pending_subs count).
    QSignalSpy confirmed(m_subscriber.get(), &RedisSubscriber::subscribed);
    QSignalSpy messages(m_subscriber.get(), &RedisSubscriber::message);
    for (int i = 0; i < 100; ++i) {
        m_subscriber->subscribe("flap.on");
        m_subscriber->unsubscribe("flap.on");
        m_subscriber->subscribe("flap.on");
        m_subscriber->subscribe("flap.off");
        m_subscriber->unsubscribe("flap.off");
        m_subscriber->unsubscribe("flap.on");
    }
    m_subscriber->subscribe("flap.on");
    m_subscriber->subscribe("flap.barrier");
    QVERIFY(QTest::qWaitFor(
        [&] {
        for (const QList<QVariant> &c : confirmed)
            if (c.first().toByteArray() == "flap.barrier") return true;
        return false;
        },
        kWaitMs));
    QCOMPARE(m_subscriber->subscriberCount("flap.on"), 1);
    QCOMPARE(m_subscriber->subscriberCount("flap.off"), 0);
    QCOMPARE(publish(*m_publisher, "flap.on", "x"), 1);
    QCOMPARE(publish(*m_publisher, "flap.off", "y"), 0);
    QCOMPARE(publish(*m_publisher, "flap.barrier", "z"), 1);
    QTRY_COMPARE_WITH_TIMEOUT(messages.count(), 2, kWaitMs);
    QCOMPARE(messages.at(0).at(0).toByteArray(), QByteArray("flap.on"));
    QCOMPARE(messages.at(1).at(0).toByteArray(), QByteArray("flap.barrier"));
    QVERIFY(m_subscriber->isConnected());
}

void TestRedisSubscriber::resubscribesAfterRedisRestart()
{
    QSignalSpy confirmed(m_subscriber.get(), &RedisSubscriber::subscribed);
    QSignalSpy down(m_subscriber.get(), &RedisSubscriber::disconnected);
    QSignalSpy again(m_subscriber.get(), &RedisSubscriber::resubscribed);
    QSignalSpy messages(m_subscriber.get(), &RedisSubscriber::message);
    QSignalSpy patternMessages(m_subscriber.get(), &RedisSubscriber::patternMessage);
    m_subscriber->subscribe("kept");
    m_subscriber->subscribe("dropped");
    m_subscriber->psubscribe("p.*");
    QTRY_COMPARE_WITH_TIMEOUT(confirmed.count(), 3, kWaitMs);

    m_redis.kill();
    QVERIFY(down.wait(kWaitMs));
    QVERIFY(!m_subscriber->isConnected());
    // Changes while down are kept and applied on reconnect.
    m_subscriber->unsubscribe("dropped");
    m_subscriber->subscribe("added");

    QSignalSpy publisherUp(m_publisher.get(), &RedisConnection::connected);
    QVERIFY(m_redis.restart());
    QVERIFY(again.wait(kWaitMs));
    QVERIFY(m_subscriber->isConnected());
    QVERIFY(publisherUp.count() > 0 || publisherUp.wait(kWaitMs));
    QCOMPARE(publish(*m_publisher, "kept", "1"), 1);
    QCOMPARE(publish(*m_publisher, "added", "2"), 1);
    QCOMPARE(publish(*m_publisher, "dropped", "3"), 0);
    QCOMPARE(publish(*m_publisher, "p.x", "4"), 1);
    QTRY_COMPARE_WITH_TIMEOUT(messages.count(), 2, kWaitMs);
    QCOMPARE(messages.at(0).at(0).toByteArray(), QByteArray("kept"));
    QCOMPARE(messages.at(1).at(0).toByteArray(), QByteArray("added"));
    QTRY_COMPARE_WITH_TIMEOUT(patternMessages.count(), 1, kWaitMs);
    QCOMPARE(again.count(), 1);
}

} // namespace switchboard

using namespace switchboard;
SWITCHBOARD_DISPATCHER_TEST_MAIN(TestRedisSubscriber)
#include "tst_redissubscriber.moc"
