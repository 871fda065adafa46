#include "AdminClient.h"
#include "AdminProtocol.h"
#include "ChannelModel.h"
#include "ChannelsPage.h"
#include "ChatClient.h"
#include "ConnectionModel.h"
#include "ConnectionsPage.h"
#include "ConsoleTestHelpers.h"
#include "DetailsPane.h"
#include "MainWindow.h"
#include "ServerProcess.h"
#include "TrafficModel.h"
#include "TrafficPage.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QListWidget>
#include <QMenu>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace switchboard;

// The console against the real switchboard-server with real clients: two
// flat-JSON clients (alice, bob) and a workspace-JSON client (carol).
class tst_AdminConsoleE2E : public QObject
{
    Q_OBJECT

    static constexpr const char *adminToken = "e2e-admin-token";

    ServerProcess m_server;
    QString m_workspaceId, m_generalId;
    struct User
    {
        QString token, id;
    };
    QHash<QString, User> m_users;
    std::unique_ptr<ChatClient> m_alice, m_bob, m_carol;
    std::unique_ptr<MainWindow> m_window;

    QString connectionIdOf(const QString &userName) const
    {
        for (const ConnectionInfo &c : m_window->client()->connections()->connections()) {
            if (c.userName == userName) return c.id;
        }
        return QString();
    }
    static bool isType(const QJsonObject &m, const char *type)
    {
        return m.value(QLatin1String("type")).toString() == QLatin1String(type);
    }

    // The server answered a traffic_filter command: the filter is in force.
    static bool filterApplied(const QSignalSpy &finished)
    {
        for (const QList<QVariant> &args : finished) {
            const AdminResult r = args.at(0).value<AdminResult>();
            if (r.command == QLatin1String("traffic_filter") && r.ok) return true;
        }
        return false;
    }

    // A barrier through the feed: bob pings, and the console waits for the
    // traffic event of the pong. The feed delivers traffic in the order it was
    // tapped, so everything tapped before that pong has reached the console.
    bool bobPingedThroughTheFeed()
    {
        const TrafficModel *traffic = m_window->client()->traffic();
        auto pongs = [&] {
            int n = 0;
            for (const TrafficEvent &e : traffic->events())
                n += e.userName == QLatin1String("bob") && e.direction == TrafficEvent::Direction::Out
                  && e.event == QLatin1String("pong");
            return n;
        };
        const int before = pongs();
        m_bob->send({{"type", "ping"}});
        return QTest::qWaitFor([&] { return pongs() > before; }, 5000);
    }

    // A WebSocket console written by hand, for what QWebSocket will not do:
    // sending broken frames and not reading at all.
    static QByteArray maskedTextFrame(const QByteArray &payload)
    {
        QByteArray f;
        f.append(char(0x81));
        if (payload.size() < 126) {
            f.append(char(0x80 | payload.size()));
        } else {
            f.append(char(0x80 | 126));
            f.append(char((payload.size() >> 8) & 0xff));
            f.append(char(payload.size() & 0xff));
        }
        const char mask[4] = {0x11, 0x22, 0x33, 0x44};
        f.append(mask, 4);
        for (int i = 0; i < payload.size(); ++i) f.append(char(payload[i] ^ mask[i % 4]));
        return f;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(QFile::exists(ServerProcess::binary()),
                 qPrintable(ServerProcess::binary() + QStringLiteral(" is not built")));
        QVERIFY2(m_server.start(QLatin1String(adminToken), &error), qPrintable(error));
        for (const char *name : {"alice", "bob", "carol"}) {
            User u;
            QVERIFY(m_server.registerUser(QLatin1String(name), &u.token, &u.id));
            m_users.insert(QLatin1String(name), u);
        }
        QJsonObject body;
        QCOMPARE(m_server.request("GET", QStringLiteral("/api/v1/workspaces"), m_users["alice"].token, {}, &body), 200);
        for (const QJsonValue &w : body.value(QLatin1String("workspaces")).toArray()) {
            if (w.toObject().value(QLatin1String("is_default")).toBool())
                m_workspaceId = w.toObject().value(QLatin1String("id")).toString();
        }
        QCOMPARE(m_server.request("GET", QStringLiteral("/api/v1/channels"), m_users["alice"].token, {}, &body), 200);
        for (const QJsonValue &c : body.value(QLatin1String("channels")).toArray()) {
            if (c.toObject().value(QLatin1String("name")).toString() == QLatin1String("general"))
                m_generalId = c.toObject().value(QLatin1String("id")).toString();
        }
        QVERIFY(!m_workspaceId.isEmpty());
        QVERIFY(!m_generalId.isEmpty());

        m_alice = std::make_unique<ChatClient>(QStringLiteral("alice"));
        m_bob = std::make_unique<ChatClient>(QStringLiteral("bob"));
        m_carol = std::make_unique<ChatClient>(QStringLiteral("carol"));
        QVERIFY(m_alice->open(m_server.wsUrl(QStringLiteral("/ws?token=") + m_users["alice"].token),
                              QStringLiteral("connection_established")));
        QVERIFY(m_bob->open(m_server.wsUrl(QStringLiteral("/ws?token=") + m_users["bob"].token),
                            QStringLiteral("connection_established")));
        QVERIFY(
            m_carol->open(m_server.wsUrl(QStringLiteral("/ws/%1?token=%2").arg(m_workspaceId, m_users["carol"].token)),
                          QStringLiteral("pong")));

        m_window = std::make_unique<MainWindow>();
        m_window->resize(1200, 800);
        m_window->show();
        m_window->openFeed(m_server.wsUrl(QStringLiteral("/admin/ws")), QLatin1String(adminToken));
        QTRY_COMPARE_WITH_TIMEOUT(m_window->client()->state(), AdminClient::LinkState::Connected, 10000);
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_server.stop();
    }

