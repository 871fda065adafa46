#include "AdminProtocol.h"

#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTest>

using namespace switchboard;

class tst_AdminProtocol : public QObject
{
    Q_OBJECT

    static ConnectionInfo sampleConnection()
    {
        ConnectionInfo c;
        c.id = QStringLiteral("conn-1");
        c.userId = QStringLiteral("5b0e3c1e-0000-4000-8000-000000000001");
        c.userName = QStringLiteral("alice");
        c.dialect = QStringLiteral("flatjson");
        c.transport = QStringLiteral("websocket");
        c.remoteAddress = QStringLiteral("127.0.0.1:50123");
        c.userAgent = QStringLiteral("node-ws/8");
        c.connectedAt = 1700000000123;
        c.channels = {QStringLiteral("ch-a"), QStringLiteral("ch-b")};
        c.messagesIn = 12;
        c.messagesOut = 40;
        c.bytesIn = 1024;
        c.bytesOut = 1 << 20;
        c.sendQueueBytes = 3;
        return c;
    }
    static ChannelInfo sampleChannel()
    {
        ChannelInfo c;
        c.id = QStringLiteral("ch-a");
        c.workspaceId = QStringLiteral("ws-1");
        c.workspaceName = QStringLiteral("Default");
        c.name = QStringLiteral("general");
        c.type = QStringLiteral("public");
        c.members = 7;
        c.onlineMembers = 2;
        c.messagesPerMinute = 4.5;
        c.lastActivity = 1700000001000;
        return c;
    }
    static ServerStats sampleStats()
    {
        ServerStats s;
        s.time = 1700000002000;
        s.startedAt = 1699999990000;
        s.connectionsByDialect = {{QStringLiteral("flatjson"), 2}, {QStringLiteral("phoenix"), 1}};
        s.channels = 4;
        s.adminConsoles = 1;
        s.messagesIn = 100;
        s.deliveriesOut = 300;
        s.errors = 2;
        s.messagesInPerSec = 1.5;
        s.deliveriesOutPerSec = 4.25;
        s.errorsPerSec = 0.5;
        s.storageLatencyMs = 0.8;
        s.storageLatencyMaxMs = 3.2;
        s.trafficDropped = 9;
        return s;
    }
    static TrafficEvent sampleEvent(qint64 seq)
    {
        TrafficEvent e;
        e.seq = seq;
        e.time = 1700000003000 + seq;
        e.connectionId = QStringLiteral("conn-1");
        e.userId = QStringLiteral("u1");
        e.userName = QStringLiteral("alice");
        e.dialect = QStringLiteral("phoenix");
        e.direction = seq % 2 ? TrafficEvent::Direction::Out : TrafficEvent::Direction::In;
        e.event = QStringLiteral("new_msg");
        e.channelId = QStringLiteral("ch-a");
        e.channelName = QStringLiteral("general");
        e.size = 77;
        e.payload = QStringLiteral("{\"body\":\"hi\"}");
        return e;
    }
    static QJsonObject parse(const QByteArray &b) { return QJsonDocument::fromJson(b).object(); }

private Q_SLOTS:
    void snapshotRoundTripsEveryField()
    {
        TrafficFilter f;
        f.dialects = {QStringLiteral("phoenix")};
        f.maxRate = 50;
        const QByteArray wire = AdminProtocol::encodeSnapshot({sampleConnection()}, {sampleChannel()}, sampleStats(), f,
                                                              QStringLiteral("switchboard/0.1.0"));
        AdminMessage m;
        QVERIFY(AdminProtocol::decode(wire, &m));
        QCOMPARE(m.type, AdminMessage::Type::Snapshot);
        QCOMPARE(m.protocol, AdminProtocol::Version);
        QCOMPARE(m.server, QStringLiteral("switchboard/0.1.0"));
        QCOMPARE(m.connections.size(), 1);
        QCOMPARE(m.connections.first(), sampleConnection());
        QCOMPARE(m.channels.size(), 1);
        QCOMPARE(m.channels.first(), sampleChannel());
        QVERIFY(m.hasStats);
        QCOMPARE(m.stats, sampleStats());
        QCOMPARE(m.stats.totalConnections(), 3);
        QCOMPARE(m.trafficFilter, f);
    }

