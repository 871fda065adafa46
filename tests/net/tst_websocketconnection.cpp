// WebSocketConnection over real sockets on 127.0.0.1, reached the way the
// server reaches it: an HttpServer upgrade route hands over the connection.
// Peers are a QWebSocket (a conforming client) or a raw descriptor that sends
// exactly the bytes a test wants and reads exactly what the server wrote.
#include "DispatcherTestMain.h"

#include "ClientFrame.h"
#include "http/HttpServer.h"
#include "net/ReadHold.h"
#include "net/SendBudget.h"
#include "net/WebSocketConnection.h"
#include "net/WebSocketFlushQueue.h"

#include <QAbstractEventDispatcher>
#include <QPointer>
#include <QSignalSpy>
#include <QSocketNotifier>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>

#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <memory>
#include <optional>

using namespace switchboard;

namespace {

constexpr auto Continuation = ClientFrame::Continuation, Text = ClientFrame::Text, Binary = ClientFrame::Binary,
               Close = ClientFrame::Close, Ping = ClientFrame::Ping, Pong = ClientFrame::Pong;

const QByteArray kSampleKey = "dGhlIHNhbXBsZSBub25jZQ==";

// A masked client frame, shortest length encoding.
QByteArray clientFrame(uchar opcode, const QByteArray &payload, bool fin = true, bool masked = true)
{
    static const QByteArray key("\x11\x22\x33\x44", 4);
    return ClientFrame::build(opcode, payload, fin, masked, 0, 0, key);
}

QByteArray closePayload(quint16 code, const QByteArray &reason = QByteArray())
{
    return ClientFrame::closePayload(code, reason);
}

QByteArray upgradeRequest(const QByteArray &extraHeaders = QByteArray(), const QByteArray &version = "13",
                          const QByteArray &key = kSampleKey)
{
    QByteArray r = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
    if (!key.isNull()) r += "Sec-WebSocket-Key: " + key + "\r\n";
    if (!version.isNull()) r += "Sec-WebSocket-Version: " + version + "\r\n";
    return r + extraHeaders + "\r\n";
}

// A client on a raw non-blocking descriptor. It waits by running the event
// loop (the server shares this thread), never by blocking.
class RawClient
{
public:
    struct Frame
    {
        bool fin = false;
        int opcode = -1;
        bool masked = false;
        QByteArray payload;
        quint16 closeCode() const
        {
            return payload.size() >= 2 ? quint16((uchar(payload[0]) << 8) | uchar(payload[1])) : 0;
        }
    };

    QByteArray in;       // received, not yet taken
    qint64 received = 0; // bytes received in all
    bool eof = false;
    bool reset = false;

    ~RawClient() { closeNow(); }

    bool connectTo(quint16 port, int receiveBuffer = 0)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (m_fd < 0) return false;
        if (receiveBuffer > 0) ::setsockopt(m_fd, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, sizeof receiveBuffer);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(m_fd, reinterpret_cast<sockaddr *>(&a), sizeof a) < 0 && errno != EINPROGRESS) return false;
        return QTest::qWaitFor(
            [&] {
            pollfd p{m_fd, POLLOUT, 0};
            if (::poll(&p, 1, 0) != 1) return false;
            int err = 0;
            socklen_t len = sizeof err;
            ::getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &err, &len);
            return err == 0;
            },
            5000);
    }

    bool sendAll(const QByteArray &data, int timeoutMs = 10000)
    {
        qsizetype off = 0;
        bool failed = false;
        const bool done = QTest::qWaitFor(
            [&] {
            while (off < data.size()) {
                const ssize_t n = ::send(m_fd, data.constData() + off, size_t(data.size() - off), MSG_NOSIGNAL);
                if (n > 0) {
                    off += n;
                    continue;
                }
                if (n < 0 && (errno == EAGAIN || errno == EINTR)) return false;
                failed = true;
                return true;
            }
            return true;
            },
            timeoutMs);
        return done && !failed;
    }

    void pump()
    {
        if (m_fd < 0) return;
        char buf[65536];
        for (;;) {
            const ssize_t n = ::recv(m_fd, buf, sizeof buf, 0);
            if (n > 0) {
                in.append(buf, n);
                received += n;
                continue;
            }
            if (n == 0)
                eof = true;
            else if (errno == EINTR)
                continue;
            else if (errno != EAGAIN && errno != EWOULDBLOCK) {
                eof = true;
                reset = errno == ECONNRESET;
            }
            return;
        }
    }

    bool waitFor(const std::function<bool()> &condition, int timeoutMs = 5000)
    {
        return QTest::qWaitFor(
            [&] {
            pump();
            return condition();
            },
            timeoutMs);
    }

    // The response head (through the blank line), taken from `in`.
    std::optional<QByteArray> waitForHead(int timeoutMs = 5000)
    {
        if (!waitFor([&] { return in.contains("\r\n\r\n"); }, timeoutMs)) return std::nullopt;
        const qsizetype end = in.indexOf("\r\n\r\n") + 4;
        const QByteArray head = in.left(end);
        in.remove(0, end);
        return head;
    }

    // Sends the upgrade (plus `trailing` in the same send()) and checks the 101.
    bool upgrade(quint16 port, const QByteArray &trailing = QByteArray(), int receiveBuffer = 0)
    {
        if (!connectTo(port, receiveBuffer)) return false;
        if (!sendAll(upgradeRequest() + trailing)) return false;
        const std::optional<QByteArray> head = waitForHead();
        return head && head->startsWith("HTTP/1.1 101 ");
    }

    // The next complete server frame in `in`, if there is one.
    std::optional<Frame> takeFrame()
    {
        if (in.size() < 2) return std::nullopt;
        const auto *p = reinterpret_cast<const uchar *>(in.constData());
        Frame f;
        f.fin = p[0] & 0x80;
        f.opcode = p[0] & 0x0F;
        f.masked = p[1] & 0x80;
        quint64 len = p[1] & 0x7F;
        qsizetype h = 2;
        if (len == 126) {
            if (in.size() < 4) return std::nullopt;
            len = (quint64(p[2]) << 8) | p[3];
            h = 4;
        } else if (len == 127) {
            if (in.size() < 10) return std::nullopt;
            len = 0;
            for (int i = 0; i < 8; ++i) len = (len << 8) | p[2 + i];
            h = 10;
        }
        if (f.masked) h += 4;
        if (quint64(in.size() - h) < len || in.size() < h) return std::nullopt;
        f.payload = in.mid(h, qsizetype(len));
        in.remove(0, h + qsizetype(len));
        return f;
    }

    std::optional<Frame> waitForFrame(int timeoutMs = 5000)
    {
        std::optional<Frame> f;
        waitFor(
            [&] {
            f = takeFrame();
            return f.has_value();
            },
            timeoutMs);
        return f;
    }

    bool waitForEof(int timeoutMs = 5000)
    {
        return waitFor([&] { return eof; }, timeoutMs);
    }

    // Closes with SO_LINGER 0: the peer gets a TCP reset.
    void resetNow()
    {
        linger l{1, 0};
        ::setsockopt(m_fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        closeNow();
    }

    // Sends our FIN, as a client does once the closing handshake is done.
    void shutdownWrite() { ::shutdown(m_fd, SHUT_WR); }

    void closeNow()
    {
        if (m_fd >= 0) ::close(m_fd);
        m_fd = -1;
    }

private:
    int m_fd = -1;
};

