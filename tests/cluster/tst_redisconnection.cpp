#include "DispatcherTestMain.h"
#include "RedisServerProcess.h"
#include "RedisTestCommand.h"

#include "cluster/RedisConnection.h"

#include <QAbstractEventDispatcher>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <memory>

namespace switchboard {

namespace {


std::unique_ptr<RedisConnection> openConnection(const QString &url)
{
    auto c = std::make_unique<RedisConnection>(RedisUrl::parse(url));
    c->setReconnectDelays(20, 200);
    QSignalSpy up(c.get(), &RedisConnection::connected);
    c->open();
    if (!up.wait(kWaitMs)) return nullptr;
    return c;
}

} // namespace

class TestRedisConnection : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void runsOnTheServersDispatcher();
    void replyTypes();
    void pipelinedCommandsKeepTheirOrder();
    void binarySafe();
    void failsAtOnceWhenNotConnected();
    void boundedPending();
    void selectsTheDatabaseFromTheUrl();
    void wrongPasswordIsAClearError();
    void connectTimeout();
    void reconnectBackoffDoublesUpToItsCap();
    void killWithCommandsInFlightThenReconnect();
    void callbacksMayCloseOrSendDuringTeardown();
    void destroyingRunsPendingCallbacksOnce();

private:
    RedisServerProcess m_redis;
};

void TestRedisConnection::initTestCase()
{
    if (!RedisServerProcess::available())
        QSKIP("/usr/bin/redis-server is missing (Debian package redis-server, scripts/setup.sh)");
    QVERIFY(m_redis.start());
}

void TestRedisConnection::runsOnTheServersDispatcher()
{
    auto *dispatcher = qobject_cast<EpollEventDispatcher *>(QAbstractEventDispatcher::instance());
    if (!expectEpollDispatcher()) QSKIP("SWITCHBOARD_DISPATCHER=qt: Qt's own dispatcher");
    QVERIFY(dispatcher);
    const int before = dispatcher->watchedDescriptorCount();
    auto c = openConnection(m_redis.url());
    QVERIFY(c);
    // The hiredis descriptor is watched by our epoll dispatcher, not by a thread.
    QCOMPARE(dispatcher->watchedDescriptorCount(), before + 1);
    QCOMPARE(run(*c, {"PING"}).toByteArray(), QByteArray("PONG"));
    c->close();
    QCOMPARE(dispatcher->watchedDescriptorCount(), before);
}

void TestRedisConnection::replyTypes()
{
    auto c = openConnection(m_redis.url());
    QVERIFY(c);
    QVERIFY(c->isConnected());
    run(*c, {"DEL", "rt:s", "rt:n", "rt:l"});

    const RedisReply status = run(*c, {"SET", "rt:s", "hello"});
    QCOMPARE(status.type(), RedisReply::Type::Status);
    QCOMPARE(status.toByteArray(), QByteArray("OK"));

    const RedisReply string = run(*c, {"GET", "rt:s"});
    QCOMPARE(string.type(), RedisReply::Type::String);
    QCOMPARE(string.toByteArray(), QByteArray("hello"));

    QCOMPARE(run(*c, {"GET", "rt:missing"}).type(), RedisReply::Type::Nil);

    const RedisReply integer = run(*c, {"INCRBY", "rt:n", "-42"});
    QCOMPARE(integer.type(), RedisReply::Type::Integer);
    QCOMPARE(integer.toInteger(), -42);

    const RedisReply error = run(*c, {"NOSUCHCOMMAND", "x"});
    QCOMPARE(error.type(), RedisReply::Type::Error);
    QVERIFY2(error.toByteArray().startsWith("ERR unknown command"), error.toByteArray().constData());
    // An error reply does not break the connection.
    QCOMPARE(run(*c, {"PING"}).toByteArray(), QByteArray("PONG"));

    const RedisReply mget = run(*c, {"MGET", "rt:s", "rt:missing", "rt:n"});
    QCOMPARE(mget.type(), RedisReply::Type::Array);
    QCOMPARE(mget.elements().size(), 3);
    QCOMPARE(mget.elements().at(0).toByteArray(), QByteArray("hello"));
    QVERIFY(mget.elements().at(1).isNil());
    QCOMPARE(mget.elements().at(2).toByteArray(), QByteArray("-42"));

    QCOMPARE(run(*c, {"LRANGE", "rt:l", "0", "-1"}).elements().size(), 0);

    // Nested arrays, integers and statuses inside an array, from Lua.
    const RedisReply nested = run(*c, {"EVAL", "return {1, {'a', {ok='fine'}}, false}", "0"});
    QCOMPARE(nested.toDebugString(), QByteArray("[(integer) 1, [\"a\", 'fine'], (nil)]"));
}

