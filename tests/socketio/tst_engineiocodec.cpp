#include "dialects/socketio/EngineIoCodec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace switchboard;

using namespace EngineIoCodec;

class TestEngineIoCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyPacketTypeDecodesFromItsDigit_data()
    {
        QTest::addColumn<QByteArray>("frame");
        QTest::addColumn<int>("type");
        QTest::addColumn<QByteArray>("data");
        QTest::newRow("open") << QByteArray("0{\"sid\":\"x\"}") << 0 << QByteArray("{\"sid\":\"x\"}");
        QTest::newRow("close") << QByteArray("1") << 1 << QByteArray();
        QTest::newRow("ping") << QByteArray("2") << 2 << QByteArray();
        QTest::newRow("probe") << QByteArray("2probe") << 2 << QByteArray("probe");
        QTest::newRow("pong") << QByteArray("3") << 3 << QByteArray();
        QTest::newRow("message") << QByteArray("4hello") << 4 << QByteArray("hello");
        QTest::newRow("empty message") << QByteArray("4") << 4 << QByteArray();
        QTest::newRow("upgrade") << QByteArray("5") << 5 << QByteArray();
        QTest::newRow("noop") << QByteArray("6") << 6 << QByteArray();
        QTest::newRow("utf8 message") << QByteArray("4h\xc3\xa9llo \xf0\x9f\x91\x8d") << 4
                                      << QByteArray("h\xc3\xa9llo \xf0\x9f\x91\x8d");
    }
    void everyPacketTypeDecodesFromItsDigit()
    {
        QFETCH(QByteArray, frame);
        QFETCH(int, type);
        QFETCH(QByteArray, data);
        const PacketResult r = decodeText(frame);
        QVERIFY(r.ok());
        QCOMPARE(int(r.packet.type), type);
        QCOMPARE(r.packet.data, data);
        QVERIFY(!r.packet.binary);
        QCOMPARE(encodeFrame(r.packet), frame);
    }

    void garbageTextFramesAreRefusedWithAReason_data()
    {
        QTest::addColumn<QByteArray>("frame");
        QTest::addColumn<int>("error");
        QTest::newRow("empty") << QByteArray() << int(Error::EmptyPacket);
        QTest::newRow("digit 7") << QByteArray("7") << int(Error::UnknownType);
        QTest::newRow("digit 9") << QByteArray("9abc") << int(Error::UnknownType);
        QTest::newRow("letter") << QByteArray("x4") << int(Error::UnknownType);
        QTest::newRow("b outside polling") << QByteArray("bAQID") << int(Error::UnknownType);
        QTest::newRow("nul") << QByteArray("\0", 1) << int(Error::UnknownType);
        QTest::newRow("lone continuation") << QByteArray("4\x80") << int(Error::InvalidUtf8);
        QTest::newRow("truncated sequence") << QByteArray("4\xe2\x82") << int(Error::InvalidUtf8);
        QTest::newRow("overlong slash") << QByteArray("4\xc0\xaf") << int(Error::InvalidUtf8);
        QTest::newRow("utf16 surrogate") << QByteArray("4\xed\xa0\x80") << int(Error::InvalidUtf8);
        QTest::newRow("0xff") << QByteArray("4\xff") << int(Error::InvalidUtf8);
    }
    void garbageTextFramesAreRefusedWithAReason()
    {
        QFETCH(QByteArray, frame);
        QFETCH(int, error);
        const PacketResult r = decodeText(frame);
        QVERIFY(!r.ok());
        QCOMPARE(int(r.error), error);
        QVERIFY(!errorString(r.error).isEmpty());
    }

    void binaryFrameIsAMessageWithRawBytes()
    {
        const QByteArray bytes("\x01\x02\x03\x00\xff", 5);
        const EngineIoPacket p = decodeBinaryFrame(bytes);
        QCOMPARE(p.type, EngineIoPacket::Message);
        QVERIFY(p.binary);
        QCOMPARE(p.data, bytes);
        QCOMPARE(encodeFrame(p), bytes); // no type prefix on a binary WS frame
    }

    void pollingPayloadSplitsOnRecordSeparator()
    {
        // A polling body recorded between the official client and the reference server.
        const QByteArray body("40{\"sid\":\"TSqP4vgashdZNiyiAAAA\"}\x1e"
                              "42[\"welcome\",\"hello\",42]\x1e"
                              "420[\"question\",\"ping?\"]");
        const PayloadResult r = decodePayload(body);
        QVERIFY(r.ok());
        QCOMPARE(r.packets.size(), 3);
        for (const EngineIoPacket &p : r.packets) QCOMPARE(p.type, EngineIoPacket::Message);
        QCOMPARE(r.packets.at(1).data, QByteArray("2[\"welcome\",\"hello\",42]"));
        QCOMPARE(encodePayload(r.packets), body);
    }

    void pollingBinaryRecordIsBase64()
    {
        const QByteArray body("4hello\x1e"
                              "bAQIDBA==");
        const PayloadResult r = decodePayload(body);
        QVERIFY(r.ok());
        QCOMPARE(r.packets.size(), 2);
        QCOMPARE(r.packets.at(0), EngineIoPacket::message("hello"));
        QCOMPARE(r.packets.at(1), EngineIoPacket::binaryMessage(QByteArray("\x01\x02\x03\x04")));
        QCOMPARE(encodePayload(r.packets), body);
    }

    void singlePacketPayloadHasNoSeparator()
    {
        QCOMPARE(encodePayload({EngineIoPacket::make(EngineIoPacket::Noop)}), QByteArray("6"));
        QCOMPARE(encodePayload(
                     {EngineIoPacket::make(EngineIoPacket::Ping), EngineIoPacket::make(EngineIoPacket::Close)}),
                 QByteArray("2\x1e"
                            "1"));
    }

    void garbagePollingBodiesAreRefusedWhole_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("error");
        QTest::addColumn<int>("failedRecord");
        QTest::newRow("empty body") << QByteArray() << int(Error::EmptyPayload) << -1;
        QTest::newRow("lone separator") << QByteArray("\x1e") << int(Error::EmptyPacket) << 0;
        QTest::newRow("trailing separator") << QByteArray("4a\x1e") << int(Error::EmptyPacket) << 1;
        QTest::newRow("double separator") << QByteArray("4a\x1e\x1e"
                                                        "4b")
                                          << int(Error::EmptyPacket) << 1;
        QTest::newRow("bad type in 2nd") << QByteArray("4a\x1e"
                                                       "8b")
                                         << int(Error::UnknownType) << 1;
        QTest::newRow("bad base64") << QByteArray("b!!!") << int(Error::InvalidBase64) << 0;
        QTest::newRow("base64 bad padding") << QByteArray("bAQ=I") << int(Error::InvalidBase64) << 0;
        QTest::newRow("invalid utf8") << QByteArray("4\xc3") << int(Error::InvalidUtf8) << 0;
    }
    void garbagePollingBodiesAreRefusedWhole()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, error);
        QFETCH(int, failedRecord);
        const PayloadResult r = decodePayload(body);
        QCOMPARE(int(r.error), error);
        QCOMPARE(r.failedRecord, failedRecord);
        QVERIFY(r.packets.isEmpty());
    }

    void pollingBodyWithTooManyRecordsIsRefused()
    {
        QByteArray body("6");
        for (int i = 0; i < 20; ++i)
            body += "\x1e"
                    "6";
        QVERIFY(decodePayload(body, 21).ok());
        const PayloadResult r = decodePayload(body, 20);
        QCOMPARE(r.error, Error::TooManyPackets);
    }

    void openPacketCarriesTheHandshakeFields()
    {
        EngineIoHandshake h;
        h.sid = QStringLiteral("b02OxTCqDVzCc3bwAAAA");
        h.upgrades = QStringList{QStringLiteral("websocket")};
        const QByteArray open = encodeOpen(h);
        QVERIFY(open.startsWith('0'));
        const QJsonObject o = QJsonDocument::fromJson(open.mid(1)).object();
        QCOMPARE(o.value("sid").toString(), h.sid);
        QCOMPARE(o.value("upgrades").toArray().size(), 1);
        QCOMPARE(o.value("upgrades").toArray().at(0).toString(), QStringLiteral("websocket"));
        QCOMPARE(o.value("pingInterval").toInt(), 25000);
        QCOMPARE(o.value("pingTimeout").toInt(), 20000);
        QCOMPARE(o.value("maxPayload").toDouble(), 1000000.0);
        // maxPayload must be a plain integer, as the client does arithmetic on it.
        QVERIFY(open.contains("\"maxPayload\":1000000"));

        const PacketResult back = decodeText(open);
        QVERIFY(back.ok());
        const auto parsed = decodeOpen(back.packet);
        QVERIFY(parsed.has_value());
        QCOMPARE(*parsed, h);
    }

    void websocketBornOpenPacketHasEmptyUpgrades()
    {
        EngineIoHandshake h;
        h.sid = QStringLiteral("abc");
        QVERIFY(encodeOpen(h).contains("\"upgrades\":[]"));
    }

    void malformedOpenJsonIsRefused_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("not json") << QByteArray("{sid");
        QTest::newRow("array") << QByteArray("[]");
        QTest::newRow("no sid")
            << QByteArray("{\"upgrades\":[],\"pingInterval\":1,\"pingTimeout\":1,\"maxPayload\":1}");
        QTest::newRow("empty sid")
            << QByteArray("{\"sid\":\"\",\"upgrades\":[],\"pingInterval\":1,\"pingTimeout\":1,\"maxPayload\":1}");
        QTest::newRow("numeric upgrade")
            << QByteArray("{\"sid\":\"a\",\"upgrades\":[1],\"pingInterval\":1,\"pingTimeout\":1,\"maxPayload\":1}");
        QTest::newRow("string interval")
            << QByteArray("{\"sid\":\"a\",\"upgrades\":[],\"pingInterval\":\"1\",\"pingTimeout\":1,\"maxPayload\":1}");
        QTest::newRow("zero timeout")
            << QByteArray("{\"sid\":\"a\",\"upgrades\":[],\"pingInterval\":1,\"pingTimeout\":0,\"maxPayload\":1}");
        // Past 2^53 a JS number is no exact byte count; past 2^63 the conversion
        // was undefined behaviour (tests/fuzz/corpus/engineio/regress-open-huge-max-payload).
        QTest::newRow("maxPayload past 2^53")
            << QByteArray("{\"sid\":\"a\",\"upgrades\":[],\"pingInterval\":1,\"pingTimeout\":1,\"maxPayload\":1e17}");
        QTest::newRow("maxPayload past qint64")
            << QByteArray("{\"sid\":\"a\",\"upgrades\":[],\"pingInterval\":1,\"pingTimeout\":1,\"maxPayload\":1e72}");
    }
    void malformedOpenJsonIsRefused()
    {
        QFETCH(QByteArray, json);
        QVERIFY(!EngineIoHandshake::fromJson(json).has_value());
        QVERIFY(!decodeOpen(EngineIoPacket::make(EngineIoPacket::Open, json)).has_value());
    }

    void openPacketOfAnotherTypeIsNotAHandshake()
    {
        EngineIoHandshake h;
        h.sid = QStringLiteral("abc");
        QVERIFY(!decodeOpen(EngineIoPacket::message(h.toJson())).has_value());
    }
};

QTEST_APPLESS_MAIN(TestEngineIoCodec)
#include "tst_engineiocodec.moc"
