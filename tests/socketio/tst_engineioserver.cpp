#include "dialects/socketio/EngineIoCodec.h"
#include "dialects/socketio/EngineIoServer.h"
#include "dialects/socketio/EngineIoSocket.h"
#include "net/WebSocketConnection.h"
#include "../net/ClientFrame.h"
#include "../net/DispatcherTestMain.h"

#include <QAbstractEventDispatcher>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

#include <functional>
#include <limits>
#include <set>
#include <memory>
#include <vector>

#include <sys/socket.h>
#include <unistd.h>

using namespace switchboard;

// The Engine.IO session state machine without a network: requests go in as
// EngineIoHttpRequest, answers come back through the reply callback.
namespace {

struct Answer
{
    bool done = false;
    EngineIoHttpResponse response;
};

EngineIoHttpRequest request(const QByteArray &method, const QString &query, const QByteArray &body = {})
{
    EngineIoHttpRequest r;
    r.method = method;
    r.url = QUrl(QStringLiteral("/socket.io/?") + query);
    r.body = body;
    return r;
}

EngineIoReply into(std::shared_ptr<Answer> a)
{
    return [a](const EngineIoHttpResponse &r) {
        a->done = true;
        a->response = r;
    };
}

int jsonCode(const Answer &a)
{
    return QJsonDocument::fromJson(a.response.body).object().value(QLatin1String("code")).toInt(-1);
}

} // namespace

class TestEngineIoServer : public QObject
{
    Q_OBJECT

    EngineIoConfig fastConfig()
    {
        EngineIoConfig c;
        c.pingInterval = 60;
        c.pingTimeout = 60;
        return c;
    }

    // Runs a polling handshake and returns the new session's sid.
    QString handshake(EngineIoServer &server)
    {
        auto a = std::make_shared<Answer>();
        server.handleHttp(request("GET", QStringLiteral("EIO=4&transport=polling&t=x")), into(a));
        if (!a->done || a->response.status != 200 || !a->response.body.startsWith('0')) return QString();
        const auto h = EngineIoHandshake::fromJson(a->response.body.mid(1));
        return h ? h->sid : QString();
    }

private Q_SLOTS:
    void handshakeCreatesASessionAndAnnouncesIt()
    {
        EngineIoServer server(EngineIoConfig{});
        QSignalSpy connections(&server, &EngineIoServer::connection);
        const QString sid = handshake(server);
        QVERIFY(!sid.isEmpty());
        QCOMPARE(connections.count(), 1);
        QCOMPARE(server.sessionCount(), 1);
        QVERIFY(server.session(sid));
        QCOMPARE(server.session(sid)->transportName(), QStringLiteral("polling"));
    }

    void getIsHeldUntilSomethingIsSent()
    {
        EngineIoServer server(EngineIoConfig{});
        const QString sid = handshake(server);
        auto get = std::make_shared<Answer>();
        server.handleHttp(request("GET", QStringLiteral("EIO=4&transport=polling&sid=") + sid), into(get));
        QVERIFY(!get->done);
        server.session(sid)->send(EngineIoPacket::message("2[\"a\"]"));
        QVERIFY(get->done);
        QCOMPARE(get->response.body, QByteArray("42[\"a\"]"));
    }

    void queuedPacketsAreBatchedInOneResponse()
    {
        EngineIoServer server(EngineIoConfig{});
        const QString sid = handshake(server);
        EngineIoSocket *s = server.session(sid);
        s->send(EngineIoPacket::message("x"));
        s->send(EngineIoPacket::binaryMessage(QByteArray("\x01\x02", 2)));
        auto get = std::make_shared<Answer>();
        server.handleHttp(request("GET", QStringLiteral("EIO=4&transport=polling&sid=") + sid), into(get));
        QVERIFY(get->done);
        QCOMPARE(get->response.body, QByteArray("4x\x1e"
                                                "bAQI="));
    }