    void timesTravelAsIsoUtcWithMilliseconds()
    {
        const QJsonObject o = sampleConnection().toJson();
        QCOMPARE(o.value("connected_at").toString(), QStringLiteral("2023-11-14T22:13:20.123Z"));
        ChannelInfo never = sampleChannel();
        never.lastActivity = 0;
        QVERIFY(never.toJson().value("last_activity").isNull());
    }

    void deltaCarriesOnlyWhatChanged()
    {
        const QByteArray wire = AdminProtocol::encodeDelta({sampleConnection()}, {QStringLiteral("gone")}, {}, {},
                                                           nullptr);
        const QJsonObject o = parse(wire);
        QVERIFY(o.contains("connections"));
        QVERIFY(o.contains("connections_removed"));
        QVERIFY(!o.contains("channels"));
        QVERIFY(!o.contains("stats"));
        AdminMessage m;
        QVERIFY(AdminProtocol::decode(wire, &m));
        QCOMPARE(m.type, AdminMessage::Type::Delta);
        QCOMPARE(m.removedConnections, QStringList{QStringLiteral("gone")});
        QVERIFY(!m.hasStats);

        const ServerStats stats = sampleStats();
        QVERIFY(AdminProtocol::decode(AdminProtocol::encodeDelta({}, {}, {sampleChannel()}, {QStringLiteral("old")},
                                                                 &stats),
                                      &m));
        QVERIFY(m.hasStats);
        QCOMPARE(m.stats, stats);
        QCOMPARE(m.channels.first(), sampleChannel());
        QCOMPARE(m.removedChannels, QStringList{QStringLiteral("old")});
    }

    void trafficBatchRoundTripsAndKeepsDroppedCount()
    {
        TrafficEvent cut = sampleEvent(3);
        cut.setPayload(QByteArray(1000, 'x'), 10);
        AdminMessage m;
        QVERIFY(AdminProtocol::decode(AdminProtocol::encodeTraffic({sampleEvent(1), sampleEvent(2), cut}, 42), &m));
        QCOMPARE(m.type, AdminMessage::Type::Traffic);
        QCOMPARE(m.traffic.size(), 3);
        QCOMPARE(m.traffic.at(0), sampleEvent(1));
        QCOMPARE(m.traffic.at(1).direction, TrafficEvent::Direction::In);
        QCOMPARE(m.traffic.at(2), cut);
        QVERIFY(m.traffic.at(2).truncated);
        QCOMPARE(m.dropped, 42);
    }

    void commandsRoundTrip_data()
    {
        QTest::addColumn<int>("which");
        QTest::newRow("disconnect") << 0;
        QTest::newRow("system message to a channel") << 1;
        QTest::newRow("system message to everyone") << 2;
        QTest::newRow("remove from channel") << 3;
        QTest::newRow("disable user") << 4;
        QTest::newRow("traffic filter") << 5;
    }
    void commandsRoundTrip()
    {
        QFETCH(int, which);
        TrafficFilter f;
        f.enabled = false;
        f.user = QStringLiteral("bob");
        const AdminCommand commands[] = {
            AdminCommand::disconnect(QStringLiteral("conn-1"), QStringLiteral("spamming")),
            AdminCommand::systemMessage(QStringLiteral("ch-a"), QStringLiteral("maintenance at 5")),
            AdminCommand::systemMessageToEveryone(QStringLiteral("restart now")),
            AdminCommand::removeFromChannel(QStringLiteral("u1"), QStringLiteral("ch-a")),
            AdminCommand::disableUser(QStringLiteral("u1"), QStringLiteral("abuse")),
            AdminCommand::setTrafficFilter(f),
        };
        AdminCommand sent = commands[which];
        sent.id = QStringLiteral("c%1").arg(which);
        AdminCommand got;
        QString code, message;
        QVERIFY2(AdminProtocol::decodeCommand(AdminProtocol::encodeCommand(sent), &got, &code, &message),
                 qPrintable(message));
        QCOMPARE(got.id, sent.id);
        QCOMPARE(got.kind, sent.kind);
        QCOMPARE(got.connectionId, sent.connectionId);
        QCOMPARE(got.userId, sent.userId);
        QCOMPARE(got.channelId, sent.channelId);
        QCOMPARE(got.text, sent.text);
        QCOMPARE(got.everyone, sent.everyone);
        QCOMPARE(got.filter, sent.filter);
    }

