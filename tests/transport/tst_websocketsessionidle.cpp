// WebSocketSession's idle timeout (the Phoenix heartbeat timeout, the
// workspace JSON heartbeat): sessions opened in one pass time out spread over
// a tenth of the timeout, never before it. Sessions over socket pairs, never
// attached to a core (no ChatService needed for the timer).
#include "../net/ClientFrame.h"
#include "net/WebSocketConnection.h"
#include "transport/WebSocketSession.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QTest>
#include <QTimer>

#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <set>
#include <vector>

using namespace switchboard;

namespace {

class IdleSession : public WebSocketSession
{
public:
    IdleSession(WebSocketConnection *socket, const Limits &limits)
        : WebSocketSession(nullptr, socket, QStringLiteral("test"), limits)
    {
    }
    void deliver(const ChatEventPtr &) override {}
    int idleTimeouts = 0;
    int frames = 0;

protected:
    void onTextFrame(const QString &) override { ++frames; }
    void onOversizedFrame(qint64) override {}
    void onIdleTimeout() override { ++idleTimeouts; }
};

struct Pair
{
    std::unique_ptr<IdleSession> session;
    int peer = -1;
    ~Pair()
    {
        if (peer >= 0) ::close(peer);
    }
};

std::unique_ptr<Pair> open(const WebSocketSession::Limits &limits)
{
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0) return nullptr;
    auto p = std::make_unique<Pair>();
    p->peer = fds[1];
    p->session = std::make_unique<IdleSession>(new WebSocketConnection(fds[0], QHostAddress::LocalHost, 1, {}, {},
                                                                       1 << 20),
                                               limits);
    return p;
}

} // namespace

class tst_WebSocketSessionIdle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void idleTimeoutsOfSessionsOpenedTogetherAreSpreadAndNeverEarly()
    {
        WebSocketSession::Limits limits;
        limits.idleTimeoutMs = 60000;
        QElapsedTimer clock;
        clock.start();
        std::vector<std::unique_ptr<Pair>> pairs;
        for (int i = 0; i < 200; ++i) {
            pairs.push_back(open(limits));
            QVERIFY(pairs.back());
        }
        const qint64 elapsed = clock.elapsed();
        std::set<int> distinct;
        int lo = INT_MAX, hi = 0;
        for (const auto &p : pairs) {
            const int left = p->session->idleRemainingMs();
            QVERIFY2(left >= 60000 - elapsed - 1, qPrintable(QString::number(left)));
            QVERIFY2(left <= 66000, qPrintable(QString::number(left)));
            distinct.insert(left);
            lo = qMin(lo, left);
            hi = qMax(hi, left);
        }
        QVERIFY2(distinct.size() >= 100, qPrintable(QString::number(distinct.size())));
        QVERIFY2(hi - lo >= 3000, qPrintable(QStringLiteral("%1..%2").arg(lo).arg(hi)));
    }

    void aSilentSessionTimesOutNoEarlierThanConfigured()
    {
        WebSocketSession::Limits limits;
        limits.idleTimeoutMs = 150;
        QElapsedTimer clock;
        clock.start();
        std::unique_ptr<Pair> p = open(limits);
        QVERIFY(p);
        QTRY_COMPARE_WITH_TIMEOUT(p->session->idleTimeouts, 1, 10000);
        QVERIFY2(clock.elapsed() >= 150, qPrintable(QString::number(clock.elapsed())));
    }

    // A client whose bytes wait in the kernel, unread because the server is
    // behind (its chat lane had not reached the socket), was heard from: the
    // timeout starts over instead of closing it. Once the bytes are read, a
    // silent client times out as before. The timer's expiry is driven by hand,
    // before the loop can read the socket.
    void unreadBytesFromTheClientCountAsHeardFrom()
    {
        WebSocketSession::Limits limits;
        limits.idleTimeoutMs = 60000;
        std::unique_ptr<Pair> p = open(limits);
        QVERIFY(p);
        const QList<QTimer *> timers = p->session->findChildren<QTimer *>(QString(), Qt::FindDirectChildrenOnly);
        QCOMPARE(timers.size(), 1);
        QTimer *idle = timers.first();
        QVERIFY(!p->session->socket()->hasUnreadInput());

        const QByteArray frame = ClientFrame::build(ClientFrame::Text, "hi", true, true, 0, 0, "abcd");
        QCOMPARE(::write(p->peer, frame.constData(), size_t(frame.size())), ssize_t(frame.size()));
        QVERIFY(p->session->socket()->hasUnreadInput());
        idle->stop();
        QVERIFY(QMetaObject::invokeMethod(idle, "timeout", Qt::DirectConnection));
        QCOMPARE(p->session->idleTimeouts, 0);
        QVERIFY2(p->session->idleRemainingMs() > 50000, qPrintable(QString::number(p->session->idleRemainingMs())));

        QTRY_COMPARE_WITH_TIMEOUT(p->session->frames, 1, 5000);
        QVERIFY(!p->session->socket()->hasUnreadInput());
        QVERIFY(QMetaObject::invokeMethod(idle, "timeout", Qt::DirectConnection));
        QCOMPARE(p->session->idleTimeouts, 1);
    }

    void withoutATimeoutThereIsNoTimer()
    {
        std::unique_ptr<Pair> p = open(WebSocketSession::Limits{});
        QVERIFY(p);
        QCOMPARE(p->session->idleRemainingMs(), -1);
    }
};

QTEST_GUILESS_MAIN(tst_WebSocketSessionIdle)
#include "tst_websocketsessionidle.moc"