    void tablesShowTheConnectedClients()
    {
        QTRY_COMPARE_WITH_TIMEOUT(m_window->connectionsPage()->view()->model()->rowCount(), 3, 5000);
        QVERIFY(!connectionIdOf(QStringLiteral("alice")).isEmpty());
        const ConnectionInfo carol = m_window->client()->connections()->connection(
            connectionIdOf(QStringLiteral("carol")));
        QCOMPARE(carol.dialect, QStringLiteral("workspacejson"));
        QCOMPARE(carol.userId, m_users["carol"].id);
        QCOMPARE(carol.remoteAddress.section(QLatin1Char(':'), 0, 0), QStringLiteral("127.0.0.1"));
        const ConnectionInfo alice = m_window->client()->connections()->connection(
            connectionIdOf(QStringLiteral("alice")));
        QCOMPARE(alice.dialect, QStringLiteral("flatjson"));
        QVERIFY(alice.channels.contains(m_generalId)); // flat JSON follows memberships

        const ChannelModel *channels = m_window->client()->channels();
        QTRY_VERIFY(channels->contains(m_generalId));
        QCOMPARE(channels->channel(m_generalId).name, QStringLiteral("general"));
        QTRY_COMPARE_WITH_TIMEOUT(m_window->client()->channels()->channel(m_generalId).onlineMembers, 3, 5000);
        QCOMPARE(m_window->client()->stats().connectionsByDialect.value(QStringLiteral("flatjson")), 2);
        QVERIFY(m_window->channelsPage()->selectChannel(m_generalId));
        QVERIFY(m_window->channelsPage()
                    ->details()
                    ->value(QStringLiteral("Online here"))
                    .contains(QStringLiteral("carol")));
    }