    void postedPacketsReachTheUpperLayer()
    {
        EngineIoServer server(EngineIoConfig{});
        const QString sid = handshake(server);
        QSignalSpy packets(server.session(sid), &EngineIoSocket::packetReceived);
        auto post = std::make_shared<Answer>();
        server.handleHttp(request("POST", QStringLiteral("EIO=4&transport=polling&sid=") + sid,
                                  QByteArray("40\x1e"
                                             "42[\"x\"]\x1e"
                                             "bAQI=")),
                          into(post));
        QCOMPARE(post->response.status, 200);
        QCOMPARE(post->response.body, QByteArray("ok"));
        QCOMPARE(packets.count(), 3);
        QCOMPARE(packets.at(1).at(0).value<EngineIoPacket>().data, QByteArray("2[\"x\"]"));
        QVERIFY(packets.at(2).at(0).value<EngineIoPacket>().binary);
    }

    void secondConcurrentGetIsRefusedAndEndsTheSession()
    {
        EngineIoServer server(EngineIoConfig{});
        const QString sid = handshake(server);
        QPointer<EngineIoSocket> socket = server.session(sid);
        QSignalSpy closed(socket.data(), &EngineIoSocket::closed);
        auto first = std::make_shared<Answer>();
        auto second = std::make_shared<Answer>();
        const EngineIoHttpRequest get = request("GET", QStringLiteral("EIO=4&transport=polling&sid=") + sid);
        server.handleHttp(get, into(first));
        server.handleHttp(get, into(second));
        QCOMPARE(second->response.status, 400);
        QVERIFY(first->done);
        QCOMPARE(first->response.body, QByteArray("1"));
        QCOMPARE(closed.count(), 1);
        QCOMPARE(server.sessionCount(), 0);
    }

    void deadHeldGetIsReplacedNotTreatedAsDuplicate()
    {
        EngineIoServer server(EngineIoConfig{});
        const QString sid = handshake(server);
        bool alive = true;
        EngineIoHttpRequest get = request("GET", QStringLiteral("EIO=4&transport=polling&sid=") + sid);
        get.connectionAlive = [&alive] { return alive; };
        auto first = std::make_shared<Answer>();
        server.handleHttp(get, into(first));
        alive = false; // the client went away
        auto second = std::make_shared<Answer>();
        get.connectionAlive = [] { return true; };
        server.handleHttp(get, into(second));
        QVERIFY(!second->done); // held, not refused
        server.session(sid)->send(EngineIoPacket::message("y"));
        QCOMPARE(second->response.body, QByteArray("4y"));
        QVERIFY(!first->done);
    }