    void malformedInputIsRefusedWithACode_data()
    {
        QTest::addColumn<QByteArray>("wire");
        QTest::addColumn<QString>("code");
        QTest::newRow("not json") << QByteArray("{nope") << "bad_json";
        QTest::newRow("array") << QByteArray("[1,2]") << "bad_json";
        QTest::newRow("empty") << QByteArray("") << "bad_json";
        QTest::newRow("no type") << QByteArray("{\"id\":\"1\"}") << "unknown_type";
        QTest::newRow("unknown type") << QByteArray("{\"type\":\"launch\"}") << "unknown_type";
        QTest::newRow("server message from console") << QByteArray("{\"type\":\"snapshot\"}") << "unknown_type";
        QTest::newRow("unknown command") << QByteArray("{\"type\":\"command\",\"id\":\"1\",\"command\":\"reboot\"}")
                                         << "unknown_command";
        QTest::newRow("no command") << QByteArray("{\"type\":\"command\",\"id\":\"1\"}") << "bad_request";
        QTest::newRow("id not a string")
            << QByteArray("{\"type\":\"command\",\"id\":7,\"command\":\"disconnect\",\"connection_id\":\"x\"}")
            << "bad_request";
        QTest::newRow("disconnect without id")
            << QByteArray("{\"type\":\"command\",\"command\":\"disconnect\"}") << "bad_request";
        QTest::newRow("disconnect with numeric id")
            << QByteArray("{\"type\":\"command\",\"command\":\"disconnect\",\"connection_id\":5}") << "bad_request";
        QTest::newRow("system message without text")
            << QByteArray("{\"type\":\"command\",\"command\":\"system_message\",\"channel_id\":\"c\"}")
            << "bad_request";
        QTest::newRow("system message blank text")
            << QByteArray("{\"type\":\"command\",\"command\":\"system_message\",\"channel_id\":\"c\",\"text\":\"  \"}")
            << "bad_request";
        QTest::newRow("system message two targets") << QByteArray(
            "{\"type\":\"command\",\"command\":\"system_message\",\"channel_id\":\"c\",\"everyone\":true,\"text\":\"x\"}")
                                                    << "bad_request";
        QTest::newRow("system message no target")
            << QByteArray("{\"type\":\"command\",\"command\":\"system_message\",\"text\":\"x\"}") << "bad_request";
        QTest::newRow("remove without channel")
            << QByteArray("{\"type\":\"command\",\"command\":\"remove_from_channel\",\"user_id\":\"u\"}")
            << "bad_request";
        QTest::newRow("disable without user")
            << QByteArray("{\"type\":\"command\",\"command\":\"disable_user\"}") << "bad_request";
        QTest::newRow("filter not an object")
            << QByteArray("{\"type\":\"command\",\"command\":\"traffic_filter\",\"filter\":[]}") << "bad_request";
        QTest::newRow("text too long")
            << (QByteArray("{\"type\":\"command\",\"command\":\"system_message\",\"everyone\":true,\"text\":\"")
                + QByteArray(AdminCommand::MaxTextLength + 1, 'a') + "\"}")
            << "too_large";
        QTest::newRow("reason too long")
            << (QByteArray("{\"type\":\"command\",\"command\":\"disconnect\",\"connection_id\":\"c\",\"reason\":\"")
                + QByteArray(AdminCommand::MaxReasonLength + 1, 'a') + "\"}")
            << "too_large";
    }
    void malformedInputIsRefusedWithACode()
    {
        QFETCH(QByteArray, wire);
        QFETCH(QString, code);
        AdminCommand c;
        QString gotCode, message;
        QVERIFY(!AdminProtocol::decodeCommand(wire, &c, &gotCode, &message));
        QCOMPARE(gotCode, code);
        QVERIFY(!message.isEmpty());
    }