void TestRedisConnection::pipelinedCommandsKeepTheirOrder()
{
    auto c = openConnection(m_redis.url());
    QVERIFY(c);
    run(*c, {"DEL", "order"});
    constexpr int kCount = 20000;
    QList<qint64> seen;
    seen.reserve(kCount);
    QElapsedTimer clock;
    clock.start();
    // All sent in one loop pass: hiredis pipelines them on the socket.
    for (int i = 0; i < kCount; ++i)
        c->command({"INCR", "order"}, [&](const RedisReply &r) { seen.append(r.toInteger()); });
    QCOMPARE(c->pendingCount(), kCount);
    QVERIFY(QTest::qWaitFor([&] { return seen.size() == kCount; }, kWaitMs));
    qInfo("%d pipelined INCR answered in %lld ms", kCount, clock.elapsed()); // a figure, not a limit
    for (int i = 0; i < kCount; ++i) QCOMPARE(seen.at(i), qint64(i + 1));
    QCOMPARE(c->pendingCount(), 0);
}

void TestRedisConnection::binarySafe()
{
    auto c = openConnection(m_redis.url());
    QVERIFY(c);
    const QByteArray key("bin\0key\r\n", 9);
    const QByteArray small("a\0b\0\0c\r\n$3\r\n", 12);
    QCOMPARE(run(*c, {"SET", key, small}).toByteArray(), QByteArray("OK"));
    QCOMPARE(run(*c, {"GET", key}).toByteArray(), small);
    QCOMPARE(run(*c, {"STRLEN", key}).toInteger(), 12);

    QByteArray big(1024 * 1024, Qt::Uninitialized);
    QRandomGenerator rng(13);
    for (char &ch : big) ch = char(rng.bounded(256));
    big[0] = '\0';
    big[big.size() - 1] = '\0';
    QCOMPARE(run(*c, {"SET", "bin:big", big}).toByteArray(), QByteArray("OK"));
    QCOMPARE(run(*c, {"STRLEN", "bin:big"}).toInteger(), qint64(big.size()));
    const RedisReply back = run(*c, {"GET", "bin:big"});
    QCOMPARE(back.type(), RedisReply::Type::String);
    QVERIFY(back.toByteArray() == big);
}

void TestRedisConnection::failsAtOnceWhenNotConnected()
{
    RedisConnection c(RedisUrl::parse(m_redis.url())); // never opened
    int calls = 0;
    RedisReply reply;
    c.command({"PING"}, [&](const RedisReply &r) {
        ++calls;
        reply = r;
    });
    QCOMPARE(calls, 0); // never inside command()
    QVERIFY(QTest::qWaitFor([&] { return calls > 0; }, kWaitMs));
    QVERIFY(reply.isError());
    QVERIFY2(reply.toByteArray().startsWith("NOTCONNECTED"), reply.toByteArray().constData());
    // Barrier: a later failure comes after; the first callback ran once only.
    bool later = false;
    c.command({"PING"}, [&](const RedisReply &) { later = true; });
    QVERIFY(QTest::qWaitFor([&] { return later; }, kWaitMs));
    QCOMPARE(calls, 1);

    int emptyCalls = 0;
    c.command({}, [&](const RedisReply &r) {
        ++emptyCalls;
        QVERIFY(r.toByteArray().contains("empty"));
    });
    QVERIFY(QTest::qWaitFor([&] { return emptyCalls == 1; }, kWaitMs));
}

