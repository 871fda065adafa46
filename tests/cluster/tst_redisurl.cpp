#include "cluster/RedisUrl.h"

#include <QTest>

namespace switchboard {

class TestRedisUrl : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void valid_data();
    void valid();
    void invalid_data();
    void invalid();
    void displayHidesPassword();
};

void TestRedisUrl::valid_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<int>("db");
    QTest::addColumn<QByteArray>("user");
    QTest::addColumn<QByteArray>("password");
    QTest::newRow("host:port") << "redis://127.0.0.1:6380"
                               << "127.0.0.1" << 6380 << 0 << QByteArray() << QByteArray();
    QTest::newRow("default port") << "redis://localhost"
                                  << "localhost" << 6379 << 0 << QByteArray() << QByteArray();
    QTest::newRow("db") << "redis://127.0.0.1:7000/3"
                        << "127.0.0.1" << 7000 << 3 << QByteArray() << QByteArray();
    QTest::newRow("slash only") << "redis://h:1/"
                                << "h" << 1 << 0 << QByteArray() << QByteArray();
    QTest::newRow("password only") << "redis://:s3cret@h:2/1"
                                   << "h" << 2 << 1 << QByteArray() << QByteArray("s3cret");
    QTest::newRow("user and password") << "redis://app:pw@h:3"
                                       << "h" << 3 << 0 << QByteArray("app") << QByteArray("pw");
    QTest::newRow("percent-encoded") << "redis://u:p%40ss%3Aword@h:4"
                                     << "h" << 4 << 0 << QByteArray("u") << QByteArray("p@ss:word");
    QTest::newRow("ipv6") << "redis://[::1]:6379/2"
                          << "::1" << 6379 << 2 << QByteArray() << QByteArray();
}

void TestRedisUrl::valid()
{
    QFETCH(QString, text);
    QString error = QStringLiteral("untouched");
    const RedisUrl url = RedisUrl::parse(text, &error);
    QVERIFY2(url.isValid(), qPrintable(error));
    QVERIFY(error.isEmpty());
    QTEST(url.host(), "host");
    QTEST(int(url.port()), "port");
    QTEST(url.database(), "db");
    QTEST(url.user(), "user");
    QTEST(url.password(), "password");
}

void TestRedisUrl::invalid_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");
    QTest::newRow("empty") << ""
                           << "empty";
    QTest::newRow("scheme") << "http://h:1"
                            << "scheme must be redis://";
    QTest::newRow("no scheme") << "127.0.0.1:6379"
                               << "scheme must be redis://";
    QTest::newRow("no host") << "redis://:1"
                             << "no host";
    QTest::newRow("bad port") << "redis://h:99999"
                              << "cannot parse";
    QTest::newRow("text port") << "redis://h:abc"
                               << "cannot parse";
    QTest::newRow("empty port") << "redis://h:"
                                << "empty port";
    QTest::newRow("port 0") << "redis://h:0"
                            << "port 0";
    QTest::newRow("db text") << "redis://h:1/x"
                             << "database must be a number";
    QTest::newRow("db negative") << "redis://h:1/-1"
                                 << "database must be a number";
    QTest::newRow("db path") << "redis://h:1/1/2"
                             << "database must be a number";
    QTest::newRow("query") << "redis://h:1?db=2"
                           << "no query";
    QTest::newRow("user without password") << "redis://app@h:1"
                                           << "without a password";
}

void TestRedisUrl::invalid()
{
    QFETCH(QString, text);
    QFETCH(QString, message);
    QString error;
    const RedisUrl url = RedisUrl::parse(text, &error);
    QVERIFY(!url.isValid());
    QVERIFY2(error.startsWith(QLatin1String("redis URL: ")), qPrintable(error));
    QVERIFY2(error.contains(message), qPrintable(error));
}

void TestRedisUrl::displayHidesPassword()
{
    const RedisUrl url = RedisUrl::parse(QStringLiteral("redis://app:topsecret@h:5/2"));
    QVERIFY(url.isValid());
    QCOMPARE(url.toDisplayString(), QStringLiteral("redis://app:***@h:5/2"));
    QVERIFY(!url.toDisplayString().contains(QLatin1String("topsecret")));
}

} // namespace switchboard

QTEST_GUILESS_MAIN(switchboard::TestRedisUrl)
#include "tst_redisurl.moc"
