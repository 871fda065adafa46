// The real switchboard-server binary, started with QProcess on a free loopback
// port and a temporary data dir, driven over REST (QNetworkAccessManager) and
// the flat JSON WebSocket dialect (QWebSocket), then stopped with SIGTERM.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <memory>
#include <optional>

namespace {

const QString kSecret = QStringLiteral("tst_serverintegration-secret-0123456789");

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

struct HttpResult
{
    int status = 0;
    QJsonObject json;
    QByteArray body;
};

// A WebSocket client that keeps every JSON message it receives, in order, and
// lets the test take the next one matching a predicate.
class JsonSocket
{
public:
    JsonSocket()
    {
        QObject::connect(&m_ws, &QWebSocket::textMessageReceived, &m_ws, [this](const QString &text) {
            m_queue.append(QJsonDocument::fromJson(text.toUtf8()).object());
        });
        QObject::connect(&m_ws, &QWebSocket::disconnected, &m_ws, [this] { m_closeCode = int(m_ws.closeCode()); });
        QObject::connect(&m_ws, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), &m_ws,
                         [this](QAbstractSocket::SocketError) { m_failed = true; });
    }

    bool open(const QUrl &url)
    {
        m_ws.open(url);
        return QTest::qWaitFor([&] { return m_ws.state() == QAbstractSocket::ConnectedState || m_failed; }, 10000)
            && m_ws.state() == QAbstractSocket::ConnectedState;
    }

    void send(const QJsonObject &o)
    {
        m_ws.sendTextMessage(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)));
    }

    std::optional<QJsonObject> next(const std::function<bool(const QJsonObject &)> &pred, int timeoutMs = 10000)
    {
        std::optional<QJsonObject> found;
        auto take = [&] {
            for (int i = 0; i < m_queue.size(); ++i)
                if (pred(m_queue[i])) {
                    found = m_queue.takeAt(i);
                    return true;
                }
            return false;
        };
        if (!take() && !QTest::qWaitFor(take, timeoutMs)) return std::nullopt;
        return found;
    }

    std::optional<QJsonObject> next(const QString &type, int timeoutMs = 10000)
    {
        return next([type](const QJsonObject &o) { return o.value(QLatin1String("type")).toString() == type; },
                    timeoutMs);
    }

    // The very next message, whatever it is.
    std::optional<QJsonObject> first(int timeoutMs = 10000)
    {
        return next([](const QJsonObject &) { return true; }, timeoutMs);
    }

    QString queuedTypes() const
    {
        QStringList t;
        for (const QJsonObject &o : m_queue) t.append(o.value(QLatin1String("type")).toString());
        return t.join(QLatin1Char(','));
    }

    void close() { m_ws.close(); }
    bool waitClosed(int timeoutMs = 10000)
    {
        return QTest::qWaitFor([&] { return m_ws.state() == QAbstractSocket::UnconnectedState; }, timeoutMs);
    }
    int closeCode() const { return m_closeCode; }
    bool failed() const { return m_failed; }
    QWebSocket &socket() { return m_ws; }

private:
    QWebSocket m_ws;
    QList<QJsonObject> m_queue;
    int m_closeCode = -1;
    bool m_failed = false;
};

bool isType(const QJsonObject &o, const char *type)
{
    return o.value(QLatin1String("type")).toString() == QLatin1String(type);
}

} // namespace

