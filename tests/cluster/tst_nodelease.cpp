#include "DispatcherTestMain.h"
#include "RedisServerProcess.h"
#include "RedisTestCommand.h"

#include "cluster/NodeLease.h"
#include "cluster/RedisConnection.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

#include <memory>

namespace switchboard {

namespace {

constexpr int kTtlMs = 600;
constexpr int kCheckMs = 150;

// A node: its own connection and lease, as each server process will have.
struct Node
{
    std::unique_ptr<RedisConnection> connection;
    std::unique_ptr<NodeLease> lease;
};

Node startNode(const QString &url, const QString &id)
{
    Node n;
    n.connection = std::make_unique<RedisConnection>(RedisUrl::parse(url));
    n.lease = std::make_unique<NodeLease>(n.connection.get(), id);
    n.lease->setTtl(kTtlMs);
    n.lease->setCheckInterval(kCheckMs);
    n.lease->setListenUrl(QStringLiteral("http://127.0.0.1:1/") + id);
    n.lease->setConnectionCount(7);
    QSignalSpy up(n.connection.get(), &RedisConnection::connected);
    n.connection->open();
    if (!up.wait(kWaitMs)) return Node();
    n.lease->start();
    return n;
}

// A clean shutdown: the release is in Redis before the node goes.
bool stopAndWait(Node &n)
{
    QSignalSpy released(n.lease.get(), &NodeLease::released);
    n.lease->stop();
    return released.wait(kWaitMs);
}

} // namespace

class TestNodeLease : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void nodesSeeEachOther();
    void deadNodeIsDownAtTheFirstCheckAfterItsLease();
    void stopGivesTheLeaseBack();

private:
    RedisServerProcess m_redis;
};

void TestNodeLease::initTestCase()
{
    if (!RedisServerProcess::available())
        QSKIP("/usr/bin/redis-server is missing (Debian package redis-server, scripts/setup.sh)");
    QVERIFY(m_redis.start());
}

void TestNodeLease::nodesSeeEachOther()
{
    Node a = startNode(m_redis.url(), QStringLiteral("a"));
    QVERIFY(a.lease);
    QSignalSpy aSees(a.lease.get(), &NodeLease::nodeUp);
    Node b = startNode(m_redis.url(), QStringLiteral("b"));
    QVERIFY(b.lease);
    QSignalSpy bChecked(b.lease.get(), &NodeLease::checked);
    QVERIFY(aSees.wait(kWaitMs));
    QCOMPARE(aSees.first().first().toString(), QStringLiteral("b"));
    QVERIFY(bChecked.wait(kWaitMs));
    QCOMPARE(b.lease->liveNodes(), (QSet<QString>{QStringLiteral("a"), QStringLiteral("b")}));

    const RedisReply json = run(*a.connection, {"GET", "sb:node:b"});
    const QJsonObject o = QJsonDocument::fromJson(json.toByteArray()).object();
    QCOMPARE(o.value(QStringLiteral("id")).toString(), QStringLiteral("b"));
    QCOMPARE(o.value(QStringLiteral("listen")).toString(), QStringLiteral("http://127.0.0.1:1/b"));
    QCOMPARE(o.value(QStringLiteral("connections")).toInt(), 7);
    QVERIFY(!o.value(QStringLiteral("started")).toString().isEmpty());
    const qint64 pttl = run(*a.connection, {"PTTL", "sb:node:b"}).toInteger();
    QVERIFY2(pttl > 0 && pttl <= kTtlMs, QByteArray::number(pttl).constData());
    QVERIFY(stopAndWait(a));
    QVERIFY(stopAndWait(b));
    QCOMPARE(run(*b.connection, {"ZCARD", "sb:nodes"}).toInteger(), 0);
    QVERIFY(run(*b.connection, {"GET", "sb:node:a"}).isNil());
}

void TestNodeLease::deadNodeIsDownAtTheFirstCheckAfterItsLease()
{
    Node a = startNode(m_redis.url(), QStringLiteral("watcher"));
    Node b = startNode(m_redis.url(), QStringLiteral("doomed"));
    QVERIFY(a.lease && b.lease);
    QSignalSpy up(a.lease.get(), &NodeLease::nodeUp);
    QVERIFY(up.wait(kWaitMs));

    QList<qint64> checks;
    qsizetype detectingCheck = -1;
    connect(a.lease.get(), &NodeLease::checked, this, [&](qint64 now) { checks.append(now); });
    connect(a.lease.get(), &NodeLease::nodeDown, this, [&](const QString &id) {
        if (id == QLatin1String("doomed")) detectingCheck = checks.size(); // checked() follows
    });

    // The node dies right after a refresh, without a goodbye (as under SIGKILL).
    QSignalSpy refreshed(b.lease.get(), &NodeLease::refreshed);
    QVERIFY(refreshed.wait(kWaitMs));
    const qint64 expiresAt = refreshed.last().first().toLongLong();
    b.lease.reset();
    b.connection.reset();

    QVERIFY(QTest::qWaitFor([&] { return detectingCheck >= 0 && checks.size() > detectingCheck; }, kWaitMs));
    QVERIFY(detectingCheck >= 1);
    // On Redis's clock: the check before still saw the lease, the next one did not.
    // So the node is down within ttl + one check interval of its last refresh.
    const qint64 detectedAt = checks.at(detectingCheck);
    QVERIFY2(checks.at(detectingCheck - 1) < expiresAt, "an earlier check should have seen the live lease");
    QVERIFY(detectedAt >= expiresAt);
    qInfo("lease expired at %lld, detected by the next check at %lld (+%lld ms; check interval %d ms)", expiresAt,
          detectedAt, detectedAt - expiresAt, kCheckMs);
    QVERIFY(!a.lease->liveNodes().contains(QStringLiteral("doomed")));
    QVERIFY(run(*a.connection, {"GET", "sb:node:doomed"}).isNil());
    QVERIFY(stopAndWait(a));
}

void TestNodeLease::stopGivesTheLeaseBack()
{
    Node a = startNode(m_redis.url(), QStringLiteral("stayer"));
    Node c = startNode(m_redis.url(), QStringLiteral("leaver"));
    QVERIFY(a.lease && c.lease);
    QSignalSpy up(a.lease.get(), &NodeLease::nodeUp);
    QSignalSpy down(a.lease.get(), &NodeLease::nodeDown);
    QVERIFY(up.wait(kWaitMs));
    QVERIFY(stopAndWait(c));
    QVERIFY(run(*c.connection, {"GET", "sb:node:leaver"}).isNil());
    QCOMPARE(run(*c.connection, {"ZSCORE", "sb:nodes", "leaver"}).type(), RedisReply::Type::Nil);
    QVERIFY(down.wait(kWaitMs));
    QCOMPARE(down.first().first().toString(), QStringLiteral("leaver"));
    QVERIFY(stopAndWait(a));
}

} // namespace switchboard

using namespace switchboard;
SWITCHBOARD_DISPATCHER_TEST_MAIN(TestNodeLease)
#include "tst_nodelease.moc"
