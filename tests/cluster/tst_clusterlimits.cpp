#include "DispatcherTestMain.h"
#include "RedisServerProcess.h"
#include "RedisTestCommand.h"

#include "cluster/ClusterLimits.h"
#include "cluster/RedisConnection.h"

#include <QSignalSpy>
#include <QTest>

#include <memory>

namespace switchboard {

namespace {

constexpr qint64 kWindowMs = 60000;

// A node's view of the limits: its own connection, as each server process has.
struct Node
{
    std::unique_ptr<RedisConnection> connection;
    std::unique_ptr<ClusterLimits> limits;
};

Node startNode(const QString &url)
{
    Node n;
    n.connection = std::make_unique<RedisConnection>(RedisUrl::parse(url));
    n.limits = std::make_unique<ClusterLimits>(n.connection.get());
    QSignalSpy up(n.connection.get(), &RedisConnection::connected);
    n.connection->open();
    if (!up.wait(kWaitMs)) return Node();
    return n;
}

} // namespace

class TestClusterLimits : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void reservationsFromTwoNodesAtOnceStopExactlyAtTheLimit();
    void aRefusalTellsTheWaitAndTeachesTheSyncCheck();
    void redisDownAllowsAfterTheCallReturns();

private:
    RedisServerProcess m_redis;
};

void TestClusterLimits::initTestCase()
{
    if (!RedisServerProcess::available())
        QSKIP("/usr/bin/redis-server is missing (Debian package redis-server, scripts/setup.sh)");
    QVERIFY(m_redis.start());
}

void TestClusterLimits::reservationsFromTwoNodesAtOnceStopExactlyAtTheLimit()
{
    Node a = startNode(m_redis.url());
    Node b = startNode(m_redis.url());
    QVERIFY(a.limits && b.limits);
    // 20 reservations sent before any answer, alternating nodes: each node
    // alone knows nothing yet, so only the shared count can stop them.
    const qint64 now = 5 * kWindowMs + 1000;
    int answered = 0, allowed = 0;
    for (int i = 0; i < 20; ++i) {
        Node &n = i % 2 ? b : a;
        n.limits->reserve(QStringLiteral("msg:u:c"), 6, kWindowMs, now, [&](bool ok, qint64 retry) {
            ++answered;
            if (ok) {
                ++allowed;
                QCOMPARE(retry, 0);
            } else {
                QCOMPARE(retry, kWindowMs - 1000); // until the window ends
            }
        });
    }
    QCOMPARE(answered, 0); // never answered inside the call
    QTRY_COMPARE_WITH_TIMEOUT(answered, 20, kWaitMs);
    QCOMPARE(allowed, 6);
    QCOMPARE(run(*a.connection, {"GET", "sb:rl:5:msg:u:c"}).toByteArray(), QByteArray("6"));
    const qint64 pttl = run(*a.connection, {"PTTL", "sb:rl:5:msg:u:c"}).toInteger();
    QVERIFY2(pttl > kWindowMs && pttl <= 2 * kWindowMs, QByteArray::number(pttl).constData());
    // Another key and the next window have counts of their own.
    bool other = false, next = false;
    a.limits->reserve(QStringLiteral("msg:u:d"), 6, kWindowMs, now, [&](bool ok, qint64) { other = ok; });
    b.limits->reserve(QStringLiteral("msg:u:c"), 6, kWindowMs, now + kWindowMs, [&](bool ok, qint64) { next = ok; });
    QTRY_VERIFY_WITH_TIMEOUT(other && next, kWaitMs);
}

void TestClusterLimits::aRefusalTellsTheWaitAndTeachesTheSyncCheck()
{
    Node a = startNode(m_redis.url());
    Node b = startNode(m_redis.url());
    QVERIFY(a.limits && b.limits);
    const qint64 now = 7 * kWindowMs + 30000;
    const QString key = QStringLiteral("join:u2");
    int done = 0;
    for (int i = 0; i < 3; ++i) a.limits->reserve(key, 3, kWindowMs, now, [&](bool, qint64) { ++done; });
    QTRY_COMPARE_WITH_TIMEOUT(done, 3, kWaitMs);
    qint64 retry = -1;
    // Node b has not seen the count: its quick check still says yes, the reservation no.
    QVERIFY(b.limits->allow(key, 3, kWindowMs, now, &retry));
    bool answered = false, ok = true;
    b.limits->reserve(key, 3, kWindowMs, now, [&](bool allowed, qint64 r) {
        answered = true;
        ok = allowed;
        retry = r;
    });
    QTRY_VERIFY_WITH_TIMEOUT(answered, kWaitMs);
    QVERIFY(!ok);
    QCOMPARE(retry, kWindowMs - 30000);
    // Now b knows: its quick check refuses without asking Redis.
    retry = -1;
    QVERIFY(!b.limits->allow(key, 3, kWindowMs, now + 10, &retry));
    QCOMPARE(retry, kWindowMs - 30010);
    QCOMPARE(run(*a.connection, {"GET", "sb:rl:7:join:u2"}).toByteArray(), QByteArray("3")); // refusals count nothing
}

void TestClusterLimits::redisDownAllowsAfterTheCallReturns()
{
    RedisServerProcess redis;
    QVERIFY(redis.start());
    Node a = startNode(redis.url());
    QVERIFY(a.limits);
    QSignalSpy down(a.connection.get(), &RedisConnection::disconnected);
    redis.stop();
    QVERIFY(down.wait(kWaitMs));
    bool answered = false, ok = false;
    a.limits->reserve(QStringLiteral("msg:x:y"), 1, kWindowMs, kWindowMs, [&](bool allowed, qint64) {
        answered = true;
        ok = allowed;
    });
    QVERIFY(!answered); // from the event loop, not inside reserve()
    QTRY_VERIFY_WITH_TIMEOUT(answered, kWaitMs);
    QVERIFY(ok); // each node's own limits hold while Redis is down
}

} // namespace switchboard

using namespace switchboard;
SWITCHBOARD_DISPATCHER_TEST_MAIN(TestClusterLimits)
#include "tst_clusterlimits.moc"