void TestRedisConnection::boundedPending()
{
    auto c = openConnection(m_redis.url());
    QVERIFY(c);
    c->setMaxPending(3);
    QList<RedisReply> replies(4);
    int calls = 0;
    for (int i = 0; i < 4; ++i)
        c->command({"PING"}, [&, i](const RedisReply &r) {
            replies[i] = r;
            ++calls;
        });
    QCOMPARE(c->pendingCount(), 3);
    QVERIFY(QTest::qWaitFor([&] { return calls == 4; }, kWaitMs));
    for (int i = 0; i < 3; ++i) QCOMPARE(replies.at(i).toByteArray(), QByteArray("PONG"));
    QVERIFY(replies.at(3).isError());
    QVERIFY2(replies.at(3).toByteArray().startsWith("BUSY"), replies.at(3).toByteArray().constData());
    // Room again once the replies are in.
    QCOMPARE(run(*c, {"PING"}).toByteArray(), QByteArray("PONG"));
}

void TestRedisConnection::selectsTheDatabaseFromTheUrl()
{
    auto db0 = openConnection(m_redis.url());
    auto db5 = openConnection(m_redis.url(QStringLiteral("/5")));
    QVERIFY(db0 && db5);
    run(*db0, {"DEL", "where"});
    QCOMPARE(run(*db5, {"SET", "where", "five"}).toByteArray(), QByteArray("OK"));
    QVERIFY(run(*db0, {"GET", "where"}).isNil());
    QCOMPARE(run(*db5, {"GET", "where"}).toByteArray(), QByteArray("five"));
    QVERIFY(run(*db5, {"CLIENT", "INFO"}).toByteArray().contains(" db=5 "));

    // A database the server does not have is a login error, named as such.
    RedisConnection db99(RedisUrl::parse(m_redis.url(QStringLiteral("/99"))));
    db99.setReconnectDelays(5000, 5000);
    QSignalSpy errors(&db99, &RedisConnection::errorOccurred);
    db99.open();
    QVERIFY(errors.wait(kWaitMs));
    const QString message = errors.first().first().toString();
    QVERIFY2(message.contains(QLatin1String("SELECT failed")) && message.contains(QLatin1String("out of range")),
             qPrintable(message));
    QVERIFY(!db99.isConnected());
}

void TestRedisConnection::wrongPasswordIsAClearError()
{
    RedisServerProcess secured;
    QVERIFY(secured.start({QStringLiteral("--requirepass"), QStringLiteral("s3cret")}));

    RedisConnection wrong(RedisUrl::parse(secured.urlWithAuth(QStringLiteral(":wrong"))));
    wrong.setReconnectDelays(1000, 5000);
    QSignalSpy errors(&wrong, &RedisConnection::errorOccurred);
    QSignalSpy up(&wrong, &RedisConnection::connected);
    wrong.open();
    QVERIFY(errors.wait(kWaitMs));
    const QString message = errors.first().first().toString();
    QVERIFY2(message.contains(QLatin1String("AUTH failed")), qPrintable(message));
    QVERIFY2(message.contains(QLatin1String("WRONGPASS")), qPrintable(message));
    QVERIFY2(!message.contains(QLatin1String("wrong")), qPrintable(message)); // the password is not logged
    QVERIFY(!wrong.isConnected());
    QCOMPARE(wrong.lastError(), message);

    // No password at all: Redis refuses the first command.
    auto none = std::make_unique<RedisConnection>(RedisUrl::parse(secured.url()));
    QSignalSpy noneErrors(none.get(), &RedisConnection::errorOccurred);
    none->open();
    QVERIFY(noneErrors.wait(kWaitMs));
    QVERIFY2(noneErrors.first().first().toString().contains(QLatin1String("NOAUTH")),
             qPrintable(noneErrors.first().first().toString()));

    auto right = openConnection(secured.urlWithAuth(QStringLiteral(":s3cret")));
    QVERIFY(right);
    QCOMPARE(run(*right, {"PING"}).toByteArray(), QByteArray("PONG"));
    auto named = openConnection(secured.urlWithAuth(QStringLiteral("default:s3cret"), QStringLiteral("/2")));
    QVERIFY(named);
    QVERIFY(run(*named, {"CLIENT", "INFO"}).toByteArray().contains(" db=2 "));
    QCOMPARE(up.count(), 0);
}