// What the server saw on one connection.
struct ServerSide
{
    QPointer<WebSocketConnection> connection;
    QStringList texts;
    QList<QByteArray> binaries;
    QList<QByteArray> pongs;
    int disconnects = 0;
    quint16 closeCodeAtDisconnect = QWebSocketProtocol::CloseCodeNormal;
    QString closeReasonAtDisconnect;
};

// In place of qWait() before checking that nothing more happened: a socket
// notifier on a fresh AF_UNIX pair with a byte waiting. Once it has fired, the
// loop has run a pass that polled every socket and sent the events posted
// before this call, and that pass is over.
bool loopPassed()
{
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0) return false;
    bool fired = false;
    {
        QSocketNotifier barrier(fds[0], QSocketNotifier::Read);
        QObject::connect(&barrier, &QSocketNotifier::activated, &barrier, [&] { fired = true; });
        if (write(fds[1], "x", 1) == 1) fired = QTest::qWaitFor([&] { return fired; }, 5000);
    }
    close(fds[0]);
    close(fds[1]);
    return fired;
}

} // namespace

class tst_WebSocketConnection : public QObject
{
    Q_OBJECT

    HttpServer *m_server = nullptr;
    quint16 m_port = 0;
    std::vector<std::unique_ptr<ServerSide>> m_sides;
    bool m_echo = true;
    std::function<void(ServerSide *)> m_onAccept;
    int m_insideCall = 0; // > 0 while a test is inside a WebSocketConnection call
    int m_synchronousDisconnects = 0;

    // Runs f as "inside a call": a disconnected() emitted meanwhile is synchronous.
    template <typename F>
    void call(F f)
    {
        ++m_insideCall;
        f();
        --m_insideCall;
    }

    void accept(WebSocketConnection *ws)
    {
        auto side = std::make_unique<ServerSide>();
        ServerSide *s = side.get();
        s->connection = ws;
        ws->setParent(this);
        connect(ws, &WebSocketConnection::textMessageReceived, this, [this, s](const QString &t) {
            s->texts.append(t);
            if (m_echo && s->connection) s->connection->sendTextMessage(t);
        });
        connect(ws, &WebSocketConnection::binaryMessageReceived, this, [this, s](const QByteArray &b) {
            s->binaries.append(b);
            if (m_echo && s->connection) s->connection->sendBinaryMessage(b);
        });
        connect(ws, &WebSocketConnection::pong, this, [s](const QByteArray &p) { s->pongs.append(p); });
        connect(ws, &WebSocketConnection::disconnected, this, [this, s] {
            if (m_insideCall) ++m_synchronousDisconnects;
            ++s->disconnects;
            if (s->connection) {
                s->closeCodeAtDisconnect = s->connection->closeCode();
                s->closeReasonAtDisconnect = s->connection->closeReason();
            }
        });
        m_sides.push_back(std::move(side));
        if (m_onAccept) m_onAccept(s);
    }

    bool waitForServerSide(int count = 1)
    {
        return QTest::qWaitFor([&] { return int(m_sides.size()) >= count; }, 5000);
    }
    ServerSide *side(int i = 0) { return m_sides.at(size_t(i)).get(); }

    std::unique_ptr<QWebSocket> openClient(const QStringList &subprotocols = {})
    {
        const int before = int(m_sides.size());
        auto client = std::make_unique<QWebSocket>();
        client->setMaxAllowedIncomingMessageSize(64 * 1024 * 1024);
        const QUrl url(QStringLiteral("ws://127.0.0.1:%1/ws").arg(m_port));
        if (subprotocols.isEmpty()) {
            client->open(url);
        } else {
            QWebSocketHandshakeOptions options;
            options.setSubprotocols(subprotocols);
            client->open(url, options);
        }
        if (!QTest::qWaitFor([&] { return client->state() == QAbstractSocket::ConnectedState; }, 5000)) return nullptr;
        if (!waitForServerSide(before + 1)) return nullptr;
        return client;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QCOMPARE(qobject_cast<EpollEventDispatcher *>(QAbstractEventDispatcher::instance()) != nullptr,
                 expectEpollDispatcher());
        m_server = new HttpServer(this);
        Router::WebSocketRoute route;
        route.accept = [this](WebSocketConnection *ws, const HttpRequest &, const Router::Params &) { accept(ws); };
        m_server->router().addWebSocket(QStringLiteral("/ws"), route);
        QString error;
        QVERIFY2(m_server->listen({{QHostAddress::LocalHost, 0}}, &error), qPrintable(error));
        m_port = m_server->serverPorts().value(0);
        QVERIFY(m_port != 0);
    }

    void cleanup()
    {
        QCOMPARE(m_synchronousDisconnects, 0);
        for (auto &s : m_sides) delete s->connection.data();
        m_sides.clear();
        m_echo = true;
        m_onAccept = nullptr;
        ReadHold::instance().setHeld(false);
        m_synchronousDisconnects = 0;
    }

    // ---- messages ---------------------------------------------------------------