    void oversizedCommandIsRefusedBeforeParsing()
    {
        // Not even valid JSON: the size check must come first.
        const QByteArray huge(AdminProtocol::MaxCommandBytes + 1, '{');
        AdminCommand c;
        QString code, message;
        QVERIFY(!AdminProtocol::decodeCommand(huge, &c, &code, &message));
        QCOMPARE(code, QStringLiteral("too_large"));
    }

    void malformedSnapshotIsRefusedWhole()
    {
        AdminMessage m;
        QString code, message;
        QVERIFY(!AdminProtocol::decode("{\"type\":\"snapshot\",\"connections\":[{\"id\":\"a\"},{\"user\":\"no id\"}]}",
                                       &m, &code, &message));
        QCOMPARE(code, QStringLiteral("bad_request"));
        QVERIFY(!AdminProtocol::decode("{\"type\":\"traffic\",\"events\":[{\"direction\":\"sideways\"}]}", &m, &code,
                                       &message));
        QVERIFY(!AdminProtocol::decode("{\"type\":\"delta\",\"channels\":{}}", &m, &code, &message));
    }

    void wrongFieldTypesReadAsDefaults()
    {
        ConnectionInfo c;
        QVERIFY(ConnectionInfo::fromJson(
            QJsonDocument::fromJson(
                "{\"id\":\"x\",\"messages_in\":\"lots\",\"bytes_in\":-5,\"channels\":[1,\"a\"],\"connected_at\":\"yesterday\"}")
                .object(),
            &c));
        QCOMPARE(c.messagesIn, 0);
        QCOMPARE(c.bytesIn, 0);
        QCOMPARE(c.channels, QStringList{QStringLiteral("a")});
        QCOMPARE(c.connectedAt, 0);
    }

    void resultCarriesErrorCodeWhenRefused()
    {
        AdminMessage m;
        QVERIFY(AdminProtocol::decode(AdminProtocol::encodeResult(
                                          AdminResult::failure(QStringLiteral("c9"), QStringLiteral("disconnect"),
                                                               QStringLiteral("not_found"),
                                                               QStringLiteral("no such connection"))),
                                      &m));
        QCOMPARE(m.type, AdminMessage::Type::Result);
        QCOMPARE(m.result.id, QStringLiteral("c9"));
        QVERIFY(!m.result.ok);
        QCOMPARE(m.result.errorCode, QStringLiteral("not_found"));
        QCOMPARE(m.result.message, QStringLiteral("no such connection"));

        QVERIFY(AdminProtocol::decode(AdminProtocol::encodeResult(AdminResult::success(QStringLiteral("c10"),
                                                                                       QStringLiteral("disable_user"),
                                                                                       QStringLiteral("done"))),
                                      &m));
        QVERIFY(m.result.ok);
        QVERIFY(m.result.errorCode.isEmpty());
        QVERIFY(m.result.time > 0);
    }

    void auditDropsTheCommandIdButKeepsWhoActed()
    {
        AdminResult r = AdminResult::success(QStringLiteral("secret-id"), QStringLiteral("disconnect"),
                                             QStringLiteral("closed conn-1"));
        r.by = QStringLiteral("127.0.0.1:4000");
        const QByteArray wire = AdminProtocol::encodeAudit(r);
        QVERIFY(!parse(wire).contains("id"));
        AdminMessage m;
        QVERIFY(AdminProtocol::decode(wire, &m));
        QCOMPARE(m.type, AdminMessage::Type::Audit);
        QCOMPARE(m.result.by, r.by);
        QCOMPARE(m.result.message, r.message);
    }

    void errorMessageDecodes()
    {
        AdminMessage m;
        QVERIFY(
            AdminProtocol::decode(AdminProtocol::encodeError(QStringLiteral("bad_json"), QStringLiteral("not JSON")),
                                  &m));
        QCOMPARE(m.type, AdminMessage::Type::Error);
        QCOMPARE(m.errorCode, QStringLiteral("bad_json"));
        QCOMPARE(m.errorMessage, QStringLiteral("not JSON"));
    }