    void trafficOfRealFramesAppears()
    {
        m_alice->send({{"type", "send_message"},
                       {"channel_id", m_generalId},
                       {"content", "hello from alice"},
                       {"client_id", "t1"}});
        QVERIFY(!m_alice->waitFor([](const QJsonObject &m) { return isType(m, "message_sent"); }).isEmpty());
        const TrafficModel *traffic = m_window->client()->traffic();
        auto seen = [&](const char *user, TrafficEvent::Direction dir) {
            for (const TrafficEvent &e : traffic->events()) {
                if (e.userName == QLatin1String(user) && e.direction == dir
                    && e.payload.contains(QLatin1String("hello from alice")))
                    return true;
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(seen("alice", TrafficEvent::Direction::In), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(seen("bob", TrafficEvent::Direction::Out), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(seen("carol", TrafficEvent::Direction::Out), 5000);
        QVERIFY(m_window->trafficPage()->view()->model()->rowCount() >= 3);

        // A server-side filter: only bob's traffic from now on. The page
        // debounces the edit, then sends it; the server's answer says it is on.
        QSignalSpy finished(m_window->client(), &AdminClient::commandFinished);
        m_window->trafficPage()->setUserFilter(QStringLiteral("bob"));
        QTRY_VERIFY_WITH_TIMEOUT(filterApplied(finished), 5000);
        QCOMPARE(m_window->client()->trafficFilter().user, QStringLiteral("bob"));
        // Whatever was queued for us before the filter arrives before bob's next event.
        QVERIFY(bobPingedThroughTheFeed());
        m_window->trafficPage()->clearHistory();
        m_bob->send(
            {{"type", "send_message"}, {"channel_id", m_generalId}, {"content", "bob talks"}, {"client_id", "t2"}});
        QVERIFY(!m_bob->waitFor([](const QJsonObject &m) { return isType(m, "message_sent"); }).isEmpty());
        // alice and carol got it, so the server has sent (and tapped) their copies;
        // any of that traffic let through would reach us before bob's next event.
        QVERIFY(!m_alice
                     ->waitFor([](const QJsonObject &m) {
                         return isType(m, "new_message")
                             && m.value(QLatin1String("data")).toObject().value(QLatin1String("content")).toString()
                                    == QLatin1String("bob talks");
                     })
                     .isEmpty());
        QVERIFY(!m_carol
                     ->waitFor([](const QJsonObject &m) {
                         return isType(m, "message.new")
                             && m.value(QLatin1String("data")).toObject().value(QLatin1String("content")).toString()
                                    == QLatin1String("bob talks");
                     })
                     .isEmpty());
        QVERIFY(bobPingedThroughTheFeed());
        bool bobTalks = false;
        for (const TrafficEvent &e : traffic->events()) {
            QCOMPARE(e.userName, QStringLiteral("bob"));
            bobTalks |= e.direction == TrafficEvent::Direction::In && e.payload.contains(QLatin1String("bob talks"));
        }
        QVERIFY(bobTalks);
        m_window->trafficPage()->setUserFilter(QString());
    }

    void systemMessageReachesClientsInTwoDialects()
    {
        QScopedPointer<QMenu> menu(m_window->channelsPage()->contextMenuFor(m_generalId, m_window.get()));
        answerNextActionDialog(true, [](ActionDialog *d) { d->setText(QStringLiteral("Maintenance at 18:00")); });
        menu->findChild<QAction *>(QStringLiteral("systemMessageAction"))->trigger();
        const QJsonObject flat = m_bob->waitFor([](const QJsonObject &m) {
            return isType(m, "new_message")
                && m.value(QLatin1String("data")).toObject().value(QLatin1String("content")).toString()
                       == QLatin1String("Maintenance at 18:00");
        });
        QVERIFY2(!flat.isEmpty(), "bob (flat JSON) did not get the system message");
        const QJsonObject ws = m_carol->waitFor([](const QJsonObject &m) {
            return isType(m, "message.new")
                && m.value(QLatin1String("data")).toObject().value(QLatin1String("content")).toString()
                       == QLatin1String("Maintenance at 18:00");
        });
        QVERIFY2(!ws.isEmpty(), "carol (workspace JSON) did not get the system message");
        QTRY_VERIFY(!m_window->adminLog()->findItems(QStringLiteral("system_message by"), Qt::MatchContains).isEmpty());
    }

    void disconnectActionClosesTheRightSocket()
    {
        const QString bobId = connectionIdOf(QStringLiteral("bob"));
        QVERIFY(!bobId.isEmpty());
        QScopedPointer<QMenu> menu(m_window->connectionsPage()->contextMenuFor(bobId, m_window.get()));
        QString question;
        answerNextActionDialog(
            true, [](ActionDialog *d) { d->setText(QStringLiteral("bye bob")); }, &question);
        menu->findChild<QAction *>(QStringLiteral("disconnectAction"))->trigger();
        QVERIFY(question.contains(bobId));
        QVERIFY(m_bob->waitForDisconnect());
        QCOMPARE(m_bob->socket().closeReason(), QStringLiteral("bye bob"));
        QVERIFY(m_alice->isConnected());
        QVERIFY(m_carol->isConnected());
        m_alice->send(
            {{"type", "send_message"}, {"channel_id", m_generalId}, {"content", "still here"}, {"client_id", "t3"}});
        QVERIFY(!m_alice
                     ->waitFor([](const QJsonObject &m) {
                         return isType(m, "message_sent")
                             && m.value(QLatin1String("client_id")).toString() == QLatin1String("t3");
                     })
                     .isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(m_window->client()->connections()->rowOf(bobId), -1, 5000);
        QTRY_VERIFY(!m_window->adminLog()
                         ->findItems(QStringLiteral("closed connection ") + bobId, Qt::MatchContains)
                         .isEmpty());
    }

    void badFeedInputIsRefusedCleanly()
    {
        // Wrong token: the upgrade is refused with 401, nothing is opened.
        QWebSocket wrong;
        QSignalSpy wrongError(&wrong, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error));
        wrong.open(m_server.wsUrl(QStringLiteral("/admin/ws?token=guess")));
        QTRY_VERIFY(wrongError.count() > 0);
        QVERIFY(wrong.errorString().contains(QStringLiteral("401")));

        QWebSocket console;
        QList<QJsonObject> got;
        connect(&console, &QWebSocket::textMessageReceived, this,
                [&](const QString &t) { got.append(QJsonDocument::fromJson(t.toUtf8()).object()); });
        console.open(m_server.wsUrl(QStringLiteral("/admin/ws?token=") + QLatin1String(adminToken)));
        QTRY_VERIFY(!got.isEmpty());
        QCOMPARE(got.first().value(QLatin1String("type")).toString(), QStringLiteral("snapshot"));
        auto answerTo = [&](const QByteArray &frame, const std::function<bool(const QJsonObject &)> &match) {
            const int before = int(got.size());
            console.sendTextMessage(QString::fromUtf8(frame));
            QElapsedTimer t;
            t.start();
            while (t.elapsed() < 5000) {
                for (int i = before; i < got.size(); ++i) {
                    if (match(got.at(i))) return got.at(i);
                }
                QTest::qWait(10);
            }
            return QJsonObject();
        };
        auto error = [](const char *code) {
            return [code](const QJsonObject &m) {
                return m.value(QLatin1String("type")).toString() == QLatin1String("error")
                    && m.value(QLatin1String("error")).toObject().value(QLatin1String("code")).toString()
                           == QLatin1String(code);
            };
        };
        auto result = [](const char *id, const char *code) {
            return [id, code](const QJsonObject &m) {
                return m.value(QLatin1String("type")).toString() == QLatin1String("result")
                    && m.value(QLatin1String("id")).toString() == QLatin1String(id)
                    && !m.value(QLatin1String("ok")).toBool()
                    && m.value(QLatin1String("error")).toObject().value(QLatin1String("code")).toString()
                           == QLatin1String(code);
            };
        };
        QVERIFY(!answerTo("not json at all", error("bad_json")).isEmpty());
        QVERIFY(!answerTo("{\"type\":\"snapshot\"}", error("unknown_type")).isEmpty());
        QVERIFY(
            !answerTo("{\"type\":\"command\",\"id\":\"k1\",\"command\":\"reboot\"}", result("k1", "unknown_command"))
                 .isEmpty());
        QVERIFY(
            !answerTo("{\"type\":\"command\",\"id\":\"k2\",\"command\":\"disconnect\"}", result("k2", "bad_request"))
                 .isEmpty());
        QVERIFY(
            !answerTo(
                 "{\"type\":\"command\",\"id\":\"k3\",\"command\":\"disconnect\",\"connection_id\":\"no-such-connection\"}",
                 result("k3", "not_found"))
                 .isEmpty());
        QVERIFY(
            !answerTo(
                 "{\"type\":\"command\",\"id\":\"k4\",\"command\":\"remove_from_channel\",\"user_id\":\"nobody\",\"channel_id\":\""
                     + m_generalId.toUtf8() + "\"}",
                 result("k4", "not_found"))
                 .isEmpty());
        QVERIFY(
            !answerTo(
                 "{\"type\":\"command\",\"id\":\"k5\",\"command\":\"system_message\",\"channel_id\":\"no-such-channel\",\"text\":\"x\"}",
                 result("k5", "not_found"))
                 .isEmpty());
        QVERIFY(!answerTo("{\"type\":\"command\",\"id\":\"k6\",\"command\":\"disable_user\",\"user_id\":\"nobody\"}",
                          result("k6", "not_found"))
                     .isEmpty());
        // Refusals change nothing: everyone is still connected, and the feed still answers.
        QVERIFY(m_alice->isConnected());
        QVERIFY(m_carol->isConnected());
        QCOMPARE(console.state(), QAbstractSocket::ConnectedState);

        // A frame bigger than any command closes that console (1009), not the server.
        console.sendTextMessage(QString(AdminProtocol::MaxCommandBytes + 10, QLatin1Char('x')));
        QTRY_COMPARE_WITH_TIMEOUT(console.state(), QAbstractSocket::UnconnectedState, 5000);
        QCOMPARE(console.closeCode(), QWebSocketProtocol::CloseCodeTooMuchData);
        QJsonObject body;
        QCOMPARE(m_server.request("GET", QStringLiteral("/healthz"), QString(), {}, &body), 200);
        QCOMPARE(m_window->client()->state(), AdminClient::LinkState::Connected);
    }

    void aConsoleThatCannotKeepUpIsCutBackNotTheServer()
    {
        // Our console watches everything at the highest rate the feed allows;
        // the stalled one below asks for the same. Whatever the stalled one
        // loses beyond what the rate cap took from ours was cut for being slow.
        m_window->trafficPage()->setMaxRate(TrafficFilter::MaxRateLimit);
        QTRY_COMPARE(m_window->client()->trafficFilter().maxRate, TrafficFilter::MaxRateLimit);
        QTest::qWait(300);
        const qint64 oursBefore = m_window->client()->trafficDropped();
        const qint64 allBefore = m_window->client()->stats().trafficDropped;

        // A console that reads nothing: a tiny receive window and Qt told not to buffer.
        QTcpSocket slow;
        slow.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 4096);
        slow.setReadBufferSize(1);
        slow.connectToHost(QHostAddress::LocalHost, m_server.port());
        QVERIFY(slow.waitForConnected(5000));
        slow.write(
            "GET /admin/ws?token=" + QByteArray(adminToken)
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
              "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        slow.write(maskedTextFrame(
            "{\"type\":\"command\",\"id\":\"f\",\"command\":\"traffic_filter\",\"filter\":{\"enabled\":true,\"max_rate\":2000}}"));
        QVERIFY(slow.waitForBytesWritten(2000));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->client()->stats().adminConsoles >= 2, 5000);

        // A flood first: everything sent at once must get through.
        const int flood = 3000;
        QElapsedTimer t;
        t.start();
        for (int i = 0; i < flood; ++i)
            m_alice->send({{"type", "send_message"},
                           {"channel_id", m_generalId},
                           {"content", QString(QStringLiteral("flood %1 ").arg(i) + QString(200, QLatin1Char('x')))},
                           {"client_id", QStringLiteral("f%1").arg(i)}});
        QVERIFY2(!m_alice
                      ->waitFor(
                          [&](const QJsonObject &m) {
            return isType(m, "message_sent")
                && m.value(QLatin1String("client_id")).toString() == QStringLiteral("f%1").arg(flood - 1);
                          },
                          90000)
                     .isEmpty(),
                 "the server did not get through the flood");
        const qint64 floodMs = t.elapsed();

        // Then steady traffic below the rate cap: our console takes all of it,
        // so what the stalled one loses now it loses for being slow.
        QTest::qWait(1500);
        const qint64 oursSteady = m_window->client()->trafficDropped();
        const qint64 allSteady = m_window->client()->stats().trafficDropped;
        const int bursts = 16, perBurst = 100;
        for (int b = 0; b < bursts; ++b) {
            for (int i = 0; i < perBurst; ++i)
                m_alice->send({{"type", "send_message"},
                               {"channel_id", m_generalId},
                               {"content", QString(QStringLiteral("steady %1 ").arg(b * perBurst + i)
                                                   + QString(200, QLatin1Char('y')))},
                               {"client_id", QStringLiteral("s%1").arg(b * perBurst + i)}});
            QTest::qWait(300);
        }
        QVERIFY(!m_alice
                     ->waitFor(
                         [&](const QJsonObject &m) {
            return isType(m, "message_sent")
                && m.value(QLatin1String("client_id")).toString() == QStringLiteral("s%1").arg(bursts * perBurst - 1);
                         },
                         30000)
                    .isEmpty());
        QTest::qWait(2500); // the last batches and a stats tick
        const qint64 oursInSteady = m_window->client()->trafficDropped() - oursSteady;
        const qint64 stalledInSteady = (m_window->client()->stats().trafficDropped - allSteady) - oursInSteady;
        qInfo("steady traffic: %lld events dropped for the stalled console, %lld for ours", stalledInSteady,
              oursInSteady);
        QVERIFY2(stalledInSteady > 3 * bursts * perBurst / 2, "the stalled console was not cut back");
        QVERIFY(oursInSteady < stalledInSteady / 10);

        const qint64 ours = m_window->client()->trafficDropped() - oursBefore;
        const qint64 all = m_window->client()->stats().trafficDropped - allBefore;
        const qint64 stalled = all - ours;
        qInfo("flood of %d messages acknowledged in %lld ms with a stalled console attached; "
              "traffic events dropped in all: %lld for the stalled console, %lld for ours (rate cap)",
              flood, floodMs, stalled, ours);
        QVERIFY(stalled > ours);

        // And the server still answers everyone: HTTP, a chat client's round
        // trip, and our console's link.
        QJsonObject body;
        QCOMPARE(m_server.request("GET", QStringLiteral("/healthz"), QString(), {}, &body), 200);
        m_alice->send({{"type", "send_message"},
                       {"channel_id", m_generalId},
                       {"content", "after the stall"},
                       {"client_id", "after-stall"}});
        QVERIFY(!m_alice
                     ->waitFor([](const QJsonObject &m) {
                         return isType(m, "message_sent")
                             && m.value(QLatin1String("client_id")).toString() == QLatin1String("after-stall");
                     })
                     .isEmpty());
        QCOMPARE(m_window->client()->state(), AdminClient::LinkState::Connected);
        slow.abort();
        m_window->trafficPage()->setMaxRate(TrafficFilter::DefaultMaxRate);
    }

    void disableUserClosesTheirSocketsAndTheirTokenStopsWorking()
    {
        QScopedPointer<QMenu> menu(
            m_window->connectionsPage()->contextMenuFor(connectionIdOf(QStringLiteral("carol")), m_window.get()));
        answerNextActionDialog(true, [](ActionDialog *d) { d->setText(QStringLiteral("abuse")); });
        menu->findChild<QAction *>(QStringLiteral("disableUserAction"))->trigger();
        QVERIFY(m_carol->waitForDisconnect());
        QJsonObject body;
        QCOMPARE(m_server.request("GET", QStringLiteral("/api/v1/users/me"), m_users["carol"].token, {}, &body), 401);
        QVERIFY(m_alice->isConnected());
        QTRY_VERIFY(
            !m_window->adminLog()->findItems(QStringLiteral("disabled user carol"), Qt::MatchContains).isEmpty());
    }

    void aWrongTokenInTheConsoleShowsRefused()
    {
        MainWindow other;
        other.openFeed(m_server.wsUrl(QStringLiteral("/admin/ws")), QStringLiteral("not-the-token"));
        QTRY_COMPARE_WITH_TIMEOUT(other.client()->state(), AdminClient::LinkState::Refused, 5000);
        QVERIFY(other.linkText().contains(QStringLiteral("Refused")));
    }

    void theConsoleReconnectsWhenTheServerComesBack()
    {
        m_window->client()->setReconnectDelays(200, 1000);
        m_server.stop();
        QTRY_COMPARE_WITH_TIMEOUT(m_window->client()->state(), AdminClient::LinkState::Reconnecting, 5000);
        QVERIFY(m_window->linkText().contains(QStringLiteral("reconnecting")));
        // Same port, same data directory: the console finds it again by itself.
        QString error;
        QVERIFY2(m_server.start(QLatin1String(adminToken), &error), qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(m_window->client()->state(), AdminClient::LinkState::Connected, 15000);
    }
};

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("SwitchboardTests"));
    QApplication::setApplicationName(QStringLiteral("tst_adminconsole_e2e"));
    QTemporaryDir settingsDir;
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settingsDir.path());
    tst_AdminConsoleE2E test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_adminconsole_e2e.moc"