    void textAndBinaryEcho()
    {
        auto client = openClient();
        QVERIFY(client);
        QVERIFY(waitForServerSide());
        QStringList texts;
        QList<QByteArray> binaries;
        connect(client.get(), &QWebSocket::textMessageReceived, this, [&](const QString &t) { texts.append(t); });
        connect(client.get(), &QWebSocket::binaryMessageReceived, this,
                [&](const QByteArray &b) { binaries.append(b); });
        QByteArray bin;
        for (int i = 0; i < 256; ++i) bin.append(char(i));
        client->sendTextMessage(QStringLiteral("hello"));
        client->sendBinaryMessage(bin);
        client->sendTextMessage(QString());
        QTRY_COMPARE(texts.size(), 2);
        QTRY_COMPARE(binaries.size(), 1);
        QCOMPARE(texts, (QStringList{QStringLiteral("hello"), QString()}));
        QCOMPARE(binaries[0], bin);
        QCOMPARE(side()->texts, texts);
        QCOMPARE(side()->connection->peerAddress(), QHostAddress(QHostAddress::LocalHost));
        QCOMPARE(side()->connection->peerPort(), client->localPort());
    }

    void nonAsciiUtf8TextIsEchoedExactly()
    {
        auto client = openClient();
        QVERIFY(client);
        QStringList texts;
        connect(client.get(), &QWebSocket::textMessageReceived, this, [&](const QString &t) { texts.append(t); });
        const QString text = QStringLiteral("h\u00e9llo w\u00f6rld \u2713 \u03ba\u1f79\u03c3\u03bc\u03b5 ")
                           + QString::fromUcs4(U"\U0001F600", 1);
        client->sendTextMessage(text);
        QTRY_COMPARE(texts.size(), 1);
        QCOMPARE(side()->texts.value(0), text);
        QCOMPARE(texts[0], text);
    }

    void largeMessagesAreEchoed_data()
    {
        QTest::addColumn<int>("size");
        QTest::newRow("70 KB (64-bit length)") << 70 * 1000;
        QTest::newRow("1 MiB - 1 (just under the limit)") << 1024 * 1024 - 1;
        QTest::newRow("1 MiB (the limit)") << 1024 * 1024;
    }
    void largeMessagesAreEchoed()
    {
        QFETCH(int, size);
        auto client = openClient();
        QVERIFY(client);
        QList<QByteArray> binaries;
        QStringList texts;
        connect(client.get(), &QWebSocket::binaryMessageReceived, this,
                [&](const QByteArray &b) { binaries.append(b); });
        connect(client.get(), &QWebSocket::textMessageReceived, this, [&](const QString &t) { texts.append(t); });
        QByteArray payload(size, Qt::Uninitialized);
        for (int i = 0; i < size; ++i) payload[i] = char('a' + (i * 7) % 26);
        client->sendBinaryMessage(payload);
        client->sendTextMessage(QString::fromLatin1(payload));
        QTRY_COMPARE_WITH_TIMEOUT(texts.size(), 1, 10000);
        QCOMPARE(binaries.size(), 1);
        QCOMPARE(binaries[0], payload);
        QCOMPARE(texts[0], QString::fromLatin1(payload));
        QCOMPARE(side()->connection->state(), QAbstractSocket::ConnectedState);
    }

    // ---- backpressure (ReadHold) --------------------------------------------------

    // An established connection and a newcomer (never held: it is the barrier).
    bool openHeldAndNewcomer(RawClient &held, RawClient &newcomer)
    {
        if (!held.upgrade(m_port) || !waitForServerSide()) return false;
        side(0)->connection->setEstablished();
        return newcomer.upgrade(m_port) && waitForServerSide(2);
    }

    // Sends `text` from the newcomer and waits for it to be read, then for one more pass.
    bool barrier(RawClient &newcomer, const QString &text)
    {
        const int before = int(side(1)->texts.size());
        return newcomer.sendAll(clientFrame(Text, text.toUtf8()))
            && QTest::qWaitFor([&] { return side(1)->texts.size() > before; }, 5000) && loopPassed();
    }

    void heldChatSocketsAreNotReadUntilReleased()
    {
        RawClient held, newcomer;
        QVERIFY(openHeldAndNewcomer(held, newcomer));
        ReadHold &hold = ReadHold::instance();
        const quint64 parkedBefore = hold.parkedTotal();
        hold.setHeld(true);
        QVERIFY(held.sendAll(clientFrame(Text, "one")));
        QVERIFY(barrier(newcomer, QStringLiteral("barrier 1")));
        // Not read: the bytes wait in the kernel, where liveness checks see them.
        QVERIFY(side(0)->texts.isEmpty());
        QVERIFY(side(0)->connection->hasUnreadInput());
        QCOMPARE(hold.parkedNow(), 1);
        QCOMPARE(hold.parkedTotal(), parkedBefore + 1);
        // More while parked: still nothing read, and it is parked once.
        QVERIFY(held.sendAll(clientFrame(Text, "two")));
        QVERIFY(barrier(newcomer, QStringLiteral("barrier 2")));
        QVERIFY(side(0)->texts.isEmpty());
        QCOMPARE(hold.parkedNow(), 1);

        hold.setHeld(false);
        QCOMPARE(hold.parkedNow(), 0);
        QTRY_COMPARE(side(0)->texts, (QStringList{QStringLiteral("one"), QStringLiteral("two")}));
        for (const char *text : {"one", "two"}) {
            std::optional<RawClient::Frame> f = held.waitForFrame();
            QVERIFY(f);
            QCOMPARE(f->opcode, int(Text));
            QCOMPARE(f->payload, QByteArray(text));
        }
        QCOMPARE(side(0)->connection->state(), QAbstractSocket::ConnectedState);
    }