    void loneSurrogateEscapeReadsAsReplacementCharacter()
    {
        // As in every API (JsonInput): the half of a pair on its own is U+FFFD.
        AdminMessage m;
        QVERIFY(
            AdminProtocol::decode(QByteArray(
                                      "{\"type\":\"error\",\"error\":{\"code\":\"x\",\"message\":\"cut \\ud83d\"}}"),
                                  &m));
        QCOMPARE(m.type, AdminMessage::Type::Error);
        QCOMPARE(m.errorMessage, QString::fromUtf16(u"cut \uFFFD"));
    }

    void trafficFilterClampsMaxRate()
    {
        QCOMPARE(TrafficFilter::fromJson({{"max_rate", 1e9}}).maxRate, TrafficFilter::MaxRateLimit);
        QCOMPARE(TrafficFilter::fromJson({{"max_rate", 0}}).maxRate, 1);
        QCOMPARE(TrafficFilter::fromJson({}).maxRate, TrafficFilter::DefaultMaxRate);
        QVERIFY(TrafficFilter::fromJson({}).enabled);
    }

    void trafficFilterMatchesSubstringsCaseInsensitively()
    {
        const TrafficEvent e = sampleEvent(1);
        TrafficFilter f;
        QVERIFY(f.matches(e));
        f.user = QStringLiteral("ALI");
        QVERIFY(f.matches(e));
        f.channel = QStringLiteral("gener");
        QVERIFY(f.matches(e));
        f.event = QStringLiteral("msg");
        QVERIFY(f.matches(e));
        f.dialects = {QStringLiteral("flatjson")};
        QVERIFY(!f.matches(e));
        f.dialects = {QStringLiteral("flatjson"), QStringLiteral("phoenix")};
        QVERIFY(f.matches(e));
        f.user = QStringLiteral("bob");
        QVERIFY(!f.matches(e));
        TrafficFilter paused;
        paused.enabled = false;
        QVERIFY(!paused.matches(e));
    }

    void payloadIsTrimmedAndMarkedTruncated()
    {
        TrafficEvent e;
        e.setPayload("short", 10);
        QCOMPARE(e.payload, QStringLiteral("short"));
        QVERIFY(!e.truncated);
        e.setPayload(QByteArray(5000, 'y'), 10);
        QCOMPARE(e.payload, QString(10, QLatin1Char('y')));
        QVERIFY(e.truncated);
        // Exactly at the limit is not a cut.
        e.setPayload(QByteArray(10, 'z'), 10);
        QVERIFY(!e.truncated);
    }

    void payloadTrimNeverSplitsASurrogatePair()
    {
        TrafficEvent e;
        // "a" then three emoji (two UTF-16 units each): a cut at 2 units would split one.
        e.setPayload(QStringLiteral("a\U0001F44B\U0001F44B\U0001F44B").toUtf8(), 2);
        QVERIFY(e.truncated);
        QCOMPARE(e.payload, QStringLiteral("a"));
    }

    void randomBytesNeverCrashTheDecoder()
    {
        // A light fuzz: mutations of valid frames and plain noise.
        const QByteArray seeds[] = {
            AdminProtocol::encodeCommand(AdminCommand::disconnect(QStringLiteral("c"), QStringLiteral("r"))),
            AdminProtocol::encodeSnapshot({sampleConnection()}, {sampleChannel()}, sampleStats(), {},
                                          QStringLiteral("s")),
            AdminProtocol::encodeTraffic({sampleEvent(1)}, 0),
        };
        QRandomGenerator rng(1234);
        int accepted = 0;
        for (int i = 0; i < 3000; ++i) {
            QByteArray b = seeds[i % 3];
            const int flips = 1 + int(rng.bounded(4));
            for (int f = 0; f < flips; ++f) b[int(rng.bounded(int(b.size())))] = char(rng.bounded(256));
            AdminMessage m;
            QString code, message;
            if (AdminProtocol::decode(b, &m, &code, &message))
                ++accepted;
            else
                QVERIFY(!code.isEmpty());
        }
        // Some mutations land in string contents and stay valid; most must not.
        QVERIFY(accepted < 3000);
    }
};

QTEST_GUILESS_MAIN(tst_AdminProtocol)
#include "tst_adminprotocol.moc"