    void malformedRequestsGetTheReferenceErrorCodes_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("query");
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("code");
        QTest::newRow("unknown sid") << QByteArray("GET") << "EIO=4&transport=polling&sid=nope" << 400 << 1;
        QTest::newRow("post unknown sid") << QByteArray("POST") << "EIO=4&transport=polling&sid=nope" << 400 << 1;
        QTest::newRow("post without sid") << QByteArray("POST") << "EIO=4&transport=polling" << 400 << 2;
        QTest::newRow("bad transport") << QByteArray("GET") << "EIO=4&transport=flash" << 400 << 0;
        QTest::newRow("no transport") << QByteArray("GET") << "EIO=4" << 400 << 0;
        QTest::newRow("eio 3") << QByteArray("GET") << "EIO=3&transport=polling" << 400 << 5;
        QTest::newRow("no eio") << QByteArray("GET") << "transport=polling" << 400 << 5;
        QTest::newRow("websocket over http") << QByteArray("GET") << "EIO=4&transport=websocket" << 400 << 3;
        QTest::newRow("put") << QByteArray("PUT") << "EIO=4&transport=polling" << 400 << 2;
    }
    void malformedRequestsGetTheReferenceErrorCodes()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, query);
        QFETCH(int, status);
        QFETCH(int, code);
        EngineIoServer server(EngineIoConfig{});
        auto a = std::make_shared<Answer>();
        server.handleHttp(request(method, query), into(a));
        QVERIFY(a->done);
        QCOMPARE(a->response.status, status);
        QCOMPARE(jsonCode(*a), code);
        QCOMPARE(server.sessionCount(), 0);
    }

    void badPostBodyIsRefusedAndEndsTheSession()
    {
        EngineIoServer server(EngineIoConfig{});
        const QString sid = handshake(server);
        auto post = std::make_shared<Answer>();
        server.handleHttp(request("POST", QStringLiteral("EIO=4&transport=polling&sid=") + sid, "4a\x1e\x1e"),
                          into(post));
        QCOMPARE(post->response.status, 400);
        QCOMPARE(server.sessionCount(), 0);
    }

    void oversizedPostIsRefusedWith413()
    {
        EngineIoConfig c;
        c.maxPayload = 100;
        EngineIoServer server(c);
        const QString sid = handshake(server);
        auto post = std::make_shared<Answer>();
        server.handleHttp(request("POST", QStringLiteral("EIO=4&transport=polling&sid=") + sid,
                                  QByteArray("4") + QByteArray(100, 'x')),
                          into(post));
        QCOMPARE(post->response.status, 413);
        QCOMPARE(server.sessionCount(), 0);
    }

    void serverCloseDeliversTheClosePacketToTheNextGet()
    {
        EngineIoServer server(EngineIoConfig{});
        const QString sid = handshake(server);
        QSignalSpy closed(server.session(sid), &EngineIoSocket::closed);
        server.session(sid)->close(QStringLiteral("kick"));
        QCOMPARE(closed.count(), 0); // still waiting for the client to fetch "1"
        auto get = std::make_shared<Answer>();
        server.handleHttp(request("GET", QStringLiteral("EIO=4&transport=polling&sid=") + sid), into(get));
        QCOMPARE(get->response.body, QByteArray("1"));
        QCOMPARE(closed.count(), 1);
        QCOMPARE(closed.at(0).at(0).toString(), QStringLiteral("kick"));
    }

    void clientCloseReleasesTheHeldGetWithNoop()
    {
        EngineIoServer server(EngineIoConfig{});
        const QString sid = handshake(server);
        auto get = std::make_shared<Answer>();
        server.handleHttp(request("GET", QStringLiteral("EIO=4&transport=polling&sid=") + sid), into(get));
        auto post = std::make_shared<Answer>();
        server.handleHttp(request("POST", QStringLiteral("EIO=4&transport=polling&sid=") + sid, "1"), into(post));
        QCOMPARE(post->response.body, QByteArray("ok"));
        QCOMPARE(get->response.body, QByteArray("6"));
        QCOMPARE(server.sessionCount(), 0);
    }

    void pingIsSentAndMissingPongClosesTheSession()
    {
        EngineIoServer server(fastConfig());
        const QString sid = handshake(server);
        QPointer<EngineIoSocket> socket = server.session(sid);
        QSignalSpy closed(socket.data(), &EngineIoSocket::closed);
        auto get = std::make_shared<Answer>();
        server.handleHttp(request("GET", QStringLiteral("EIO=4&transport=polling&sid=") + sid), into(get));
        QTRY_VERIFY_WITH_TIMEOUT(get->done, 1000);
        QCOMPARE(get->response.body, QByteArray("2"));
        QVERIFY(closed.wait(1000));
        QCOMPARE(closed.at(0).at(0).toString(), QStringLiteral("ping timeout"));
    }

    void pongKeepsTheSessionAlive()
    {
        EngineIoServer server(fastConfig());
        const QString sid = handshake(server);
        for (int round = 0; round < 3; ++round) {
            auto get = std::make_shared<Answer>();
            server.handleHttp(request("GET", QStringLiteral("EIO=4&transport=polling&sid=") + sid), into(get));
            QTRY_VERIFY_WITH_TIMEOUT(get->done, 1000);
            QCOMPARE(get->response.body, QByteArray("2"));
            auto pong = std::make_shared<Answer>();
            server.handleHttp(request("POST", QStringLiteral("EIO=4&transport=polling&sid=") + sid, "3"), into(pong));
            QCOMPARE(pong->response.body, QByteArray("ok"));
        }
        QCOMPARE(server.sessionCount(), 1);
    }

    // Over a WebSocket, a pong that the loop has not read yet (the kernel holds
    // it: under load the chat lane reaches the socket late) keeps the session:
    // the timer starts over. Here the loop runs its timers but not its sockets
    // (ExcludeSocketNotifiers) past the deadline. A client that does not answer
    // the next ping still goes at its timeout.
    void unreadPongOverWebSocketKeepsTheSession()
    {
        if (!qobject_cast<EpollEventDispatcher *>(QAbstractEventDispatcher::instance()))
            QSKIP("needs a dispatcher that honours ExcludeSocketNotifiers (SWITCHBOARD_DISPATCHER=qt is set)");
        EngineIoConfig config = fastConfig();
        config.pingTimeout = 300; // room to see the ping and answer it before the deadline
        EngineIoServer server(config);
        int fds[2];
        QCOMPARE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds), 0);
        const int peer = fds[1];
        auto *ws = new WebSocketConnection(fds[0], QHostAddress::LocalHost, 1, {}, {}, 1 << 20);
        server.handleWebSocket(ws, request("GET", QStringLiteral("EIO=4&transport=websocket")));
        QCOMPARE(server.sessionCount(), 1);
        QByteArray in;
        const auto received = [&](const QByteArray &packet) {
            char buffer[4096];
            ssize_t n;
            while ((n = ::read(peer, buffer, sizeof buffer)) > 0) in.append(buffer, n);
            // Server frames are unmasked; these packets are short: 0x81, length, payload.
            return in.contains(QByteArray(QByteArray("\x81") + char(packet.size()) + packet));
        };
        QTRY_VERIFY_WITH_TIMEOUT(received("2"), 2000);
        const qsizetype sidAt = in.indexOf("\"sid\":\"") + 7;
        QVERIFY(sidAt > 7);
        const QString sid = QString::fromLatin1(in.mid(sidAt, in.indexOf('"', sidAt) - sidAt));
        in.clear();
        QPointer<EngineIoSocket> socket = server.session(sid);
        QVERIFY(socket);
        QSignalSpy closed(socket.data(), &EngineIoSocket::closed);

        const QByteArray pong = ClientFrame::build(ClientFrame::Text, "3", true, true, 0, 0, "wxyz");
        QCOMPARE(::write(peer, pong.constData(), size_t(pong.size())), ssize_t(pong.size()));
        QVERIFY(ws->hasUnreadInput());
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < 3 * config.pingTimeout)
            QCoreApplication::processEvents(QEventLoop::ExcludeSocketNotifiers | QEventLoop::WaitForMoreEvents, 10);
        QVERIFY2(closed.isEmpty(), qPrintable(closed.value(0).value(0).toString()));
        QVERIFY(ws->hasUnreadInput());

        // The loop reads the pong: the next ping comes, and is not answered.
        QTRY_VERIFY_WITH_TIMEOUT(received("2"), 2000);
        QVERIFY(!ws->hasUnreadInput());
        QCOMPARE(closed.count(), 0);
        QVERIFY(closed.wait(2000));
        QCOMPARE(closed.at(0).at(0).toString(), QStringLiteral("ping timeout"));
        ::close(peer);
    }

    void pingsOfSessionsOpenedInOnePassAreSpreadWithinTheInterval()
    {
        // 10,000 sockets opened in a burst must not all be pinged in one pass,
        // every interval: each ping is due somewhere in [0.9, 1.0] of the
        // interval (the queue's slack included), never later than it.
        EngineIoConfig c; // the default 25 s interval
        EngineIoServer server(c);
        QElapsedTimer clock;
        clock.start();
        std::vector<QString> sids;
        for (int i = 0; i < 300; ++i) {
            sids.push_back(handshake(server));
            QVERIFY(!sids.back().isEmpty());
        }
        const qint64 elapsed = clock.elapsed(); // deadlines read below are at most this much closer
        const qint64 latest = c.pingInterval - EngineIoTimerQueue::slackFor(c.pingInterval);
        const qint64 earliest = latest - qint64(latest * 0.1);
        std::set<qint64> distinct;
        qint64 lo = std::numeric_limits<qint64>::max(), hi = -1;
        for (const QString &sid : sids) {
            const qint64 due = server.session(sid)->pingDueInMs();
            QVERIFY2(due >= 0, qPrintable(sid));
            QVERIFY2(due <= latest, qPrintable(QString::number(due)));
            QVERIFY2(due >= earliest - elapsed - 1, qPrintable(QString::number(due)));
            distinct.insert(due);
            lo = qMin(lo, due);
            hi = qMax(hi, due);
        }
        QVERIFY2(distinct.size() >= 16, qPrintable(QString::number(distinct.size())));
        QVERIFY2(hi - lo >= c.pingInterval / 20, qPrintable(QStringLiteral("%1..%2").arg(lo).arg(hi)));
        QVERIFY(latest + EngineIoTimerQueue::slackFor(latest) <= c.pingInterval);
    }

    void everyPingDelayStaysWithinTheInterval_data()
    {
        QTest::addColumn<int>("interval");
        QTest::newRow("25 s") << 25000;
        QTest::newRow("400 ms") << 400;
        QTest::newRow("60 ms") << 60;
        QTest::newRow("3 ms") << 3;
    }

    void everyPingDelayStaysWithinTheInterval()
    {
        // Every ping, not only the first: its delay plus the most the queue
        // may add is within the interval, and the delays cover the window.
        QFETCH(int, interval);
        int lo = std::numeric_limits<int>::max(), hi = 0;
        for (int i = 0; i < 5000; ++i) {
            const int d = EngineIoSocket::pingDelay(interval);
            QVERIFY2(d >= 1, qPrintable(QString::number(d)));
            QVERIFY2(d + EngineIoTimerQueue::slackFor(d) <= interval, qPrintable(QString::number(d)));
            lo = qMin(lo, d);
            hi = qMax(hi, d);
        }
        const int latest = int(interval - EngineIoTimerQueue::slackFor(interval));
        QVERIFY2(lo >= latest - int(latest * 0.1), qPrintable(QString::number(lo)));
        if (interval >= 400) // long enough for a tenth to be many steps
            QVERIFY2(hi - lo >= latest / 20, qPrintable(QStringLiteral("%1..%2").arg(lo).arg(hi)));
    }

    void amongManySessionsOnlyTheSilentOnesAreDroppedOnTime()
    {
        // Every session's ping and pong deadlines share one queue (idle memory, docs/design.md):
        // a silent client must still go at its ping + pingTimeout (never
        // sooner, and each of the two deadlines served at most 1/20 late), and
        // clients that answer every ping must stay, however many sessions
        // share the queue.
        //
        // "At most 1/20 late" is an order, not a wall-clock limit: Qt fires
        // its timers in deadline order, so a precise QTimer started when a
        // deadline is set (or after) and due 1/20 + 2 ms after it fires only
        // after the queue has served that deadline, however loaded the machine.
        // Answering clients pong from a queued call, in the next loop pass.
        EngineIoConfig c;
        c.pingInterval = 400;
        c.pingTimeout = 400;
        struct Client
        {
            QString sid;
            bool answers = false;
            std::shared_ptr<Answer> get;
            int pings = 0;
            qint64 openedAt = -1;
            qint64 closedAt = -1;
            QString reason;
            int pingSeenByLatest = -1; // pings seen when the first ping's latest moment came
            int closedByLatest = -1;   // silent ones: closed when the pong's latest moment came
            std::unique_ptr<QTimer> pingLatest, pongLatest;
        };
        // Declared before the server: its sessions answer held GETs ("6") as it goes.
        std::vector<Client> clients(40);
        QStringList errors;
        QElapsedTimer clock;
        clock.start();
        EngineIoServer server(c);
        QObject scope; // drops queued pongs and close handlers before the rest goes
        const auto latest = [](int ms, std::function<void()> onTimeout) {
            auto t = std::make_unique<QTimer>();
            t->setSingleShot(true);
            t->setTimerType(Qt::PreciseTimer);
            QObject::connect(t.get(), &QTimer::timeout, std::move(onTimeout));
            t->start(ms + ms / 20 + 2);
            return t;
        };
        std::function<void(Client &)> poll = [&](Client &cl) {
            cl.get = std::make_shared<Answer>();
            auto get = cl.get;
            server.handleHttp(request("GET", QStringLiteral("EIO=4&transport=polling&sid=") + cl.sid),
                              [&, get](const EngineIoHttpResponse &r) {
                get->done = true;
                get->response = r;
                if (cl.closedAt >= 0) return; // the session's last answer ("6")
                if (r.body != "2") {
                    errors << cl.sid + QStringLiteral(": GET answered ") + QString::fromLatin1(r.body);
                    return;
                }
                ++cl.pings;
                if (!cl.answers) {
                    cl.pongLatest = latest(c.pingTimeout, [&cl] { cl.closedByLatest = cl.closedAt >= 0; });
                    return;
                }
                QMetaObject::invokeMethod(
                    &scope,
                    [&] {
                    if (cl.closedAt >= 0) return;
                    auto pong = std::make_shared<Answer>();
                    server.handleHttp(request("POST", QStringLiteral("EIO=4&transport=polling&sid=") + cl.sid, "3"),
                                      into(pong));
                    if (pong->response.body != "ok")
                        errors
                            << cl.sid + QStringLiteral(": pong answered ") + QString::fromLatin1(pong->response.body);
                    poll(cl);
                    },
                    Qt::QueuedConnection);
            });
        };
        for (size_t i = 0; i < clients.size(); ++i) {
            Client &cl = clients[i];
            cl.answers = i % 2 == 0;
            cl.openedAt = clock.elapsed();
            cl.sid = handshake(server);
            QVERIFY(!cl.sid.isEmpty());
            cl.pingLatest = latest(c.pingInterval, [&cl] { cl.pingSeenByLatest = cl.pings; });
            connect(server.session(cl.sid), &EngineIoSocket::closed, &scope, [&cl, &clock](const QString &reason) {
                cl.closedAt = clock.elapsed();
                cl.reason = reason;
            });
        }
        for (Client &cl : clients) poll(cl);
        // Until every silent client's pong deadline has passed and every
        // answering client has answered four pings.
        QVERIFY(QTest::qWaitFor(
            [&] {
            for (const Client &cl : clients) {
                if (cl.answers ? cl.pings < 4 && cl.closedAt < 0 : cl.closedByLatest < 0) return false;
            }
            return true;
            },
            30000));
        QCOMPARE(errors, QStringList());
        // Pings are jittered earlier (never later) than the interval, by up to
        // a tenth: a silent client goes at the earliest ping + pingTimeout.
        const qint64 latestPing = c.pingInterval - EngineIoTimerQueue::slackFor(c.pingInterval);
        const qint64 deadline = latestPing - qint64(latestPing * 0.1) + c.pingTimeout;
        for (const Client &cl : clients) {
            QVERIFY2(cl.pingSeenByLatest >= 1,
                     qPrintable(cl.sid + QStringLiteral(": first ping later than 1/20 late")));
            if (cl.answers) {
                QCOMPARE(cl.closedAt, qint64(-1));
                QVERIFY2(cl.pings >= 4, qPrintable(QString::number(cl.pings)));
                QVERIFY(server.session(cl.sid));
            } else {
                QCOMPARE(cl.reason, QStringLiteral("ping timeout"));
                QCOMPARE(cl.pings, 1);
                QVERIFY2(cl.closedByLatest == 1,
                         qPrintable(cl.sid + QStringLiteral(": pong timeout later than 1/20 late")));
                QVERIFY2(cl.closedAt - cl.openedAt >= deadline,
                         qPrintable(QStringLiteral("%1 %2").arg(cl.openedAt).arg(cl.closedAt)));
                QVERIFY(!server.session(cl.sid));
            }
        }
        QCOMPARE(server.sessionCount(), int(clients.size() / 2));
    }

    void slowPollerIsCutOffWhenTheQueueOverflows()
    {
        EngineIoConfig c;
        c.maxSendQueueBytes = 1000;
        EngineIoServer server(c);
        const QString sid = handshake(server);
        QSignalSpy closed(server.session(sid), &EngineIoSocket::closed);
        for (int i = 0; i < 20 && closed.isEmpty(); ++i) {
            if (EngineIoSocket *s = server.session(sid)) s->send(EngineIoPacket::message(QByteArray(100, 'z')));
        }
        QCOMPARE(closed.count(), 1);
        QCOMPARE(closed.at(0).at(0).toString(), QStringLiteral("slow consumer: send queue full"));
    }

    static QByteArray headerOf(const EngineIoHttpResponse &r, const QByteArray &name)
    {
        for (const auto &h : r.headers)
            if (h.first.compare(name, Qt::CaseInsensitive) == 0) return h.second;
        return QByteArray();
    }

    void originAllowListAndCors()
    {
        EngineIoConfig c;
        c.origins = OriginPolicy({QStringLiteral("http://ok.test")});
        EngineIoServer server(c);
        // The token cookie from an origin not on the list: refused, polling and upgrade alike.
        auto bad = std::make_shared<Answer>();
        EngineIoHttpRequest r = request("GET", QStringLiteral("EIO=4&transport=polling"));
        r.headers.append(qMakePair(QByteArray("Origin"), QByteArray("http://evil.test")));
        r.headers.append(qMakePair(QByteArray("Host"), QByteArray("127.0.0.1:8000")));
        r.headers.append(qMakePair(QByteArray("Cookie"), QByteArray("theme=dark; token=abc")));
        server.handleHttp(r, into(bad));
        QCOMPARE(bad->response.status, 403);
        QVERIFY(headerOf(bad->response, "Access-Control-Allow-Origin").isEmpty());
        const auto asUpgrade = [](EngineIoHttpRequest req) {
            req.url = QUrl(QStringLiteral("/socket.io/?EIO=4&transport=websocket"));
            return req;
        };
        const std::optional<EngineIoHttpResponse> refused = server.checkUpgrade(asUpgrade(r));
        QVERIFY(refused.has_value());
        QCOMPARE(refused->status, 403);

        // The same origin without the cookie passes, but gets no CORS echo.
        EngineIoHttpRequest noCookie = r;
        noCookie.headers.removeLast();
        auto plain = std::make_shared<Answer>();
        server.handleHttp(noCookie, into(plain));
        QCOMPARE(plain->response.status, 200);
        QVERIFY(headerOf(plain->response, "Access-Control-Allow-Origin").isEmpty());
        QCOMPARE(headerOf(plain->response, "Vary"), QByteArray("Origin"));
        QVERIFY(!server.checkUpgrade(asUpgrade(noCookie)).has_value());

        // On the list, or the server's own origin: echoed, cookie and all.
        for (const QByteArray &origin : {QByteArray("http://ok.test"), QByteArray("http://127.0.0.1:8000")}) {
            auto good = std::make_shared<Answer>();
            r.headers.first().second = origin;
            server.handleHttp(r, into(good));
            QCOMPARE(good->response.status, 200);
            QCOMPARE(headerOf(good->response, "Access-Control-Allow-Origin"), origin);
            QCOMPARE(headerOf(good->response, "Access-Control-Allow-Credentials"), QByteArray("true"));
            QVERIFY(!server.checkUpgrade(asUpgrade(r)).has_value());
        }

        auto node = std::make_shared<Answer>(); // no Origin at all
        server.handleHttp(request("GET", QStringLiteral("EIO=4&transport=polling")), into(node));
        QCOMPARE(node->response.status, 200);
    }

    void upgradeCheckRefusesUnknownAndUpgradedSessions()
    {
        EngineIoServer server(EngineIoConfig{});
        QVERIFY(server.checkUpgrade(request("GET", QStringLiteral("EIO=4&transport=websocket&sid=nope"))).has_value());
        QVERIFY(!server.checkUpgrade(request("GET", QStringLiteral("EIO=4&transport=websocket"))).has_value());
        const QString sid = handshake(server);
        QVERIFY(
            !server.checkUpgrade(request("GET", QStringLiteral("EIO=4&transport=websocket&sid=") + sid)).has_value());
        QVERIFY(server.checkUpgrade(request("GET", QStringLiteral("EIO=3&transport=websocket"))).has_value());
    }
};


// The server's dispatcher: the WebSocket case relies on ExcludeSocketNotifiers,
// which it honours (glib's reads the sockets regardless).
SWITCHBOARD_DISPATCHER_TEST_MAIN(TestEngineIoServer)
#include "tst_engineioserver.moc"