    void aParkedSocketThatTheServerClosesStillReadsTheAnswer()
    {
        RawClient held, newcomer;
        QVERIFY(openHeldAndNewcomer(held, newcomer));
        ReadHold::instance().setHeld(true);
        QVERIFY(held.sendAll(clientFrame(Text, "unread")));
        QVERIFY(barrier(newcomer, QStringLiteral("barrier 1")));
        QCOMPARE(ReadHold::instance().parkedNow(), 1);
        // Closed while parked, with the hold still on: the peer's answer must be
        // read now, not after the release or the 5 s close timeout.
        side(0)->connection->close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("bye"));
        std::optional<RawClient::Frame> f = held.waitForFrame();
        QVERIFY(f);
        QCOMPARE(f->opcode, int(Close));
        QCOMPARE(f->closeCode(), quint16(QWebSocketProtocol::CloseCodeGoingAway));
        QVERIFY(held.sendAll(clientFrame(Close, closePayload(QWebSocketProtocol::CloseCodeGoingAway))));
        QVERIFY(barrier(newcomer, QStringLiteral("barrier 2")));
        QCOMPARE(side(0)->disconnects, 1);
        QVERIFY(ReadHold::instance().isHeld());
    }

    void framesInTheHandshakePacketAreDelivered()
    {
        // Request, two frames and a ping in ONE send(): the frames sit behind the head.
        RawClient raw;
        QVERIFY(raw.upgrade(m_port, clientFrame(Text, "early") + clientFrame(Binary, "bird") + clientFrame(Ping, "p")));
        QVERIFY(waitForServerSide());
        QTRY_COMPARE(side()->texts, QStringList{QStringLiteral("early")});
        QTRY_COMPARE(side()->binaries.size(), 1);
        QCOMPARE(side()->binaries[0], QByteArray("bird"));
        // Echoes then the pong, in order.
        std::optional<RawClient::Frame> f = raw.waitForFrame();
        QVERIFY(f);
        QCOMPARE(f->opcode, int(Text));
        QCOMPARE(f->payload, QByteArray("early"));
        QVERIFY(!f->masked);
        f = raw.waitForFrame();
        QVERIFY(f);
        QCOMPARE(f->opcode, int(Binary));
        f = raw.waitForFrame();
        QVERIFY(f);
        QCOMPARE(f->opcode, int(Pong));
        QCOMPARE(f->payload, QByteArray("p"));
    }

    void partialFrameInTheHandshakePacketIsCompletedLater()
    {
        const QByteArray frame = clientFrame(Text, QByteArray(300, 'q'));
        RawClient raw;
        QVERIFY(raw.upgrade(m_port, frame.left(7)));
        QVERIFY(waitForServerSide());
        QVERIFY(loopPassed()); // the server has read what came with the handshake
        QVERIFY(side()->texts.isEmpty());
        QVERIFY(raw.sendAll(frame.mid(7)));
        QTRY_COMPARE_WITH_TIMEOUT(side()->texts.size(), 1, 2000);
        QCOMPARE(side()->texts[0], QString(300, QLatin1Char('q')));
    }

    void frameHeaderSplitAcrossReadsIsReassembled_data()
    {
        QTest::addColumn<int>("payloadSize");
        QTest::addColumn<int>("cut"); // bytes of the second frame sent with the first
        for (int cut = 1; cut < 6; ++cut)
            QTest::newRow(qPrintable(QStringLiteral("7-bit, cut %1").arg(cut))) << 5 << cut;
        for (int cut : {2, 3, 5, 7}) QTest::newRow(qPrintable(QStringLiteral("16-bit, cut %1").arg(cut))) << 300 << cut;
        for (int cut : {3, 9, 11, 13})
            QTest::newRow(qPrintable(QStringLiteral("64-bit, cut %1").arg(cut))) << 70000 << cut;
    }
    void frameHeaderSplitAcrossReadsIsReassembled()
    {
        // A read that ends inside the next frame's header or masking key must
        // leave those bytes for the next read.
        QFETCH(int, payloadSize);
        QFETCH(int, cut);
        RawClient raw;
        QVERIFY(raw.upgrade(m_port));
        QVERIFY(waitForServerSide());
        const QByteArray second = clientFrame(Binary, QByteArray(payloadSize, 's'));
        QVERIFY(raw.sendAll(clientFrame(Text, "first") + second.left(cut)));
        QTRY_COMPARE(side()->texts.size(), 1);
        QVERIFY(loopPassed()); // the server reads the cut bytes on their own
        QVERIFY(raw.sendAll(second.mid(cut) + clientFrame(Text, "third")));
        QTRY_COMPARE_WITH_TIMEOUT(side()->texts.size(), 2, 2000);
        QCOMPARE(side()->binaries.size(), 1);
        QCOMPARE(side()->binaries[0], QByteArray(payloadSize, 's'));
        QCOMPARE(side()->texts[1], QStringLiteral("third"));
        QCOMPARE(side()->connection->state(), QAbstractSocket::ConnectedState);
    }

    void tenThousandSendsInOnePassArriveInOrder()
    {
        m_echo = false;
        auto client = openClient();
        QVERIFY(client);
        QStringList texts;
        connect(client.get(), &QWebSocket::textMessageReceived, this, [&](const QString &t) { texts.append(t); });
        WebSocketConnection *ws = side()->connection;
        qint64 queued = 0;
        for (int i = 0; i < 10000; ++i) {
            const QByteArray m = "message " + QByteArray::number(i);
            call([&] { QCOMPARE(ws->sendText(m), qint64(m.size())); });
            queued += 2 + m.size();
        }
        // Nothing leaves during the pass: the frames go out together when it ends.
        QCOMPARE(ws->bytesToWrite(), queued);
        QTRY_COMPARE_WITH_TIMEOUT(texts.size(), 10000, 10000);
        for (int i = 0; i < 10000; ++i) QCOMPARE(texts[i], QStringLiteral("message %1").arg(i));
        QCOMPARE(ws->bytesToWrite(), 0);
    }

    // Ephemeral frames (presence, typing) go in the flush queue's bulk lane,
    // sent after messages under a budget; a message to the same connection
    // takes them along first, so a connection's frames never reorder.
    void bulkFramesKeepTheirOrderAndGoOutWithOrWithoutAMessage()
    {
        m_echo = false;
        auto client = openClient();
        QVERIFY(client);
        QStringList texts;
        connect(client.get(), &QWebSocket::textMessageReceived, this, [&](const QString &t) { texts.append(t); });
        WebSocketConnection *ws = side()->connection;
        WebSocketFlushQueue *queue = WebSocketFlushQueue::instance();
        const qsizetype backlogBefore = queue->bulkBacklog();
        call([&] {
            queue->setBulk(true);
            ws->sendText("presence 1");
            ws->sendText("presence 2");
            queue->setBulk(false);
            QCOMPARE(queue->bulkBacklog(), backlogBefore + 1); // one entry per connection
            ws->sendText("message");                           // promoted: goes out with the message
        });
        QTRY_COMPARE_WITH_TIMEOUT(texts.size(), 3, 5000);
        QCOMPARE(texts, (QStringList{"presence 1", "presence 2", "message"}));
        QCOMPARE(ws->bytesToWrite(), 0);
        // Bulk frames alone still go out (in a later pass at the latest).
        call([&] {
            queue->setBulk(true);
            ws->sendText("presence 3");
            queue->setBulk(false);
        });
        QTRY_COMPARE_WITH_TIMEOUT(texts.size(), 4, 5000);
        QCOMPARE(texts.last(), QStringLiteral("presence 3"));
        QTRY_COMPARE(queue->bulkBacklog(), backlogBefore);
    }

    // A connection with bulk frames only waits for more of them (under a
    // connect wave one send carries several presence changes, not one each);
    // a message ends the wait and takes them along, in order.
    void bulkFramesLingerForCompanyUntilDueOrAMessage()
    {
        m_echo = false;
        auto client = openClient();
        QVERIFY(client);
        QStringList texts;
        connect(client.get(), &QWebSocket::textMessageReceived, this, [&](const QString &t) { texts.append(t); });
        WebSocketConnection *ws = side()->connection;
        WebSocketFlushQueue *queue = WebSocketFlushQueue::instance();
        QCOMPARE(queue->bulkLinger(), WebSocketFlushQueue::DefaultBulkLingerNs);
        const qsizetype backlogBefore = queue->bulkBacklog();
        queue->setBulkLinger(3600LL * 1000 * 1000 * 1000); // an hour: nothing is due by itself
        auto bulk = [&](const QByteArray &text) {
            call([&] {
                queue->setBulk(true);
                ws->sendText(text);
                queue->setBulk(false);
            });
        };
        bulk("presence 1");
        QVERIFY(loopPassed());
        QCOMPARE(ws->bytesToWrite(), qint64(2 + 10)); // held past the pass
        bulk("presence 2");
        QVERIFY(loopPassed());
        QCOMPARE(ws->bytesToWrite(), qint64(2 * (2 + 10)));
        QCOMPARE(queue->bulkBacklog(), backlogBefore + 1); // one entry, however many frames
        call([&] { ws->sendText("message"); });
        QTRY_COMPARE_WITH_TIMEOUT(texts.size(), 3, 5000);
        QCOMPARE(texts, (QStringList{"presence 1", "presence 2", "message"}));
        QCOMPARE(ws->bytesToWrite(), 0);
        // With a short linger, bulk frames alone go out once due.
        queue->setBulkLinger(20 * 1000 * 1000);
        bulk("presence 3");
        QTRY_COMPARE_WITH_TIMEOUT(texts.size(), 4, 5000);
        QCOMPARE(texts.last(), QStringLiteral("presence 3"));
        QCOMPARE(ws->bytesToWrite(), 0);
        queue->setBulkLinger(WebSocketFlushQueue::DefaultBulkLingerNs);
        QTRY_COMPARE(queue->bulkBacklog(), backlogBefore);
    }

    void tenThousandClientFramesArriveInOrder()
    {
        // Varying sizes so the server's reads end at every kind of offset in a frame.
        m_echo = false;
        auto client = openClient();
        QVERIFY(client);
        for (int i = 0; i < 10000; ++i)
            client->sendTextMessage(QStringLiteral("m%1").arg(i) + QString(i % 13, QLatin1Char('.')));
        QTRY_COMPARE_WITH_TIMEOUT(side()->texts.size(), 10000, 10000);
        for (int i = 0; i < 10000; ++i)
            QCOMPARE(side()->texts[i], QStringLiteral("m%1").arg(i) + QString(i % 13, QLatin1Char('.')));
        QCOMPARE(side()->connection->state(), QAbstractSocket::ConnectedState);
    }

    void slowReaderQueuesThenDrains()
    {
        m_echo = false;
        RawClient raw;
        QVERIFY(raw.upgrade(m_port, QByteArray(), 16 * 1024)); // a small window, and we stop reading
        QVERIFY(waitForServerSide());
        WebSocketConnection *ws = side()->connection;
        // The process-wide count of queued bytes follows this connection's exactly.
        const SendBudget &budget = SendBudget::instance();
        const qint64 base = budget.total();
        const int count = 512;
        const int size = 64 * 1024;
        for (int i = 0; i < count; ++i) ws->sendBinaryMessage(QByteArray(size, char('A' + i % 26)));
        const qint64 total = qint64(count) * (10 + size);
        QCOMPARE(ws->bytesToWrite(), total);
        QCOMPARE(budget.total() - base, total);
        // The pass ends, the kernel takes what fits, the rest stays queued.
        QVERIFY(loopPassed());
        const qint64 stuck = ws->bytesToWrite();
        QVERIFY2(stuck > 0 && stuck < total, qPrintable(QString::number(stuck)));
        QCOMPARE(budget.total() - base, stuck);
        // Queued behind the backlog, it must come out last.
        ws->sendText("tail");
        QCOMPARE(ws->bytesToWrite(), stuck + 6);
        QVERIFY(raw.waitFor([&] { return raw.received >= total + 6 + 0; }, 20000));
        QTRY_COMPARE(ws->bytesToWrite(), 0);
        QCOMPARE(budget.total(), base);
        for (int i = 0; i < count; ++i) {
            const std::optional<RawClient::Frame> f = raw.takeFrame();
            QVERIFY(f);
            QCOMPARE(f->opcode, int(Binary));
            QCOMPARE(f->payload.size(), size);
            QCOMPARE(f->payload.front(), char('A' + i % 26));
            QCOMPARE(f->payload.back(), char('A' + i % 26));
        }
        const std::optional<RawClient::Frame> tail = raw.takeFrame();
        QVERIFY(tail);
        QCOMPARE(tail->payload, QByteArray("tail"));
        QCOMPARE(ws->state(), QAbstractSocket::ConnectedState);
    }

    // ---- ping / pong ----------------------------------------------------------------

    void clientPingGetsPong()
    {
        auto client = openClient();
        QVERIFY(client);
        QSignalSpy pongs(client.get(), &QWebSocket::pong);
        client->ping("are you there");
        QTRY_COMPARE(pongs.size(), 1);
        QCOMPARE(pongs[0][1].toByteArray(), QByteArray("are you there"));
    }

    void serverPingGetsClientPong()
    {
        auto client = openClient();
        QVERIFY(client);
        side()->connection->ping("srv");
        QTRY_COMPARE(side()->pongs.size(), 1);
        QCOMPARE(side()->pongs[0], QByteArray("srv"));
    }

    void unsolicitedPongIsReported()
    {
        RawClient raw;
        QVERIFY(raw.upgrade(m_port));
        QVERIFY(waitForServerSide());
        QVERIFY(raw.sendAll(clientFrame(Pong, "beat")));
        QTRY_COMPARE(side()->pongs, QList<QByteArray>{QByteArray("beat")});
    }

    // ---- closing --------------------------------------------------------------------

    void closeFromServerReachesClientWithCodeAndReason()
    {
        auto client = openClient();
        QVERIFY(client);
        QSignalSpy clientGone(client.get(), &QWebSocket::disconnected);
        WebSocketConnection *ws = side()->connection;
        call([&] { ws->close(QWebSocketProtocol::CloseCode(4000), QStringLiteral("bye now \u2713")); });
        QCOMPARE(ws->state(), QAbstractSocket::ClosingState);
        QCOMPARE(side()->disconnects, 0);
        QCOMPARE(ws->sendText("too late"), 0); // nothing is sent after a close
        QTRY_COMPARE(clientGone.size(), 1);
        QCOMPARE(int(client->closeCode()), 4000);
        QCOMPARE(client->closeReason(), QStringLiteral("bye now \u2713"));
        QTRY_COMPARE(side()->disconnects, 1);
        QCOMPARE(ws->state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(int(ws->closeCode()), 4000);
        QVERIFY(loopPassed());
        QCOMPARE(side()->disconnects, 1);
    }

    void closeFromServerSendsExactlyOneCloseFrame()
    {
        RawClient raw;
        QVERIFY(raw.upgrade(m_port));
        QVERIFY(waitForServerSide());
        side()->connection->close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("restart"));
        side()->connection->close(QWebSocketProtocol::CloseCodeNormal); // ignored: already closing
        const std::optional<RawClient::Frame> f = raw.waitForFrame();
        QVERIFY(f);
        QCOMPARE(f->opcode, int(Close));
        QVERIFY(f->fin);
        QCOMPARE(f->closeCode(), quint16(1001));
        QCOMPARE(f->payload.mid(2), QByteArray("restart"));
        // Answer it: the server closes the TCP connection.
        QVERIFY(raw.sendAll(clientFrame(Close, closePayload(1001))));
        QVERIFY(raw.waitForEof());
        QVERIFY(raw.in.isEmpty());
        QTRY_COMPARE(side()->disconnects, 1);
    }

    void longCloseReasonIsCutToFitAControlFrame()
    {
        RawClient raw;
        QVERIFY(raw.upgrade(m_port));
        QVERIFY(waitForServerSide());
        side()->connection->close(QWebSocketProtocol::CloseCodeNormal, QString(200, QChar(0x00e9))); // 2 bytes each
        const std::optional<RawClient::Frame> f = raw.waitForFrame();
        QVERIFY(f);
        QCOMPARE(f->opcode, int(Close));
        QVERIFY(f->payload.size() <= 125);
        QCOMPARE(f->payload.mid(2), QString(61, QChar(0x00e9)).toUtf8()); // whole characters only
    }

    void closeFromClientIsEchoedAndReported()
    {
        auto client = openClient();
        QVERIFY(client);
        QSignalSpy clientGone(client.get(), &QWebSocket::disconnected);
        client->close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("client leaving"));
        QTRY_COMPARE(side()->disconnects, 1);
        QCOMPARE(side()->closeCodeAtDisconnect, quint16(QWebSocketProtocol::CloseCodeGoingAway));
        QCOMPARE(side()->closeReasonAtDisconnect, QStringLiteral("client leaving"));
        QTRY_COMPARE(clientGone.size(), 1);
        QCOMPARE(client->closeCode(), QWebSocketProtocol::CloseCodeGoingAway);
    }

    void closeFromClientEchoesItsCode_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<int>("echoed");
        QTest::addColumn<int>("reported");
        QTest::newRow("1001") << closePayload(1001, "bye") << 1001 << 1001;
        QTest::newRow("4321") << closePayload(4321) << 4321 << 4321;
        QTest::newRow("no code") << QByteArray() << 1000 << 1005;
    }
    void closeFromClientEchoesItsCode()
    {
        QFETCH(QByteArray, payload);
        QFETCH(int, echoed);
        QFETCH(int, reported);
        RawClient raw;
        QVERIFY(raw.upgrade(m_port));
        QVERIFY(waitForServerSide());
        // Data after the close frame is never delivered.
        QVERIFY(raw.sendAll(clientFrame(Close, payload) + clientFrame(Text, "after close")));
        const std::optional<RawClient::Frame> f = raw.waitForFrame();
        QVERIFY(f);
        QCOMPARE(f->opcode, int(Close));
        QCOMPARE(int(f->closeCode()), echoed);
        QVERIFY(raw.waitForEof()); // the server drops TCP once its answer is out
        QVERIFY(!raw.reset);
        QTRY_COMPARE(side()->disconnects, 1);
        QCOMPARE(int(side()->closeCodeAtDisconnect), reported);
        QVERIFY(side()->texts.isEmpty());
    }

    void abortDropsAtOnceWithoutCloseFrame()
    {
        RawClient raw;
        QVERIFY(raw.upgrade(m_port));
        QVERIFY(waitForServerSide());
        WebSocketConnection *ws = side()->connection;
        const qint64 base = SendBudget::instance().total();
        ws->sendText("queued before abort");
        QCOMPARE(SendBudget::instance().total(), base + 21);
        call([&] { ws->abort(); });
        QCOMPARE(SendBudget::instance().total(), base); // given back at once
        QCOMPARE(ws->state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(ws->closeCode(), quint16(QWebSocketProtocol::CloseCodeAbnormalDisconnection));
        QCOMPARE(ws->bytesToWrite(), 0);
        QCOMPARE(side()->disconnects, 0); // not from inside abort()
        QTRY_COMPARE(side()->disconnects, 1);
        QVERIFY(raw.waitForEof());
        QCOMPARE(raw.in, QByteArray()); // neither the queued text nor a close frame
        QCOMPARE(ws->sendText("after abort"), 0);
        QVERIFY(loopPassed());
        QCOMPARE(side()->disconnects, 1);
    }

    void sendBudgetVerdicts()
    {
        SendBudget b;
        using V = SendBudget::Verdict;
        QCOMPARE(b.verdict(1000, 1000), V::Keep);
        QCOMPARE(b.verdict(1001, 1000), V::OverOwnCap);
        b.add(10 << 20); // no shared limit yet: any total is fine
        QCOMPARE(b.verdict(SendBudget::FairShare + 1, 1 << 30), V::Keep);
        b.setLimit(1 << 20);
        QCOMPARE(b.verdict(SendBudget::FairShare + 1, 1 << 30), V::OverBudget);
        QCOMPARE(b.verdict(SendBudget::FairShare, 1 << 30), V::Keep); // a fair share is never cut
        b.add(-(10 << 20) + (1 << 20));                               // exactly at the limit
        QCOMPARE(b.verdict(SendBudget::FairShare + 1, 1 << 30), V::Keep);
        QCOMPARE(QByteArray(SendBudget::reason(V::OverBudget)),
                 QByteArray("slow consumer: server send budget exhausted"));
    }

    void qwebsocketSeesServerAbortAsDisconnect()
    {
        auto client = openClient();
        QVERIFY(client);
        QSignalSpy clientGone(client.get(), &QWebSocket::disconnected);
        side()->connection->abort();
        QTRY_COMPARE(clientGone.size(), 1);
        QTRY_COMPARE(side()->disconnects, 1);
    }

    void clientDisconnectWithoutCloseIs1006()
    {
        RawClient raw;
        QVERIFY(raw.upgrade(m_port));
        QVERIFY(waitForServerSide());
        raw.closeNow();
        QTRY_COMPARE(side()->disconnects, 1);
        QCOMPARE(side()->closeCodeAtDisconnect, quint16(QWebSocketProtocol::CloseCodeAbnormalDisconnection));
        QCOMPARE(side()->connection->state(), QAbstractSocket::UnconnectedState);
    }

    void qwebsocketAbortIs1006()
    {
        auto client = openClient();
        QVERIFY(client);
        client->abort();
        QTRY_COMPARE(side()->disconnects, 1);
        QCOMPARE(side()->closeCodeAtDisconnect, quint16(QWebSocketProtocol::CloseCodeAbnormalDisconnection));
    }

    void peerThatNeverAnswersCloseIsDroppedAfterTimeout()
    {
        RawClient raw;
        QVERIFY(raw.upgrade(m_port));
        QVERIFY(waitForServerSide());
        WebSocketConnection *ws = side()->connection;
        ws->close(QWebSocketProtocol::CloseCodeNormal, QStringLiteral("bye"));
        const std::optional<RawClient::Frame> f = raw.waitForFrame();
        QVERIFY(f);
        QCOMPARE(f->opcode, int(Close));
        // We never answer. The server keeps waiting for a while...
        QTest::qWait(WebSocketConnection::closeTimeoutMs / 5);
        QCOMPARE(ws->state(), QAbstractSocket::ClosingState);
        QCOMPARE(side()->disconnects, 0);
        // ...and drops us once closeTimeoutMs has passed.
        QTRY_VERIFY_WITH_TIMEOUT(ws->state() == QAbstractSocket::UnconnectedState,
                                 WebSocketConnection::closeTimeoutMs + 2000);
        QTRY_COMPARE(side()->disconnects, 1);
        QCOMPARE(ws->closeCode(), quint16(QWebSocketProtocol::CloseCodeNormal));
        QVERIFY(raw.waitForEof());
    }

    void disconnectedIsNeverSynchronous()
    {
        // sendText to a peer that reset: the failure surfaces later, from the loop.
        RawClient raw;
        QVERIFY(raw.upgrade(m_port));
        QVERIFY(waitForServerSide());
        WebSocketConnection *ws = side()->connection;
        raw.resetNow(); // the server learns it only when it sends (or reads)
        for (int i = 0; i < 100; ++i) call([&] { ws->sendText(QByteArray(1000, 'x')); });
        call([&] { WebSocketConnection::flushAll(); });
        call([&] { ws->sendText("more"); });
        call([&] { ws->close(); });
        call([&] { ws->abort(); });
        QTRY_COMPARE(side()->disconnects, 1);
        QVERIFY(loopPassed());
        QCOMPARE(side()->disconnects, 1);
        QCOMPARE(m_synchronousDisconnects, 0);
    }

    void closeFromInsideMessageSlotStopsDelivery()
    {
        m_echo = false;
        m_onAccept = [](ServerSide *s) {
            QObject::connect(s->connection, &WebSocketConnection::textMessageReceived, s->connection,
                             [s](const QString &t) {
                if (t == QLatin1String("stop"))
                    s->connection->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("no"));
            });
        };
        RawClient raw;
        QVERIFY(raw.upgrade(m_port, clientFrame(Text, "a") + clientFrame(Text, "stop") + clientFrame(Text, "ignored")));
        QVERIFY(waitForServerSide());
        const std::optional<RawClient::Frame> f = raw.waitForFrame();
        QVERIFY(f);
        QCOMPARE(f->opcode, int(Close));
        QCOMPARE(f->closeCode(), quint16(1008));
        QCOMPARE(side()->texts, (QStringList{QStringLiteral("a"), QStringLiteral("stop")}));
        QVERIFY(raw.sendAll(clientFrame(Close, closePayload(1008))));
        QTRY_COMPARE(side()->disconnects, 1);
        QCOMPARE(side()->closeCodeAtDisconnect, quint16(QWebSocketProtocol::CloseCodePolicyViolated));
    }

    // ---- protocol errors --------------------------------------------------------------

    void messageOverLimitGets1009CloseNotReset()
    {
        auto client = openClient();
        QVERIFY(client);
        QSignalSpy clientGone(client.get(), &QWebSocket::disconnected);
        client->sendBinaryMessage(QByteArray(1024 * 1024 + 1, 'x'));
        QTRY_COMPARE_WITH_TIMEOUT(clientGone.size(), 1, 10000);
        QCOMPARE(client->closeCode(), QWebSocketProtocol::CloseCodeTooMuchData);
        QTRY_COMPARE(side()->disconnects, 1);
        QCOMPARE(side()->closeCodeAtDisconnect, quint16(QWebSocketProtocol::CloseCodeTooMuchData));
        QVERIFY(side()->binaries.isEmpty());
    }

    void oversizedFrameFromRawClientGets1009ThenEof()
    {
        // 4 MiB announced and sent in full: the server keeps reading (and
        // dropping) so its close frame is not destroyed by a reset.
        RawClient raw;
        QVERIFY(raw.upgrade(m_port));
        QVERIFY(waitForServerSide());
        QVERIFY(raw.sendAll(clientFrame(Binary, QByteArray(4 * 1024 * 1024, 'z')), 20000));
        const std::optional<RawClient::Frame> f = raw.waitForFrame();
        QVERIFY(f);
        QCOMPARE(f->opcode, int(Close));
        QCOMPARE(f->closeCode(), quint16(1009));
        QVERIFY(!raw.reset);
        QVERIFY(raw.sendAll(clientFrame(Close, closePayload(1009))));
        raw.shutdownWrite();
        QVERIFY(raw.waitForEof(2000));
        QVERIFY(!raw.reset);
        QTRY_COMPARE(side()->disconnects, 1);
    }

    void protocolErrors_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("code");
        QTest::newRow("invalid UTF-8 text") << clientFrame(Text, "ok\xC0\xAF") << 1007;
        QTest::newRow("surrogate in text") << clientFrame(Text, "\xED\xA0\x80") << 1007;
        QTest::newRow("unmasked frame") << clientFrame(Text, "hi", true, false) << 1002;
        QTest::newRow("RSV1") << QByteArray(clientFrame(Text, "hi")).replace(0, 1, "\xC1") << 1002;
        QTest::newRow("unknown opcode") << clientFrame(0x3, "hi") << 1002;
        QTest::newRow("continuation first") << clientFrame(Continuation, "hi") << 1002;
        QTest::newRow("close code 1005") << clientFrame(Close, closePayload(1005)) << 1002;
        QTest::newRow("close reason not UTF-8") << clientFrame(Close, closePayload(1000, "\xFF")) << 1007;
    }
    void protocolErrors()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, code);
        RawClient raw;
        QVERIFY(raw.upgrade(m_port));
        QVERIFY(waitForServerSide());
        QVERIFY(raw.sendAll(clientFrame(Text, "fine") + bytes + clientFrame(Text, "never")));
        const std::optional<RawClient::Frame> f = raw.waitForFrame();
        QVERIFY(f);
        QCOMPARE(f->opcode, int(Text)); // the echo of "fine"
        const std::optional<RawClient::Frame> c = raw.waitForFrame();
        QVERIFY(c);
        QCOMPARE(c->opcode, int(Close));
        QCOMPARE(int(c->closeCode()), code);
        QCOMPARE(side()->texts, QStringList{QStringLiteral("fine")});
        QCOMPARE(int(side()->connection->closeCode()), code);
        QCOMPARE(side()->connection->state(), QAbstractSocket::ClosingState);
        // Answer and close our side, as QWebSocket and browsers do; the server,
        // which drops input after an error, then sees EOF and lets go.
        QVERIFY(raw.sendAll(clientFrame(Close, closePayload(quint16(code)))));
        raw.shutdownWrite();
        QVERIFY(raw.waitForEof(2000));
        QVERIFY(!raw.reset);
        QTRY_COMPARE(side()->disconnects, 1);
        QCOMPARE(int(side()->closeCodeAtDisconnect), code);
    }

    void invalidUtf8AfterValidFragmentedMessageIs1007()
    {
        RawClient raw;
        QVERIFY(raw.upgrade(m_port, clientFrame(Text, "\xCE", false) + clientFrame(Continuation, "\xBA")
                                        + clientFrame(Text, "bad \xF4\x90\x80\x80")));
        QVERIFY(waitForServerSide());
        const std::optional<RawClient::Frame> echo = raw.waitForFrame();
        QVERIFY(echo);
        QCOMPARE(echo->payload, QByteArray("\xCE\xBA")); // valid once reassembled
        const std::optional<RawClient::Frame> c = raw.waitForFrame();
        QVERIFY(c);
        QCOMPARE(c->closeCode(), quint16(1007));
    }

    // ---- handshake ----------------------------------------------------------------------

    void version12Gets426WithVersion13()
    {
        RawClient raw;
        QVERIFY(raw.connectTo(m_port));
        QVERIFY(raw.sendAll(upgradeRequest(QByteArray(), "12")));
        const std::optional<QByteArray> head = raw.waitForHead();
        QVERIFY(head);
        QVERIFY2(head->startsWith("HTTP/1.1 426 "), head->constData());
        QVERIFY2(head->contains("\r\nSec-WebSocket-Version: 13\r\n"), head->constData());
        QVERIFY(!head->toLower().contains("sec-websocket-accept"));
        QVERIFY(m_sides.empty());
    }

    void missingKeyGets400()
    {
        RawClient raw;
        QVERIFY(raw.connectTo(m_port));
        QVERIFY(raw.sendAll(upgradeRequest(QByteArray(), "13", QByteArray())));
        const std::optional<QByteArray> head = raw.waitForHead();
        QVERIFY(head);
        QVERIFY2(head->startsWith("HTTP/1.1 400 "), head->constData());
        QVERIFY(m_sides.empty());
    }

    void upgradeResponseCarriesTheRfcAcceptKey()
    {
        RawClient raw;
        QVERIFY(raw.connectTo(m_port));
        QVERIFY(raw.sendAll(upgradeRequest()));
        const std::optional<QByteArray> head = raw.waitForHead();
        QVERIFY(head);
        QVERIFY2(head->startsWith("HTTP/1.1 101 "), head->constData());
        QVERIFY2(head->contains("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), head->constData());
    }

    void subprotocolPhoenixIsEchoedWhenOffered()
    {
        auto client = openClient({QStringLiteral("token.abc"), QStringLiteral("phoenix")});
        QVERIFY(client);
        QCOMPARE(client->subprotocol(), QStringLiteral("phoenix"));
    }

    void subprotocolIsAbsentWhenPhoenixIsNotOffered()
    {
        RawClient raw;
        QVERIFY(raw.connectTo(m_port));
        QVERIFY(raw.sendAll(upgradeRequest("Sec-WebSocket-Protocol: chat, superchat\r\n")));
        const std::optional<QByteArray> head = raw.waitForHead();
        QVERIFY(head);
        QVERIFY2(head->startsWith("HTTP/1.1 101 "), head->constData());
        QVERIFY(!head->toLower().contains("sec-websocket-protocol"));

        auto client = openClient({QStringLiteral("chat")});
        QVERIFY(client);
        QCOMPARE(client->subprotocol(), QString());
    }
};

SWITCHBOARD_DISPATCHER_TEST_MAIN(tst_WebSocketConnection)
#include "tst_websocketconnection.moc"
