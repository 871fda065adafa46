// WebSocketSession's idle timeout (the Phoenix heartbeat timeout, the
// workspace JSON heartbeat): sessions opened in one pass time out spread over
// a tenth of the timeout, never before it. Sessions over socket pairs, never
// attached to a core (no ChatService needed for the timer).
#include "net/WebSocketConnection.h"
#include "transport/WebSocketSession.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QTest>

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

protected:
    void onTextFrame(const QString &) override {}
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

    void withoutATimeoutThereIsNoTimer()
    {
        std::unique_ptr<Pair> p = open(WebSocketSession::Limits{});
        QVERIFY(p);
        QCOMPARE(p->session->idleRemainingMs(), -1);
    }
};

QTEST_GUILESS_MAIN(tst_WebSocketSessionIdle)
#include "tst_websocketsessionidle.moc"