class ServerIntegrationTest : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dataDir;
    std::unique_ptr<QProcess> m_server;
    quint16 m_port = 0;
    QNetworkAccessManager m_nam;
    QString m_general;
    struct Account
    {
        QString token;
        QString id;
        QString username;
    };
    Account m_alice, m_bob;

    QStringList baseArgs(quint16 port) const
    {
        return {QStringLiteral("--listen"),
                QStringLiteral("127.0.0.1:%1").arg(port),
                QStringLiteral("--data-dir"),
                m_dataDir.path(),
                QStringLiteral("--jwt-secret"),
                kSecret,
                QStringLiteral("--fast-password-hashing"),
                QStringLiteral("true"),
                QStringLiteral("--log-level"),
                QStringLiteral("warning")};
    }

    // Starts the server and waits for /readyz; retries on a port taken meanwhile.
    bool startServer(QString *why)
    {
        for (int attempt = 0; attempt < 3; ++attempt) {
            m_port = freePort();
            m_server = std::make_unique<QProcess>();
            m_server->setProcessChannelMode(QProcess::SeparateChannels);
            m_server->start(serverBinary(), baseArgs(m_port));
            if (!m_server->waitForStarted(10000)) {
                *why = QStringLiteral("cannot start %1: %2").arg(serverBinary(), m_server->errorString());
                return false;
            }
            const bool ready = QTest::
                qWaitFor([&] { return m_server->state() != QProcess::Running || http("GET", "/readyz").status == 200; },
                         20000);
            if (ready && m_server->state() == QProcess::Running) return true;
            *why = QStringLiteral("server not ready: %1").arg(QString::fromUtf8(m_server->readAllStandardError()));
            m_server->kill();
            m_server->waitForFinished(5000);
        }
        return false;
    }

    void stopServer()
    {
        if (!m_server) return;
        if (m_server->state() == QProcess::Running) {
            m_server->terminate();
            if (!m_server->waitForFinished(10000)) m_server->kill();
        }
        m_server->waitForFinished(5000);
        m_server.reset();
    }

    HttpResult http(const QByteArray &method, const QString &path, const QString &token = QString(),
                    const QJsonObject &body = QJsonObject(), bool withBody = false)
    {
        QNetworkRequest req(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path)));
        req.setTransferTimeout(10000);
        if (!token.isEmpty()) req.setRawHeader("Authorization", "Bearer " + token.toUtf8());
        QByteArray payload;
        if (withBody || !body.isEmpty()) {
            req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
            payload = QJsonDocument(body).toJson(QJsonDocument::Compact);
        }
        QNetworkReply *reply = m_nam.sendCustomRequest(req, method, payload);
        HttpResult out;
        if (!QTest::qWaitFor([&] { return reply->isFinished(); }, 15000)) {
            reply->abort();
        }
        out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        out.body = reply->readAll();
        out.json = QJsonDocument::fromJson(out.body).object();
        reply->deleteLater();
        return out;
    }

    std::optional<Account> registerUser(const QString &name)
    {
        const HttpResult r = http("POST", QStringLiteral("/api/v1/auth/register"), QString(),
                                  {{"username", name},
                                   {"password", "password123"},
                                   {"email", QString(name + QStringLiteral("@example.test"))}});
        if (r.status != 201) {
            qWarning() << "register" << name << r.status << r.body;
            return std::nullopt;
        }
        return Account{r.json.value(QLatin1String("access_token")).toString(),
                       r.json.value(QLatin1String("user")).toObject().value(QLatin1String("id")).toString(), name};
    }

    QUrl wsUrl(const QString &token) const
    {
        return QUrl(QStringLiteral("ws://127.0.0.1:%1/ws?token=%2").arg(m_port).arg(token));
    }

    // Opens a flat JSON socket and consumes connection_established.
    std::unique_ptr<JsonSocket> connectAs(const Account &a)
    {
        auto s = std::make_unique<JsonSocket>();
        if (!s->open(wsUrl(a.token))) return nullptr;
        if (!s->next(QStringLiteral("connection_established"))) return nullptr;
        return s;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dataDir.isValid());
        QVERIFY2(QFileInfo(serverBinary()).isExecutable(),
                 qPrintable(QStringLiteral("no server binary at %1 (set SWITCHBOARD_SERVER)").arg(serverBinary())));
        QString why;
        QVERIFY2(startServer(&why), qPrintable(why));
        const auto alice = registerUser(QStringLiteral("alice"));
        const auto bob = registerUser(QStringLiteral("bob"));
        QVERIFY(alice && bob);
        m_alice = *alice;
        m_bob = *bob;
        QVERIFY(!m_alice.token.isEmpty() && !m_alice.id.isEmpty());
        const HttpResult channels = http("GET", QStringLiteral("/api/v1/channels"), m_alice.token);
        QCOMPARE(channels.status, 200);
        for (const QJsonValue &c : channels.json.value(QLatin1String("channels")).toArray())
            if (c.toObject().value(QLatin1String("name")).toString() == QLatin1String("general"))
                m_general = c.toObject().value(QLatin1String("id")).toString();
        QVERIFY2(!m_general.isEmpty(), channels.body.constData());
    }

    void cleanupTestCase() { stopServer(); }

    void healthAndReadinessAnswer()
    {
        const HttpResult health = http("GET", QStringLiteral("/healthz"));
        QCOMPARE(health.status, 200);
        QCOMPARE(health.json.value(QLatin1String("status")).toString(), QStringLiteral("ok"));
        QCOMPARE(http("GET", QStringLiteral("/readyz")).status, 200);
    }

    void connectionIsEstablishedForTheTokensUser()
    {
        JsonSocket s;
        QVERIFY(s.open(wsUrl(m_alice.token)));
        const auto hello = s.next(QStringLiteral("connection_established"));
        QVERIFY2(hello, qPrintable(s.queuedTypes()));
        QCOMPARE(hello->value(QLatin1String("user_id")).toString(), m_alice.id);
        QCOMPARE(hello->value(QLatin1String("username")).toString(), QStringLiteral("alice"));
        QVERIFY(!hello->value(QLatin1String("timestamp")).toString().isEmpty());
    }

    void connectionEstablishedIsTheFirstFrame()
    {
        // Seed 004, "Connection Flow": authenticate, auto-join, connection_established,
        // then real-time messages. A client may rely on the greeting coming first.
        JsonSocket s;
        QVERIFY(s.open(wsUrl(m_bob.token)));
        const auto first = s.first();
        QVERIFY(first);
        QCOMPARE(first->value(QLatin1String("type")).toString(), QStringLiteral("connection_established"));
    }

    void sentMessageReachesTheOtherUserAndIsAcknowledged()
    {
        auto a = connectAs(m_alice);
        auto b = connectAs(m_bob);
        QVERIFY(a && b);
        a->send(
            {{"type", "send_message"}, {"channel_id", m_general}, {"content", "hello from a"}, {"client_id", "c-42"}});
        const auto ack = a->next(QStringLiteral("message_sent"));
        QVERIFY2(ack, qPrintable(a->queuedTypes()));
        QCOMPARE(ack->value(QLatin1String("client_id")).toString(), QStringLiteral("c-42"));
        const QString id = ack->value(QLatin1String("data")).toObject().value(QLatin1String("id")).toString();
        QVERIFY(!id.isEmpty());

        const auto got = b->next(QStringLiteral("new_message"));
        QVERIFY2(got, qPrintable(b->queuedTypes()));
        const QJsonObject data = got->value(QLatin1String("data")).toObject();
        QCOMPARE(data.value(QLatin1String("id")).toString(), id);
        QCOMPARE(data.value(QLatin1String("content")).toString(), QStringLiteral("hello from a"));
        QCOMPARE(data.value(QLatin1String("channelId")).toString(), m_general);
        QCOMPARE(data.value(QLatin1String("userId")).toString(), m_alice.id);
        QCOMPARE(data.value(QLatin1String("user")).toObject().value(QLatin1String("username")).toString(),
                 QStringLiteral("alice"));
    }

    void restPostedMessageArrivesAtBothSockets()
    {
        auto a = connectAs(m_alice);
        auto b = connectAs(m_bob);
        QVERIFY(a && b);
        const HttpResult posted = http("POST", QStringLiteral("/api/v1/messages"), m_bob.token,
                                       {{"channel_id", m_general}, {"content", "posted over REST"}});
        QCOMPARE(posted.status, 201);
        const QString id = posted.json.value(QLatin1String("id")).toString();
        QVERIFY2(!id.isEmpty(), posted.body.constData());
        auto isIt = [id](const QJsonObject &o) {
            return isType(o, "new_message")
                && o.value(QLatin1String("data")).toObject().value(QLatin1String("id")).toString() == id;
        };
        QVERIFY2(a->next(isIt), qPrintable(a->queuedTypes()));
        QVERIFY2(b->next(isIt), qPrintable(b->queuedTypes())); // the author's own socket too
    }

    void typingIndicatorReachesTheOtherUserOnly()
    {
        auto a = connectAs(m_alice);
        auto b = connectAs(m_bob);
        QVERIFY(a && b);
        a->send({{"type", "typing_indicator"}, {"channel_id", m_general}, {"is_typing", true}});
        a->send({{"type", "ping"}});
        const auto typing = b->next(QStringLiteral("typing_indicator"));
        QVERIFY2(typing, qPrintable(b->queuedTypes()));
        QCOMPARE(typing->value(QLatin1String("user_id")).toString(), m_alice.id);
        QCOMPARE(typing->value(QLatin1String("channel_id")).toString(), m_general);
        QCOMPARE(typing->value(QLatin1String("is_typing")), QJsonValue(true));
        // Frames are handled in order: by the time A's pong comes, an echo would already be queued.
        QVERIFY(a->next(QStringLiteral("pong")));
        QVERIFY(!a->next(QStringLiteral("typing_indicator"), 0));
        a->send({{"type", "typing_indicator"}, {"channel_id", m_general}, {"is_typing", false}});
        const auto stopped = b->next(QStringLiteral("typing_indicator"));
        QVERIFY(stopped);
        QCOMPARE(stopped->value(QLatin1String("is_typing")), QJsonValue(false));
    }

    void userStatusOfflineReachesOthersWhenTheLastConnectionCloses()
    {
        auto a = connectAs(m_alice);
        QVERIFY(a);
        const auto carol = registerUser(QStringLiteral("carol"));
        QVERIFY(carol);
        auto c = connectAs(*carol);
        QVERIFY(c);
        auto carolIs = [id = carol->id](const char *status) {
            return [id, status](const QJsonObject &o) {
                return isType(o, "user_status") && o.value(QLatin1String("user_id")).toString() == id
                    && o.value(QLatin1String("status")).toString() == QLatin1String(status);
            };
        };
        QVERIFY2(a->next(carolIs("online")), qPrintable(a->queuedTypes()));
        c->close();
        QVERIFY(c->waitClosed());
        QVERIFY2(a->next(carolIs("offline")), qPrintable(a->queuedTypes()));
    }

    void badTokenIsRefusedAtTheHandshake()
    {
        JsonSocket s;
        QVERIFY(!s.open(wsUrl(QStringLiteral("not-a-token"))));
        QVERIFY(s.failed());

        // On the wire: a real HTTP status with a JSON error, no upgrade.
        QTcpSocket raw;
        raw.connectToHost(QHostAddress::LocalHost, m_port);
        QVERIFY(QTest::qWaitFor([&] { return raw.state() == QAbstractSocket::ConnectedState; }, 5000));
        raw.write(
            "GET /ws?token=forged.token.value HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        QByteArray response;
        QVERIFY(QTest::qWaitFor(
            [&] {
            response += raw.readAll();
            return response.contains("\r\n\r\n");
            },
            5000));
        QVERIFY2(response.startsWith("HTTP/1.1 401"), response.left(40).constData());
        QVERIFY(!response.contains("101 Switching Protocols"));
    }

    void badCommandLineExitsWithCode2_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("unknown option") << QStringList{QStringLiteral("--no-such-option")};
        QTest::newRow("bad database url") << QStringList{QStringLiteral("--database"), QStringLiteral("mysql://x/y")};
        QTest::newRow("bad listen") << QStringList{QStringLiteral("--listen"), QStringLiteral("nowhere")};
        QTest::newRow("port in use") << QStringList{QStringLiteral("--listen"), QStringLiteral("127.0.0.1:PORT")};
    }

    void badCommandLineExitsWithCode2()
    {
        QFETCH(QStringList, args);
        for (QString &a : args) a.replace(QLatin1String("PORT"), QString::number(m_port)); // the running server's port
        QTemporaryDir dir;
        QProcess p;
        p.start(serverBinary(),
                QStringList{QStringLiteral("--data-dir"), dir.path(), QStringLiteral("--jwt-secret"), kSecret} + args);
        QVERIFY(p.waitForFinished(20000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 2);
        const QByteArray err = p.readAllStandardError().trimmed();
        QVERIFY2(err.startsWith("switchboard-server: "), err.constData());
        QCOMPARE(err.count('\n'), 0); // one line
    }

    // Last: it stops the shared server.
    void sigtermClosesSocketsWithGoingAwayAndExitsZero()
    {
        auto a = connectAs(m_alice);
        auto b = connectAs(m_bob);
        QVERIFY(a && b);
        const HttpResult posted = http("POST", QStringLiteral("/api/v1/messages"), m_alice.token,
                                       {{"channel_id", m_general}, {"content", "said just before shutdown"}});
        QCOMPARE(posted.status, 201);
        m_server->terminate(); // SIGTERM
        QVERIFY(a->waitClosed());
        QVERIFY(b->waitClosed());
        QCOMPARE(a->closeCode(), int(QWebSocketProtocol::CloseCodeGoingAway));
        QCOMPARE(b->closeCode(), int(QWebSocketProtocol::CloseCodeGoingAway));
        QVERIFY(QTest::qWaitFor([&] { return m_server->state() == QProcess::NotRunning; }, 15000));
        QCOMPARE(m_server->exitStatus(), QProcess::NormalExit);
        QCOMPARE(m_server->exitCode(), 0);

        // What was acknowledged before the signal is there after a restart, and tokens still work.
        QString why;
        QVERIFY2(startServer(&why), qPrintable(why));
        const HttpResult history = http("GET", QStringLiteral("/api/v1/channels/%1/messages?limit=100").arg(m_general),
                                        m_bob.token);
        QCOMPARE(history.status, 200);
        QStringList contents;
        for (const QJsonValue &m : history.json.value(QLatin1String("messages")).toArray())
            contents.append(m.toObject().value(QLatin1String("content")).toString());
        QVERIFY2(contents.contains(QStringLiteral("said just before shutdown")),
                 qPrintable(contents.join(QLatin1Char('|'))));
        QVERIFY(contents.contains(QStringLiteral("hello from a")));
    }
};

QTEST_GUILESS_MAIN(ServerIntegrationTest)
#include "tst_serverintegration.moc"
