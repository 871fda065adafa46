// HttpServer and HttpConnection over real TCP sockets on 127.0.0.1: keep-alive,
// deferred (long-poll style) answers, pipelining, limits, and WebSocket upgrades.

#include "core/Metrics.h"
#include "http/HttpServer.h"
#include "HttpTestClient.h"
#include "net/ReadHold.h"
#include "net/WebSocketConnection.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QTimer>
#include <QWebSocket>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <vector>

using namespace switchboard;

class HttpServerTest : public QObject
{
    Q_OBJECT

    std::unique_ptr<HttpServer> m_server;
    quint16 m_port = 0;
    QStringList m_seen;           // paths, in the order handlers ran
    QList<quint16> m_remotePorts; // client port of each request
    QList<HttpResponder> m_held;  // deferred responders, answered by the test
    QList<QByteArray> m_bodies;

    static HttpResponse textResponse(const QByteArray &body) { return HttpResponse::text(200, body); }

    static QByteArray upgradeHead(const QByteArray &target, const QByteArray &key = "dGhlIHNhbXBsZSBub25jZQ==")
    {
        QByteArray head = "GET " + target
                        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
        if (!key.isEmpty()) head += "Sec-WebSocket-Key: " + key + "\r\n";
        return head + "Sec-WebSocket-Version: 13\r\n\r\n";
    }

    // A client's text frame (clients mask theirs, RFC 6455 5.3).
    static QByteArray maskedText(const QByteArray &payload)
    {
        QByteArray f;
        f.append(char(0x81));
        f.append(char(0x80 | payload.size())); // short payloads only
        const char mask[4] = {0x11, 0x22, 0x33, 0x44};
        f.append(mask, 4);
        for (qsizetype i = 0; i < payload.size(); ++i) f.append(char(payload[i] ^ mask[i % 4]));
        return f;
    }

    // A blocking socket connected and written to before the server's loop runs:
    // whatever it sent is in the kernel by the time the server accepts it.
    int connectAndSend(const QByteArray &bytes)
    {
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(m_port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) return -1;
        if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0
            || ::send(fd, bytes.constData(), size_t(bytes.size()), MSG_NOSIGNAL) != bytes.size()) {
            ::close(fd);
            return -1;
        }
        return fd;
    }

    // Reads fd (running the loop meanwhile) until done(bytes) or the peer closes; the bytes read.
    static QByteArray readUntil(int fd, const std::function<bool(const QByteArray &)> &done, bool *closed = nullptr)
    {
        QByteArray got;
        char buf[4096];
        if (closed) *closed = false;
        (void)QTest::qWaitFor( // the caller checks what arrived
            [&] {
            for (;;) {
                const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
                if (n > 0) {
                    got.append(buf, n);
                    continue;
                }
                if (n == 0 && closed) *closed = true;
                return n == 0 || done(got);
            }
            },
            10000);
        return got;
    }

    static quint16 localPort(int fd)
    {
        sockaddr_in local{};
        socklen_t length = sizeof local;
        return ::getsockname(fd, reinterpret_cast<sockaddr *>(&local), &length) == 0 ? ntohs(local.sin_port) : 0;
    }