void TestRedisConnection::connectTimeout()
{
    // Accepts TCP (the kernel's backlog) and never answers the PING.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
    RedisConnection c(RedisUrl::parse(QStringLiteral("redis://127.0.0.1:%1").arg(silent.serverPort())));
    c.setConnectTimeout(300);
    c.setReconnectDelays(5000, 5000);
    QSignalSpy errors(&c, &RedisConnection::errorOccurred);
    c.open();
    QVERIFY(errors.wait(kWaitMs));
    QVERIFY2(errors.first().first().toString().contains(QLatin1String("no answer within 300 ms")),
             qPrintable(errors.first().first().toString()));
    QVERIFY(!c.isConnected());
}

void TestRedisConnection::reconnectBackoffDoublesUpToItsCap()
{
    quint16 closedPort = 0;
    {
        QTcpServer probe; // a port that was free a moment ago: connecting is refused
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        closedPort = probe.serverPort();
    }
    RedisConnection c(RedisUrl::parse(QStringLiteral("redis://127.0.0.1:%1").arg(closedPort)));
    c.setReconnectDelays(10, 40);
    QList<int> delays;
    QStringList messages;
    connect(&c, &RedisConnection::errorOccurred, this, [&](const QString &message) {
        delays.append(c.reconnectDelay());
        messages.append(message);
    });
    c.open();
    QVERIFY(QTest::qWaitFor([&] { return delays.size() >= 5; }, kWaitMs));
    c.close();
    QCOMPARE(delays.mid(0, 5), (QList<int>{10, 20, 40, 40, 40}));
    QVERIFY2(messages.first().contains(QLatin1String("refused")), qPrintable(messages.first()));
    QCOMPARE(c.reconnectDelay(), -1); // close() stops retrying
}

void TestRedisConnection::killWithCommandsInFlightThenReconnect()
{
    RedisServerProcess redis;
    QVERIFY(redis.start());
    auto c = openConnection(redis.url());
    auto observer = openConnection(redis.url());
    QVERIFY(c && observer);
    QSignalSpy down(c.get(), &RedisConnection::disconnected);
    QSignalSpy up(c.get(), &RedisConnection::connected);

    // BLPOP holds the connection, so everything behind it stays unanswered.
    constexpr int kCount = 200;
    QList<int> calls(kCount + 1, 0);
    QList<RedisReply> replies(kCount + 1);
    auto record = [&](int i) {
        return [&, i](const RedisReply &r) {
            ++calls[i];
            replies[i] = r;
        };
    };
    c->command({"BLPOP", "never", "0"}, record(0));
    for (int i = 1; i <= kCount; ++i) c->command({"INCR", "inflight"}, record(i));
    QCOMPARE(c->pendingCount(), kCount + 1);
    // Barrier: Redis has the BLPOP (and, on the same socket, what was written with it).
    QTRY_VERIFY_WITH_TIMEOUT(run(*observer, {"INFO", "clients"}).toByteArray().contains("blocked_clients:1"), kWaitMs);

    redis.kill();
    QVERIFY(down.wait(kWaitMs));
    QVERIFY(!c->isConnected());
    for (int i = 0; i <= kCount; ++i) {
        QCOMPARE(calls.at(i), 1);
        QVERIFY2(replies.at(i).isError(), replies.at(i).toDebugString().constData());
        QVERIFY2(replies.at(i).toByteArray().startsWith("DISCONNECTED"), replies.at(i).toByteArray().constData());
    }
    QCOMPARE(c->pendingCount(), 0);
    QVERIFY(c->lastError().contains(QLatin1String("connection lost")));

    // While down: fail at once, not queued.
    bool refused = false;
    c->command({"PING"}, [&](const RedisReply &r) { refused = r.toByteArray().startsWith("NOTCONNECTED"); });
    QVERIFY(QTest::qWaitFor([&] { return refused; }, kWaitMs));

    QVERIFY(redis.restart());
    QVERIFY(up.wait(kWaitMs));
    QVERIFY(c->isConnected());
    QCOMPARE(run(*c, {"PING"}).toByteArray(), QByteArray("PONG"));
    // Barrier passed (a round trip on the new connection): no callback ran twice.
    for (int i = 0; i <= kCount; ++i) QCOMPARE(calls.at(i), 1);
    QCOMPARE(down.count(), 1);
}

