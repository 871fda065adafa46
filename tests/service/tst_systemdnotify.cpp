// The sd_notify protocol as systemd sees it: the real server binary started
// with NOTIFY_SOCKET pointing at a unix datagram socket of this test and
// WATCHDOG_USEC set, as a Type=notify unit with WatchdogSec= would start it.
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace {

QString serverBinary()
{
    const QString fromEnv = qEnvironmentVariable("SWITCHBOARD_SERVER");
    return fromEnv.isEmpty() ? QStringLiteral(SWITCHBOARD_SERVER_PATH) : fromEnv;
}

quint16 freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0)) return 0;
    return probe.serverPort();
}

// The status code of GET path, over a plain socket (blocking: the test's own
// event loop has nothing else to do meanwhile).
int httpStatus(quint16 port, const char *path)
{
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, port);
    if (!s.waitForConnected(10000)) return 0;
    s.write(QByteArray("GET ") + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    QByteArray head;
    while (!head.contains("\r\n") && s.waitForReadyRead(10000)) head += s.readAll();
    const QList<QByteArray> parts = head.left(head.indexOf("\r\n")).split(' ');
    return parts.size() >= 2 ? parts[1].toInt() : 0;
}

} // namespace

class SystemdNotifyTest : public QObject
{
    Q_OBJECT

private:
    int m_fd = -1;
    QTemporaryDir m_dir;

    // The next datagram, or an empty array after timeoutMs.
    QByteArray nextMessage(int timeoutMs = 15000)
    {
        QByteArray out;
        QTest::qWaitFor(
            [&] {
            char buf[4096];
            const ssize_t n = ::recv(m_fd, buf, sizeof buf, MSG_DONTWAIT);
            if (n > 0) out = QByteArray(buf, int(n));
            return n > 0;
            },
            timeoutMs);
        return out;
    }

    // The next datagram that is not a watchdog ping; counts the pings passed.
    QByteArray nextState(int *pings)
    {
        for (;;) {
            const QByteArray m = nextMessage();
            if (m != "WATCHDOG=1") return m;
            ++*pings;
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(QFileInfo::exists(serverBinary()), qPrintable(serverBinary()));
        m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        QVERIFY(m_fd >= 0);
        sockaddr_un addr = {};
        addr.sun_family = AF_UNIX;
        const QByteArray path = m_dir.filePath(QStringLiteral("notify")).toLocal8Bit();
        QVERIFY(size_t(path.size()) < sizeof addr.sun_path);
        memcpy(addr.sun_path, path.constData(), size_t(path.size()));
        QCOMPARE(::bind(m_fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr), 0);
    }

    void cleanupTestCase()
    {
        if (m_fd >= 0) ::close(m_fd);
    }

    void readyWatchdogReloadStopping()
    {
        const quint16 port = freePort();
        QProcess server;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("NOTIFY_SOCKET"), m_dir.filePath(QStringLiteral("notify")));
        env.insert(QStringLiteral("WATCHDOG_USEC"), QStringLiteral("200000")); // a ping every 100 ms
        env.remove(QStringLiteral("WATCHDOG_PID"));
        server.setProcessEnvironment(env);
        server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        server.start(serverBinary(), {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(port),
                                      QStringLiteral("--data-dir"), m_dir.filePath(QStringLiteral("data")),
                                      QStringLiteral("--jwt-secret"), QStringLiteral("notify-test-secret-0123456789"),
                                      QStringLiteral("--log-level"), QStringLiteral("warning")});
        QVERIFY(server.waitForStarted());

        int pings = 0;
        const QByteArray ready = nextState(&pings);
        QVERIFY2(ready.startsWith("READY=1"), ready.constData());
        // The moment READY arrives the server must already answer ready.
        QCOMPARE(httpStatus(port, "/readyz"), 200);

        // The watchdog keeps pinging from the event loop.
        QByteArray m;
        while (pings < 3) {
            m = nextMessage();
            QCOMPARE(m, QByteArray("WATCHDOG=1"));
            ++pings;
        }

        // SIGHUP: RELOADING=1 (with MONOTONIC_USEC), then READY=1 again.
        ::kill(pid_t(server.processId()), SIGHUP);
        const QByteArray reloading = nextState(&pings);
        QVERIFY2(reloading.startsWith("RELOADING=1\nMONOTONIC_USEC="), reloading.constData());
        QVERIFY(reloading.mid(reloading.indexOf('=', 12) + 1).toLongLong() > 0);
        const QByteArray readyAgain = nextState(&pings);
        QVERIFY2(readyAgain.startsWith("READY=1"), readyAgain.constData());
        QCOMPARE(httpStatus(port, "/readyz"), 200);

        // SIGTERM: STOPPING=1, then a clean exit.
        server.terminate();
        const QByteArray stopping = nextState(&pings);
        QVERIFY2(stopping.startsWith("STOPPING=1"), stopping.constData());
        QVERIFY(server.waitForFinished(15000));
        QCOMPARE(server.exitStatus(), QProcess::NormalExit);
        QCOMPARE(server.exitCode(), 0);
    }

    void silentWithoutNotifySocket()
    {
        // No NOTIFY_SOCKET: nothing arrives here, and the server still serves.
        const quint16 port = freePort();
        QProcess server;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("NOTIFY_SOCKET"));
        env.insert(QStringLiteral("WATCHDOG_USEC"), QStringLiteral("200000"));
        server.setProcessEnvironment(env);
        server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        server.start(serverBinary(), {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(port),
                                      QStringLiteral("--data-dir"), m_dir.filePath(QStringLiteral("data2")),
                                      QStringLiteral("--jwt-secret"), QStringLiteral("notify-test-secret-0123456789"),
                                      QStringLiteral("--log-level"), QStringLiteral("warning")});
        QVERIFY(server.waitForStarted());
        QVERIFY(QTest::qWaitFor([&] { return httpStatus(port, "/readyz") == 200; }, 15000));
        server.terminate();
        QVERIFY(server.waitForFinished(15000));
        QCOMPARE(server.exitCode(), 0);
        // Barrier: the process has exited, so anything it sent is queued by now.
        char buf[64];
        QCOMPARE(::recv(m_fd, buf, sizeof buf, MSG_DONTWAIT), ssize_t(-1));
    }
};

QTEST_GUILESS_MAIN(SystemdNotifyTest)
#include "tst_systemdnotify.moc"