private Q_SLOTS:
    void init()
    {
        m_seen.clear();
        m_remotePorts.clear();
        m_held.clear();
        m_bodies.clear();
        m_server = std::make_unique<HttpServer>();
        Router &r = m_server->router();
        auto echoPath = [this](const HttpRequest &req, const Router::Params &, HttpResponder res) {
            m_seen.append(req.path);
            m_remotePorts.append(req.remotePort);
            res.respond(textResponse(req.path.toUtf8()));
        };
        r.add("GET", QStringLiteral("/a"), echoPath);
        r.add("GET", QStringLiteral("/b"), echoPath);
        r.add("GET", QStringLiteral("/c"), echoPath);
        r.add("GET", QStringLiteral("/held"),
              [this](const HttpRequest &req, const Router::Params &, HttpResponder res) {
            m_seen.append(req.path);
            m_held.append(res); // answered later by the test, like a long-poll
        });
        r.add("POST", QStringLiteral("/echo"),
              [this](const HttpRequest &req, const Router::Params &, HttpResponder res) {
            m_seen.append(req.path);
            m_bodies.append(req.body);
            res.respond(HttpResponse::text(200, req.body, "application/octet-stream"));
        });
        r.add("GET", QStringLiteral("/boom"), [](const HttpRequest &, const Router::Params &, HttpResponder res) {
            res.respond(HttpResponse::error(500, QStringLiteral("internal_error"), QStringLiteral("boom")));
        });

        Router::WebSocketRoute ws;
        ws.check = [](const HttpRequest &req, const Router::Params &p) -> std::optional<HttpResponse> {
            if (p.value(0) == QLatin1String("closed"))
                return HttpResponse::error(403, QStringLiteral("forbidden"), QStringLiteral("room is closed"));
            if (req.queryValue(QStringLiteral("token")) == QLatin1String("legal"))
                return HttpResponse::error(451, QStringLiteral("unavailable"), QStringLiteral("not here"));
            return std::nullopt;
        };
        ws.accept = [this](WebSocketConnection *socket, const HttpRequest &req, const Router::Params &p) {
            m_seen.append(QStringLiteral("ws:") + p.value(0) + QLatin1Char('?')
                          + req.queryValue(QStringLiteral("token")));
            m_remotePorts.append(req.remotePort);
            socket->setParent(m_server.get());
            QObject::connect(socket, &WebSocketConnection::textMessageReceived, socket,
                             [socket, room = p.value(0)](const QString &text) {
                socket->sendTextMessage(room + QStringLiteral(": ") + text);
            });
        };
        r.addWebSocket(QStringLiteral("/ws/{room}"), ws);

        QString error;
        QVERIFY2(m_server->listen({{QHostAddress(QHostAddress::LocalHost), 0}}, &error), qPrintable(error));
        m_port = m_server->serverPorts().value(0);
        QVERIFY(m_port != 0);
    }

    void cleanup()
    {
        ReadHold::instance().setHeld(false);
        m_held.clear();
        m_server.reset();
    }

    void secondListenerOnABusyPortFailsCleanly()
    {
        HttpServer other;
        QString error;
        QVERIFY(
            !other.listen({{QHostAddress(QHostAddress::LocalHost), 0}, {QHostAddress(QHostAddress::LocalHost), m_port}},
                          &error));
        QVERIFY2(error.contains(QString::number(m_port)), qPrintable(error));
        QVERIFY(other.serverPorts().isEmpty()); // the first, successful listener was closed again
    }

    void keepAliveServesTwoRequestsOnOneConnection()
    {
        HttpTestClient client;
        QVERIFY(client.connectTo(m_port));
        client.send(HttpTestClient::get("/a"));
        auto first = client.next();
        QVERIFY(first);
        QCOMPARE(first->status, 200);
        QCOMPARE(first->body, QByteArray("/a"));
        QCOMPARE(first->header("connection"), QByteArray("keep-alive"));
        client.send(HttpTestClient::get("/b"));
        auto second = client.next();
        QVERIFY(second);
        QCOMPARE(second->body, QByteArray("/b"));
        QCOMPARE(client.socket().state(), QAbstractSocket::ConnectedState);
        QCOMPARE(m_remotePorts.size(), 2);
        QCOMPARE(m_remotePorts[0], client.socket().localPort()); // the same connection both times
        QCOMPARE(m_remotePorts[1], client.socket().localPort());
    }

    void burstLargerThanOneAcceptPassIsServedInFull()
    {
        // 200 connections complete in the kernel's backlog before the loop runs.
        // The listener takes a few dozen per pass and must come back for the
        // rest: a drain that did not re-arm it would leave them unanswered.
        constexpr int kBurst = 200;
        std::vector<int> fds;
        const QByteArray request = HttpTestClient::get("/a", "Connection: close\r\n");
        for (int i = 0; i < kBurst; ++i) {
            const int fd = connectAndSend(request);
            QVERIFY2(fd >= 0, strerror(errno));
            fds.push_back(fd);
        }
        QTRY_COMPARE_WITH_TIMEOUT(m_seen.size(), kBurst, 20000);
        int answered = 0;
        for (int fd : fds) {
            QByteArray got;
            char buf[512];
            // Each answer ends with the server's close; wait for it a little.
            for (int round = 0; round < 500; ++round) {
                const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
                if (n > 0) {
                    got.append(buf, n);
                    continue;
                }
                if (n == 0) break;
                QTest::qWait(2);
            }
            if (got.startsWith("HTTP/1.1 200")) ++answered;
            ::close(fd);
        }
        QCOMPARE(answered, kBurst);
    }

    void connectionCloseIsHonoured()
    {
        HttpTestClient client;
        QVERIFY(client.connectTo(m_port));
        client.send(HttpTestClient::get("/a", "Connection: close\r\n"));
        auto r = client.next();
        QVERIFY(r);
        QCOMPARE(r->header("connection"), QByteArray("close"));
        QVERIFY(client.waitForDisconnect());
    }

    void requestBodyArrivingInPiecesIsAssembled()
    {
        HttpTestClient client;
        QVERIFY(client.connectTo(m_port));
        const QByteArray body("0123456789\r\n\r\nabcdef\0ghij", 25);
        client.send("POST /echo HTTP/1.1\r\nContent-Len");
        QTest::qWait(20);
        client.send("gth: " + QByteArray::number(body.size()) + "\r\n\r\n" + body.left(7));
        QTest::qWait(20);
        client.send(body.mid(7));
        auto r = client.next();
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(r->body, body);
        QCOMPARE(m_bodies, QList<QByteArray>{body});
    }

    void deferredResponseIsAnsweredLaterFromATimer()
    {
        HttpTestClient client;
        QVERIFY(client.connectTo(m_port));
        client.send(HttpTestClient::get("/held"));
        QTRY_COMPARE(m_held.size(), 1);
        const HttpResponder held = m_held.first();
        QVERIFY(held.isConnected());
        QVERIFY(!held.hasResponded());
        QVERIFY(client.pending().isEmpty()); // nothing was sent when the handler returned

        QTimer::singleShot(0, this, [held] { held.respond(HttpResponse::text(200, "later")); });
        auto r = client.next();
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(r->body, QByteArray("later"));
        QVERIFY(held.hasResponded());
        // The first answer wins; a second one sends nothing.
        held.respond(HttpResponse::text(200, "again"));
        client.send(HttpTestClient::get("/a"));
        auto next = client.next();
        QVERIFY(next);
        QCOMPARE(next->body, QByteArray("/a"));
    }

    // ---- backpressure (ReadHold) --------------------------------------------------

    void writeRequestWaitsWhileTheHoldIsOnAndReadsGoOn()
    {
        ReadHold &hold = ReadHold::instance();
        hold.setHeld(true);
        const quint64 parkedBefore = hold.parkedTotal();
        HttpTestClient writer;
        QVERIFY(writer.connectTo(m_port));
        // A write, and a read pipelined behind it on the same connection.
        writer.send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n\r\none"
                    + HttpTestClient::get("/a"));
        QTRY_COMPARE(hold.parkedNow(), 1);
        QCOMPARE(hold.parkedTotal(), parkedBefore + 1);

        // Barrier: another connection's read is served meanwhile.
        HttpTestClient reader;
        QVERIFY(reader.connectTo(m_port));
        reader.send(HttpTestClient::get("/b"));
        auto b = reader.next();
        QVERIFY(b);
        QCOMPARE(b->body, QByteArray("/b"));
        QCOMPARE(m_seen, QStringList{QStringLiteral("/b")}); // neither the write nor the read behind it
        QVERIFY(m_bodies.isEmpty());
        QVERIFY(writer.pending().isEmpty());

        hold.setHeld(false);
        auto first = writer.next();
        QVERIFY(first);
        QCOMPARE(first->status, 200);
        QCOMPARE(first->body, QByteArray("one"));
        auto second = writer.next();
        QVERIFY(second);
        QCOMPARE(second->body, QByteArray("/a"));
        QCOMPARE(m_seen, (QStringList{QStringLiteral("/b"), QStringLiteral("/echo"), QStringLiteral("/a")}));
        QCOMPARE(hold.parkedNow(), 0);
    }

    void writeRequestWhoseClientLeavesWhileHeldIsNeverHandled()
    {
        ReadHold &hold = ReadHold::instance();
        hold.setHeld(true);
        {
            HttpTestClient writer;
            QVERIFY(writer.connectTo(m_port));
            writer.send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\n\r\ngone");
            QTRY_COMPARE(hold.parkedNow(), 1);
            writer.socket().abort();
        }
        QTRY_COMPARE(hold.parkedNow(), 0); // the server saw it go and dropped the connection
        hold.setHeld(false);
        HttpTestClient barrier;
        QVERIFY(barrier.connectTo(m_port));
        barrier.send(HttpTestClient::get("/c"));
        auto c = barrier.next();
        QVERIFY(c);
        QCOMPARE(c->body, QByteArray("/c"));
        QCOMPARE(m_seen, QStringList{QStringLiteral("/c")});
        QVERIFY(m_bodies.isEmpty());
    }

    void responderHearsWhenTheClientGoesAway()
    {
        HttpTestClient client;
        QVERIFY(client.connectTo(m_port));
        client.send(HttpTestClient::get("/held"));
        QTRY_COMPARE(m_held.size(), 1);
        bool told = false;
        m_held.first().onDisconnected([&told] { told = true; });
        client.socket().abort();
        QTRY_VERIFY(told);
        QVERIFY(!m_held.first().isConnected());
        m_held.first().respond(HttpResponse::text(200, "too late")); // harmless
    }

    void pipelinedRequestsAreAnsweredInOrder()
    {
        HttpTestClient client;
        QVERIFY(client.connectTo(m_port));
        // One write, three requests; the first is held back, so the others must wait for it.
        client.send(HttpTestClient::get("/held") + HttpTestClient::get("/b") + HttpTestClient::get("/c"));
        QTRY_COMPARE(m_held.size(), 1);
        QCOMPARE(m_seen, QStringList{QStringLiteral("/held")});
        QVERIFY(client.pending().isEmpty());
        const HttpResponder held = m_held.first();
        QTimer::singleShot(0, this, [held] { held.respond(HttpResponse::text(200, "held")); });
        QStringList bodies;
        for (int i = 0; i < 3; ++i) {
            auto r = client.next();
            QVERIFY2(r, qPrintable(QStringLiteral("response %1 missing").arg(i)));
            bodies.append(QString::fromUtf8(r->body));
        }
        QCOMPARE(bodies, QStringList({"held", "/b", "/c"}));
        QCOMPARE(m_seen, QStringList({"/held", "/b", "/c"}));
    }

    void oversizedBodyIs413AndCloses()
    {
        m_server->limits().maxBodyBytes = 1024;
        HttpTestClient client;
        QVERIFY(client.connectTo(m_port));
        client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1025\r\n\r\n");
        auto r = client.next();
        QVERIFY(r);
        QCOMPARE(r->status, 413);
        QCOMPARE(r->header("connection"), QByteArray("close"));
        QCOMPARE(QJsonDocument::fromJson(r->body)
                     .object()
                     .value(QLatin1String("error"))
                     .toObject()
                     .value(QLatin1String("code"))
                     .toString(),
                 QStringLiteral("payload_too_large"));
        QVERIFY(client.waitForDisconnect());
        QVERIFY(m_bodies.isEmpty());
        // At the limit is fine.
        HttpTestClient ok;
        QVERIFY(ok.connectTo(m_port));
        ok.send("POST /echo HTTP/1.1\r\nContent-Length: 1024\r\n\r\n" + QByteArray(1024, 'x'));
        auto fine = ok.next();
        QVERIFY(fine);
        QCOMPARE(fine->status, 200);
        QCOMPARE(fine->body.size(), 1024);
    }

    void protocolErrorsAnswerWithTheirStatusAndClose_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::newRow("bad request line") << QByteArray("HELLO\r\n\r\n") << 400;
        QTest::newRow("chunked with Content-Length") << QByteArray(
            "POST /echo HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0"
            "\r\n\r\nGET /a HTTP/1.1\r\n\r\n") << 400;
        QTest::newRow("bad chunk size")
            << QByteArray("POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nz\r\nhello\r\n0\r\n\r\n") << 400;
        QTest::newRow("request line too long")
            << QByteArray("GET /" + QByteArray(9000, 'a') + " HTTP/1.1\r\n\r\n") << 414;
        QTest::newRow("head too large")
            << QByteArray("GET /a HTTP/1.1\r\nX-Big: " + QByteArray(20000, 'h') + "\r\n\r\n") << 431;
    }

    void protocolErrorsAnswerWithTheirStatusAndClose()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        HttpTestClient client;
        QVERIFY(client.connectTo(m_port));
        client.send(request);
        auto r = client.next();
        QVERIFY(r);
        QCOMPARE(r->status, status);
        QCOMPARE(r->header("connection"), QByteArray("close"));
        QVERIFY(client.waitForDisconnect());
        QVERIFY(m_seen.isEmpty());
    }

    void chunkedBodyReachesTheRouteAndThePipelinedRequestFollows()
    {
        HttpTestClient client;
        QVERIFY(client.connectTo(m_port));
        client.send(
            "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=y\r\n world\r\n0\r\n\r\n"
            + HttpTestClient::get("/a"));
        auto first = client.next();
        QVERIFY(first);
        QCOMPARE(first->status, 200);
        QCOMPARE(first->body, QByteArray("hello world"));
        auto second = client.next();
        QVERIFY(second);
        QCOMPARE(m_seen, QStringList({QStringLiteral("/echo"), QStringLiteral("/a")}));
    }

    void slowBodyIsAnsweredWith408()
    {
        m_server->limits().bodyTimeoutMs = 200;
        HttpTestClient client;
        QVERIFY(client.connectTo(m_port));
        client.send("POST /echo HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc"); // never finished
        auto r = client.next(10000);
        QVERIFY(r);
        QCOMPARE(r->status, 408);
        QVERIFY(client.waitForDisconnect());
        QVERIFY(m_bodies.isEmpty());
    }

    void connectionThatSendsNothingIsClosedWithoutAResponse()
    {
        m_server->limits().headTimeoutMs = 200;
        HttpTestClient client;
        QVERIFY(client.connectTo(m_port));
        QVERIFY(client.waitForDisconnect(10000));
        QVERIFY(client.pending().isEmpty());
    }

    void errorResponseSurvivesUnreadInput()
    {
        // Lingering close: 1 MB behind a bad head is drained, not answered with a
        // reset that could destroy the 400 before the client reads it.
        HttpTestClient client;
        QVERIFY(client.connectTo(m_port));
        client.send("GET /a HTTP/1.1\r\nX-A: one\r\n two\r\n\r\n" + QByteArray(1 << 20, 'z'));
        auto r = client.next(10000);
        QVERIFY(r);
        QCOMPARE(r->status, 400);
        QVERIFY(client.waitForDisconnect(10000));
    }

    void serverErrorClosesTheConnection()
    {
        HttpTestClient client;
        QVERIFY(client.connectTo(m_port));
        client.send(HttpTestClient::get("/boom"));
        auto r = client.next();
        QVERIFY(r);
        QCOMPARE(r->status, 500);
        QCOMPARE(r->header("connection"), QByteArray("close"));
        QVERIFY(client.waitForDisconnect());
    }

    void slowHeadIsAnsweredWith408()
    {
        m_server->limits().headTimeoutMs = 200; // read when the connection is accepted
        HttpTestClient client;
        QVERIFY(client.connectTo(m_port));
        client.send("GET /a HTTP/1.1\r\nHost: x\r\n"); // never finished
        auto r = client.next(10000);
        QVERIFY(r);
        QCOMPARE(r->status, 408);
        QVERIFY(client.waitForDisconnect());
        QVERIFY(m_seen.isEmpty());
    }

    void idleKeepAliveConnectionIsClosed()
    {
        m_server->limits().idleTimeoutMs = 200;
        HttpTestClient client;
        QVERIFY(client.connectTo(m_port));
        client.send(HttpTestClient::get("/a"));
        QVERIFY(client.next());
        QVERIFY(client.waitForDisconnect(10000));
        QVERIFY(client.pending().isEmpty()); // closed without a response to nothing
    }

    void headResponseCarriesNoBody()
    {
        // A HEAD answer with a body desynchronises a keep-alive connection: the
        // client reads the body bytes as the start of the next response.
        HttpTestClient client;
        QVERIFY(client.connectTo(m_port));
        client.send("HEAD /a HTTP/1.1\r\nHost: x\r\n\r\n" + HttpTestClient::get("/b"));
        QVERIFY(QTest::qWaitFor([&] { return client.pending().count("\r\n\r\n") >= 2; }, 5000));
        const QByteArray all = client.pending();
        const qsizetype headEnd = all.indexOf("\r\n\r\n");
        QVERIFY(all.startsWith("HTTP/1.1 200"));
        QVERIFY2(all.mid(headEnd + 4).startsWith("HTTP/1.1 200"), all.mid(headEnd + 4, 40).constData());
    }

    // ---- WebSocket upgrades ------------------------------------------------------

    void webSocketUpgradeIsRoutedAndAccepted()
    {
        QWebSocket ws;
        QStringList received;
        connect(&ws, &QWebSocket::textMessageReceived, this, [&](const QString &t) { received.append(t); });
        ws.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/lobby?token=abc").arg(m_port)));
        QTRY_COMPARE(ws.state(), QAbstractSocket::ConnectedState);
        QCOMPARE(m_seen, QStringList{QStringLiteral("ws:lobby?abc")});
        ws.sendTextMessage(QStringLiteral("hi"));
        QTRY_COMPARE(received, QStringList{QStringLiteral("lobby: hi")});
        ws.close();
    }

    void checkRefusesTheUpgradeWithItsOwnStatus_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<int>("status");
        QTest::newRow("403 from check") << QByteArray("/ws/closed") << 403;
        QTest::newRow("451 from check") << QByteArray("/ws/open?token=legal") << 451;
        QTest::newRow("no such endpoint") << QByteArray("/nowhere") << 404;
    }

    void checkRefusesTheUpgradeWithItsOwnStatus()
    {
        QFETCH(QByteArray, target);
        QFETCH(int, status);
        HttpTestClient client;
        QVERIFY(client.connectTo(m_port));
        client.send("GET " + target
                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        auto r = client.next();
        QVERIFY(r);
        QCOMPARE(r->status, status);
        QVERIFY(!QJsonDocument::fromJson(r->body).object().value(QLatin1String("error")).isUndefined());
        QVERIFY(client.waitForDisconnect());
        QVERIFY(m_seen.isEmpty()); // accept() never ran
    }

    void refusedUpgradeIsAnErrorForAWebSocketClient()
    {
        QWebSocket ws;
        bool failed = false;
        connect(&ws, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this, [&] { failed = true; });
        ws.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/closed").arg(m_port)));
        QTRY_VERIFY(failed);
        QVERIFY(ws.state() != QAbstractSocket::ConnectedState);
        QVERIFY(m_seen.isEmpty());
    }

    // ---- upgrades whose request is already there when the connection is accepted --------
    // (HttpServer::takeAccepted: no QTcpSocket; anything else takes the usual path)

    void upgradeWaitingAtAcceptIsTakenStraightFromTheDescriptor()
    {
        const quint64 before = Metrics::instance().upgradesAtAccept;
        // A frame right behind the head, in the same segment: it must reach the WebSocket.
        const int fd = connectAndSend(upgradeHead("/ws/lobby?token=abc") + maskedText("hi"));
        QVERIFY(fd >= 0);
        const QByteArray got = readUntil(fd, [](const QByteArray &b) { return b.contains("lobby: hi"); });
        QVERIFY2(got.startsWith("HTTP/1.1 101"), got.left(60).constData());
        QVERIFY(got.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
        QVERIFY2(got.endsWith("lobby: hi"), got.right(20).constData()); // one unmasked text frame after the 101
        QCOMPARE(m_seen, QStringList{QStringLiteral("ws:lobby?abc")});
        QCOMPARE(m_remotePorts, QList<quint16>{localPort(fd)});
        QCOMPARE(Metrics::instance().upgradesAtAccept, before + 1);
        // Later frames arrive on the same descriptor.
        const QByteArray second = maskedText("again");
        QCOMPARE(::send(fd, second.constData(), size_t(second.size()), MSG_NOSIGNAL), ssize_t(second.size()));
        QVERIFY(readUntil(fd, [](const QByteArray &b) { return b.contains("lobby: again"); }).contains("lobby: again"));
        ::close(fd);
    }

    void refusalWaitingAtAcceptIsAnsweredWithItsStatus_data()
    {
        QTest::addColumn<QByteArray>("head");
        QTest::addColumn<int>("status");
        QTest::newRow("403 from check") << upgradeHead("/ws/closed") << 403;
        QTest::newRow("451 from check") << upgradeHead("/ws/open?token=legal") << 451;
        QTest::newRow("no such endpoint") << upgradeHead("/nowhere") << 404;
        QTest::newRow("no key") << upgradeHead("/ws/lobby", QByteArray()) << 400;
    }

    void refusalWaitingAtAcceptIsAnsweredWithItsStatus()
    {
        QFETCH(QByteArray, head);
        QFETCH(int, status);
        const quint64 before = Metrics::instance().upgradesAtAccept;
        const int fd = connectAndSend(head);
        QVERIFY(fd >= 0);
        bool closed = false;
        const QByteArray got = readUntil(
            fd, [](const QByteArray &) { return false; }, &closed);
        ::close(fd);
        QVERIFY2(closed, "the server keeps a refused upgrade open");
        const QByteArray statusLine = "HTTP/1.1 " + QByteArray::number(status) + ' ';
        QVERIFY2(got.startsWith(statusLine), got.left(60).constData());
        const QByteArray body = got.mid(got.indexOf("\r\n\r\n") + 4);
        QVERIFY(!QJsonDocument::fromJson(body).object().value(QLatin1String("error")).isUndefined());
        QVERIFY(m_seen.isEmpty()); // accept() never ran
        QCOMPARE(Metrics::instance().upgradesAtAccept, before);
    }

    void upgradeWhoseHeadArrivesLaterTakesTheUsualPath()
    {
        const quint64 before = Metrics::instance().upgradesAtAccept;
        const QByteArray head = upgradeHead("/ws/lobby?token=late");
        const int fd = connectAndSend(head.left(20)); // half a request line at accept
        QVERIFY(fd >= 0);
        // Barrier: a request on a connection made after it is answered, so the
        // listener (first in, first accepted) took this one with its head incomplete.
        const int later = connectAndSend(HttpTestClient::get("/a", "Connection: close\r\n"));
        QVERIFY(later >= 0);
        QVERIFY(readUntil(later, [](const QByteArray &b) { return b.endsWith("/a"); }).startsWith("HTTP/1.1 200"));
        ::close(later);
        const QByteArray rest = head.mid(20) + maskedText("hi");
        QCOMPARE(::send(fd, rest.constData(), size_t(rest.size()), MSG_NOSIGNAL), ssize_t(rest.size()));
        const QByteArray got = readUntil(fd, [](const QByteArray &b) { return b.contains("lobby: hi"); });
        ::close(fd);
        QVERIFY2(got.startsWith("HTTP/1.1 101"), got.left(60).constData());
        QVERIFY(got.endsWith("lobby: hi"));
        QCOMPARE(m_seen, (QStringList{QStringLiteral("/a"), QStringLiteral("ws:lobby?late")}));
        QCOMPARE(Metrics::instance().upgradesAtAccept, before);
    }

    void mixedBurstOfUpgradesAndRequestsIsServedInFull()
    {
        // 200 connections in the backlog before the loop runs, every other one an
        // upgrade: those are taken at accept, the rest join Qt's pending list, and
        // the listener, stopped at each pass's cap, must come back for all.
        constexpr int kBurst = 200;
        const quint64 before = Metrics::instance().upgradesAtAccept;
        std::vector<int> fds;
        for (int i = 0; i < kBurst; ++i) {
            const int fd = connectAndSend(i % 2 ? HttpTestClient::get("/a", "Connection: close\r\n")
                                                : upgradeHead("/ws/r" + QByteArray::number(i)) + maskedText("x"));
            QVERIFY(fd >= 0);
            fds.push_back(fd);
        }
        QTRY_COMPARE_WITH_TIMEOUT(m_seen.size(), kBurst, 20000);
        int upgraded = 0, answered = 0;
        for (int i = 0; i < kBurst; ++i) {
            const QByteArray echo = "r" + QByteArray::number(i) + ": x";
            const QByteArray got = readUntil(fds[size_t(i)], [&](const QByteArray &b) {
                return i % 2 ? b.startsWith("HTTP/1.1 200") && b.endsWith("/a") : b.endsWith(echo);
            });
            if (i % 2 == 0 && got.startsWith("HTTP/1.1 101") && got.endsWith(echo)) ++upgraded;
            if (i % 2 == 1 && got.startsWith("HTTP/1.1 200")) ++answered;
            ::close(fds[size_t(i)]);
        }
        QCOMPARE(upgraded, kBurst / 2);
        QCOMPARE(answered, kBurst / 2);
        QCOMPARE(Metrics::instance().upgradesAtAccept, before + kBurst / 2);
    }
};

QTEST_GUILESS_MAIN(HttpServerTest)
#include "tst_httpserver.moc"