void TestRedisConnection::callbacksMayCloseOrSendDuringTeardown()
{
    RedisServerProcess redis;
    QVERIFY(redis.start());
    auto c = openConnection(redis.url());
    auto observer = openConnection(redis.url());
    QVERIFY(c && observer);
    int errors = 0;
    int resentRefused = 0;
    c->command({"BLPOP", "never", "0"}, [&](const RedisReply &r) {
        errors += r.isError();
        // Re-entering from inside hiredis's teardown: refused, later, once.
        c->command({"PING"},
                   [&](const RedisReply &again) { resentRefused += again.toByteArray().startsWith("NOTCONNECTED"); });
    });
    c->command({"PING"}, [&](const RedisReply &r) {
        errors += r.isError();
        c->close(); // no reconnect after this
    });
    c->command({"PING"}, [&](const RedisReply &r) { errors += r.isError(); });
    QTRY_VERIFY_WITH_TIMEOUT(run(*observer, {"INFO", "clients"}).toByteArray().contains("blocked_clients:1"), kWaitMs);
    QSignalSpy down(c.get(), &RedisConnection::disconnected);
    redis.kill();
    QVERIFY(down.wait(kWaitMs));
    QCOMPARE(errors, 3);
    QTRY_COMPARE_WITH_TIMEOUT(resentRefused, 1, kWaitMs);
    // close() from the callback holds: Redis comes back, the connection stays down.
    QSignalSpy up(c.get(), &RedisConnection::connected);
    QVERIFY(redis.restart());
    QVERIFY(QTest::qWaitFor([&] { return observer->isConnected(); }, kWaitMs));
    QCOMPARE(run(*observer, {"PING"}).toByteArray(), QByteArray("PONG"));
    QCOMPARE(up.count(), 0);
    QVERIFY(!c->isConnected());
}

void TestRedisConnection::destroyingRunsPendingCallbacksOnce()
{
    auto c = openConnection(m_redis.url());
    auto observer = openConnection(m_redis.url());
    QVERIFY(c && observer);
    QList<int> calls(3, 0);
    QList<QByteArray> messages(3);
    for (int i = 0; i < 3; ++i) {
        const QList<QByteArray> argv = i == 0 ? QList<QByteArray>{"BLPOP", "never:destroy", "0"}
                                              : QList<QByteArray>{"PING"};
        c->command(argv, [&, i](const RedisReply &r) {
            ++calls[i];
            messages[i] = r.toByteArray();
        });
    }
    int refused = 0;
    c->command({}, [&](const RedisReply &) { ++refused; }); // a failure not yet delivered
    QTRY_VERIFY_WITH_TIMEOUT(run(*observer, {"INFO", "clients"}).toByteArray().contains("blocked_clients:1"), kWaitMs);
    c.reset();
    QCOMPARE(calls, (QList<int>{1, 1, 1}));
    QCOMPARE(refused, 1);
    for (const QByteArray &m : messages) QVERIFY2(m.startsWith("DISCONNECTED"), m.constData());
    // Redis saw the client go: nothing stays blocked.
    QTRY_VERIFY_WITH_TIMEOUT(run(*observer, {"INFO", "clients"}).toByteArray().contains("blocked_clients:0"), kWaitMs);
}

} // namespace switchboard

using namespace switchboard;
SWITCHBOARD_DISPATCHER_TEST_MAIN(TestRedisConnection)
#include "tst_redisconnection.moc"
