#include "dialects/phoenix/PhoenixCodec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace switchboard;

Q_DECLARE_METATYPE(PhoenixSerializer)
Q_DECLARE_METATYPE(PhoenixDecodeError)

namespace {

QByteArray bytes(std::initializer_list<int> values)
{
    QByteArray out;
    for (int v : values) out.append(char(v));
    return out;
}

bool sameMessage(const PhoenixMessage &a, const PhoenixMessage &b)
{
    return a.joinRef == b.joinRef && a.ref == b.ref && a.topic == b.topic && a.event == b.event
        && a.payload == b.payload && a.binary == b.binary;
}

} // namespace

class TestPhoenixCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void vsnSelectsSerializer()
    {
        QCOMPARE(PhoenixCodec::serializerForVsn("2.0.0"), std::optional(PhoenixSerializer::V2));
        QCOMPARE(PhoenixCodec::serializerForVsn("1.0.0"), std::optional(PhoenixSerializer::V1));
        QVERIFY(!PhoenixCodec::serializerForVsn("3.0.0"));
        QVERIFY(!PhoenixCodec::serializerForVsn(""));
    }

    void officialClientJoinFrameDecodes()
    {
        const PhoenixCodec codec(PhoenixSerializer::V2);
        const auto r = codec.decodeText(R"(["6","6","room:lobby","phx_join",{"nick":"carol"}])");
        QVERIFY2(r.ok(), qPrintable(r.detail));
        QCOMPARE(r.message.joinRef, std::optional<QString>("6"));
        QCOMPARE(r.message.ref, std::optional<QString>("6"));
        QCOMPARE(r.message.topic, "room:lobby");
        QCOMPARE(r.message.event, PhoenixEvent::join);
        QCOMPARE(r.message.payload.value("nick").toString(), "carol");
        QVERIFY(!r.message.isBinary());
    }

    void heartbeatWithNullJoinRefDecodes()
    {
        const PhoenixCodec codec;
        const auto r = codec.decodeText(R"([null,"16","phoenix","heartbeat",{}])");
        QVERIFY(r.ok());
        QVERIFY(!r.message.joinRef);
        QCOMPARE(r.message.ref, std::optional<QString>("16"));
        QCOMPARE(r.message.topic, PhoenixEvent::heartbeatTopic);
        QCOMPARE(r.message.event, PhoenixEvent::heartbeat);
    }

    // Byte-exact against the frames recorded between phoenix.js and a Phoenix-compatible server.
    void serverFramesMatchRecordedWire()
    {
        const PhoenixCodec codec(PhoenixSerializer::V2);
        QCOMPARE(codec.encodeText(PhoenixCodec::heartbeatReply(QString("16"))),
                 QByteArray(R"([null,"16","phoenix","phx_reply",{"response":{},"status":"ok"}])"));
        QCOMPARE(codec.encodeText(
                     PhoenixCodec::reply(QString("6"), QString("6"), "room:lobby", "ok", {{"welcome", true}})),
                 QByteArray(R"(["6","6","room:lobby","phx_reply",{"response":{"welcome":true},"status":"ok"}])"));
        QCOMPARE(codec.encodeText(PhoenixCodec::broadcast("room:lobby", "new_msg", {{"body", "hi"}})),
                 QByteArray(R"([null,null,"room:lobby","new_msg",{"body":"hi"}])"));
        QCOMPARE(codec.encodeText(PhoenixCodec::push(QString("6"), "room:lobby", "presence_state", {})),
                 QByteArray(R"(["6",null,"room:lobby","presence_state",{}])"));
    }

    void channelErrorAndCloseCarryJoinRefAsRef()
    {
        const PhoenixCodec codec;
        QCOMPARE(codec.encodeText(PhoenixCodec::channelError("3", "channel:x")),
                 QByteArray(R"(["3","3","channel:x","phx_error",{}])"));
        QCOMPARE(codec.encodeText(PhoenixCodec::channelError("3", "channel:x", "channel_crash")),
                 QByteArray(R"(["3","3","channel:x","phx_error",{"reason":"channel_crash"}])"));
        QCOMPARE(codec.encodeText(PhoenixCodec::channelClose("3", "channel:x")),
                 QByteArray(R"(["3","3","channel:x","phx_close",{}])"));
    }

    void v1FrameWithAndWithoutJoinRefDecodes()
    {
        const PhoenixCodec codec(PhoenixSerializer::V1);
        auto r = codec.decodeText(R"({"topic":"room:x","event":"phx_join","payload":{},"ref":"6","join_ref":"6"})");
        QVERIFY2(r.ok(), qPrintable(r.detail));
        QCOMPARE(r.message.joinRef, std::optional<QString>("6"));
        r = codec.decodeText(R"({"topic":"room:x","event":"ping","payload":{"a":1},"ref":null})");
        QVERIFY2(r.ok(), qPrintable(r.detail));
        QVERIFY(!r.message.joinRef);
        QVERIFY(!r.message.ref);
        QCOMPARE(r.message.payload.value("a").toInt(), 1);
    }

    void v1EncodingOmitsJoinRefLikePhoenix()
    {
        const PhoenixCodec codec(PhoenixSerializer::V1);
        const QByteArray frame = codec.encodeText(PhoenixCodec::reply(QString("6"), QString("6"), "room:x", "ok"));
        const QJsonObject o = QJsonDocument::fromJson(frame).object();
        QVERIFY(!o.contains("join_ref"));
        QCOMPARE(o.value("ref").toString(), "6");
        QCOMPARE(o.value("topic").toString(), "room:x");
        QCOMPARE(o.value("event").toString(), "phx_reply");
        QCOMPARE(o.value("payload").toObject().value("status").toString(), "ok");
        QVERIFY(codec.encodeText(PhoenixCodec::broadcast("t", "e", {})).contains(R"("ref":null)"));
    }

    void textRoundTripsInBothSerializers_data()
    {
        QTest::addColumn<PhoenixSerializer>("serializer");
        QTest::newRow("v1") << PhoenixSerializer::V1;
        QTest::newRow("v2") << PhoenixSerializer::V2;
    }
    void textRoundTripsInBothSerializers()
    {
        QFETCH(PhoenixSerializer, serializer);
        const PhoenixCodec codec(serializer);
        PhoenixMessage m;
        m.joinRef = "12";
        m.ref = "";
        m.topic = QString::fromUtf8("channel:ünïcødé 👋");
        m.event = "send_message";
        m.payload = {{"content", QString::fromUtf8("line\nbreak \x1e rs \" quote \\ slash 👋")},
                     {"n", 12345678901234LL},
                     {"nested", QJsonObject{{"list", QJsonArray{1, "two", QJsonValue::Null, false}}}}};
        const QByteArray frame = codec.encodeText(m);
        // Control characters must be escaped, never raw (U+001E is Engine.IO's separator).
        QVERIFY(!frame.contains('\x1e'));
        QVERIFY(!frame.contains('\n'));
        const auto r = codec.decodeText(frame);
        QVERIFY2(r.ok(), qPrintable(r.detail));
        if (serializer == PhoenixSerializer::V1) m.joinRef = std::nullopt; // V1 does not carry it back
        QVERIFY(sameMessage(r.message, m));
    }

    // JSON.stringify writes a lone surrogate as an escape; it reads as U+FFFD
    // (what a browser's WebSocket makes of a raw one), and the frame still
    // encodes back to one that decodes the same (the fuzzer's finding, 5 Dec).
    void loneSurrogateEscapesReadAsReplacementCharacters()
    {
        const PhoenixCodec codec(PhoenixSerializer::V2);
        const auto r = codec.decodeText(
            QByteArray("[null,\"1\",\"room:\\ud83d\",\"e\",{\"c\\ud83d\\ude0d\":\"a\",\"c\\ude0d\":\"b\"}]"));
        QVERIFY2(r.ok(), qPrintable(r.detail));
        QCOMPARE(r.message.topic, QString::fromUtf16(u"room:\uFFFD"));
        QCOMPARE(r.message.payload.value(QString::fromUtf8("c\xf0\x9f\x98\x8d")).toString(), QStringLiteral("a"));
        QCOMPARE(r.message.payload.value(QString::fromUtf16(u"c\uFFFD")).toString(), QStringLiteral("b"));
        const auto again = codec.decodeText(codec.encodeText(r.message));
        QVERIFY2(again.ok(), qPrintable(again.detail));
        QCOMPARE(again.message.topic, r.message.topic);
        QCOMPARE(again.message.payload.toVariantMap(), r.message.payload.toVariantMap());
    }

    void garbageTextIsRefused_data()
    {
        QTest::addColumn<PhoenixSerializer>("serializer");
        QTest::addColumn<QByteArray>("frame");
        QTest::addColumn<PhoenixDecodeError>("expected");
        using E = PhoenixDecodeError;
        const auto V1 = PhoenixSerializer::V1, V2 = PhoenixSerializer::V2;
        QTest::newRow("v2 empty") << V2 << QByteArray() << E::NotAnArray;
        QTest::newRow("v2 whitespace") << V2 << QByteArray("  \n") << E::NotAnArray;
        QTest::newRow("v2 object") << V2 << QByteArray("{}") << E::NotAnArray;
        QTest::newRow("v2 string") << V2 << QByteArray(R"("hello")") << E::NotAnArray;
        QTest::newRow("v2 number") << V2 << QByteArray("42") << E::NotAnArray;
        QTest::newRow("v2 truncated") << V2 << QByteArray(R"([null,"1","t","e",{)") << E::InvalidJson;
        QTest::newRow("v2 trailing garbage") << V2 << QByteArray(R"([null,"1","t","e",{}] x)") << E::InvalidJson;
        QTest::newRow("v2 two documents") << V2 << QByteArray(R"([null,"1","t","e",{}][])") << E::InvalidJson;
        QTest::newRow("v2 raw NUL") << V2 << QByteArray("[null,\"1\",\"t\0\",\"e\",{}]", 22) << E::InvalidJson;
        QTest::newRow("v2 raw control char in string")
            << V2 << QByteArray("[null,\"1\",\"t\x01\",\"e\",{}]") << E::InvalidJson;
        QTest::newRow("v2 deep nesting")
            << V2 << (QByteArray("[null,\"1\",\"t\",\"e\",") + QByteArray(5000, '[') + QByteArray(5000, ']') + "]")
            << E::InvalidJson;
        QTest::newRow("v2 empty array") << V2 << QByteArray("[]") << E::WrongArity;
        QTest::newRow("v2 four elements") << V2 << QByteArray(R"([null,"1","t","e"])") << E::WrongArity;
        QTest::newRow("v2 six elements") << V2 << QByteArray(R"([null,"1","t","e",{},{}])") << E::WrongArity;
        QTest::newRow("v2 numeric join_ref") << V2 << QByteArray(R"([1,"1","t","e",{}])") << E::BadJoinRef;
        QTest::newRow("v2 boolean join_ref") << V2 << QByteArray(R"([true,"1","t","e",{}])") << E::BadJoinRef;
        QTest::newRow("v2 numeric ref") << V2 << QByteArray(R"([null,1,"t","e",{}])") << E::BadRef;
        QTest::newRow("v2 object ref") << V2 << QByteArray(R"([null,{},"t","e",{}])") << E::BadRef;
        QTest::newRow("v2 array ref") << V2 << QByteArray(R"([null,["1"],"t","e",{}])") << E::BadRef;
        QTest::newRow("v2 numeric topic") << V2 << QByteArray(R"([null,"1",5,"e",{}])") << E::BadTopic;
        QTest::newRow("v2 null topic") << V2 << QByteArray(R"([null,"1",null,"e",{}])") << E::BadTopic;
        QTest::newRow("v2 empty topic") << V2 << QByteArray(R"([null,"1","","e",{}])") << E::BadTopic;
        QTest::newRow("v2 huge topic") << V2 << (R"([null,"1",")" + QByteArray(256, 'a') + R"(","e",{}])")
                                       << E::BadTopic;
        QTest::newRow("v2 huge ref") << V2 << (R"([null,")" + QByteArray(256, '1') + R"(","t","e",{}])") << E::BadRef;
        QTest::newRow("v2 null event") << V2 << QByteArray(R"([null,"1","t",null,{}])") << E::BadEvent;
        QTest::newRow("v2 array event") << V2 << QByteArray(R"([null,"1","t",["e"],{}])") << E::BadEvent;
        QTest::newRow("v2 empty event") << V2 << QByteArray(R"([null,"1","t","",{}])") << E::BadEvent;
        QTest::newRow("v2 array payload") << V2 << QByteArray(R"([null,"1","t","e",[]])") << E::BadPayload;
        QTest::newRow("v2 string payload") << V2 << QByteArray(R"([null,"1","t","e","x"])") << E::BadPayload;
        QTest::newRow("v2 null payload") << V2 << QByteArray(R"([null,"1","t","e",null])") << E::BadPayload;
        QTest::newRow("v2 number payload") << V2 << QByteArray(R"([null,"1","t","e",1])") << E::BadPayload;
        QTest::newRow("overlong slash") << V2 << QByteArray("[null,\"1\",\"\xC0\xAF\",\"e\",{}]") << E::InvalidUtf8;
        QTest::newRow("lone continuation") << V2 << QByteArray("[null,\"1\",\"\x80\",\"e\",{}]") << E::InvalidUtf8;
        QTest::newRow("utf16 surrogate") << V2 << QByteArray("[null,\"1\",\"\xED\xA0\x80\",\"e\",{}]")
                                         << E::InvalidUtf8;
        QTest::newRow("beyond U+10FFFF") << V2 << QByteArray("[null,\"1\",\"\xF4\x90\x80\x80\",\"e\",{}]")
                                         << E::InvalidUtf8;
        QTest::newRow("F5 lead byte") << V2 << QByteArray("[null,\"1\",\"\xF5\x80\x80\x80\",\"e\",{}]")
                                      << E::InvalidUtf8;
        QTest::newRow("cut sequence at end")
            << V2 << QByteArray("[null,\"1\",\"t\",\"e\",{}]\xE2\x82") << E::InvalidUtf8;
        QTest::newRow("latin1 byte") << V2 << QByteArray("[null,\"1\",\"caf\xE9\",\"e\",{}]") << E::InvalidUtf8;
        QTest::newRow("v2 too large")
            << V2 << ("[null,\"1\",\"t\",\"e\",{\"c\":\"" + QByteArray(1024 * 1024, 'x') + "\"}]") << E::FrameTooLarge;

        QTest::newRow("v1 array") << V1 << QByteArray(R"([null,"1","t","e",{}])") << E::NotAnObject;
        QTest::newRow("v1 empty") << V1 << QByteArray() << E::NotAnObject;
        QTest::newRow("v1 truncated") << V1 << QByteArray(R"({"topic":"t")") << E::InvalidJson;
        QTest::newRow("v1 missing topic")
            << V1 << QByteArray(R"({"event":"e","payload":{},"ref":"1"})") << E::MissingField;
        QTest::newRow("v1 missing event")
            << V1 << QByteArray(R"({"topic":"t","payload":{},"ref":"1"})") << E::MissingField;
        QTest::newRow("v1 missing payload")
            << V1 << QByteArray(R"({"topic":"t","event":"e","ref":"1"})") << E::MissingField;
        QTest::newRow("v1 missing ref") << V1 << QByteArray(R"({"topic":"t","event":"e","payload":{}})")
                                        << E::MissingField;
        QTest::newRow("v1 numeric ref") << V1 << QByteArray(R"({"topic":"t","event":"e","payload":{},"ref":2})")
                                        << E::BadRef;
        QTest::newRow("v1 numeric join_ref")
            << V1 << QByteArray(R"({"topic":"t","event":"e","payload":{},"ref":"2","join_ref":2})") << E::BadJoinRef;
        QTest::newRow("v1 numeric topic")
            << V1 << QByteArray(R"({"topic":1,"event":"e","payload":{},"ref":"2"})") << E::BadTopic;
        QTest::newRow("v1 boolean event")
            << V1 << QByteArray(R"({"topic":"t","event":true,"payload":{},"ref":"2"})") << E::BadEvent;
        QTest::newRow("v1 string payload")
            << V1 << QByteArray(R"({"topic":"t","event":"e","payload":"p","ref":"2"})") << E::BadPayload;
    }
    void garbageTextIsRefused()
    {
        QFETCH(PhoenixSerializer, serializer);
        QFETCH(QByteArray, frame);
        QFETCH(PhoenixDecodeError, expected);
        const PhoenixCodec codec(serializer);
        const auto r = codec.decodeText(frame);
        QVERIFY(!r.ok());
        QCOMPARE(PhoenixCodec::errorName(r.error), PhoenixCodec::errorName(expected));
        QVERIFY(!r.detail.isEmpty());
    }

    void refusedPushStillReportsItsRefAndTopic()
    {
        const PhoenixCodec codec;
        const auto r = codec.decodeText(R"(["1","7","channel:abc","send_message","not an object"])");
        QCOMPARE(r.error, PhoenixDecodeError::BadPayload);
        QCOMPARE(r.message.ref, std::optional<QString>("7"));
        QCOMPARE(r.message.topic, "channel:abc");

        const auto arity = codec.decodeText(R"(["1","8","channel:abc"])");
        QCOMPARE(arity.error, PhoenixDecodeError::WrongArity);
        QCOMPARE(arity.message.ref, std::optional<QString>("8"));

        const PhoenixCodec v1(PhoenixSerializer::V1);
        const auto missing = v1.decodeText(R"({"topic":"channel:abc","ref":"9","payload":{}})");
        QCOMPARE(missing.error, PhoenixDecodeError::MissingField);
        QCOMPARE(missing.message.ref, std::optional<QString>("9"));
        QCOMPARE(missing.message.topic, "channel:abc");
    }

    void frameLimitIsConfigurable()
    {
        PhoenixCodecLimits limits;
        limits.maxFrameBytes = 40;
        const PhoenixCodec codec(PhoenixSerializer::V2, limits);
        QVERIFY(codec.decodeText(R"([null,"1","t","e",{}])").ok());
        QCOMPARE(codec.decodeText(R"([null,"1","t","e",{"content":"way too long for forty"}])").error,
                 PhoenixDecodeError::FrameTooLarge);
        QCOMPARE(codec.decodeBinary(QByteArray(41, '\0')).error, PhoenixDecodeError::FrameTooLarge);
    }

    // The exact bytes phoenix.js's serializer.binaryEncode produces for a push.
    void clientBinaryPushDecodes()
    {
        const QByteArray frame = bytes({0, 1, 2, 3, 4}) + "1" + "12" + "t:1" + "blob" + bytes({0xFF, 0x00, 0x10});
        const PhoenixCodec codec;
        const auto r = codec.decodeBinary(frame);
        QVERIFY2(r.ok(), qPrintable(r.detail));
        QCOMPARE(r.message.joinRef, std::optional<QString>("1"));
        QCOMPARE(r.message.ref, std::optional<QString>("12"));
        QCOMPARE(r.message.topic, "t:1");
        QCOMPARE(r.message.event, "blob");
        QCOMPARE(r.message.binary, std::optional(bytes({0xFF, 0x00, 0x10})));
    }

    void binaryRoundTripsForEveryKind_data()
    {
        QTest::addColumn<int>("origin");
        QTest::addColumn<int>("kind");
        QTest::addColumn<bool>("hasJoinRef");
        QTest::addColumn<bool>("hasRef");
        QTest::addColumn<QString>("event");
        QTest::newRow("client push") << int(PhoenixCodec::Origin::Client) << 0 << true << true << "upload";
        QTest::newRow("server push") << int(PhoenixCodec::Origin::Server) << 0 << true << false << "file";
        QTest::newRow("server reply") << int(PhoenixCodec::Origin::Server) << 1 << true << true << "phx_reply";
        QTest::newRow("server broadcast") << int(PhoenixCodec::Origin::Server) << 2 << false << false << "file";
    }
    void binaryRoundTripsForEveryKind()
    {
        QFETCH(int, origin);
        QFETCH(int, kind);
        QFETCH(bool, hasJoinRef);
        QFETCH(bool, hasRef);
        QFETCH(QString, event);
        PhoenixMessage m;
        if (hasJoinRef) m.joinRef = "4";
        if (hasRef) m.ref = "44";
        m.topic = "channel:bin";
        m.event = event;
        if (event == PhoenixEvent::reply) m.payload = {{"status", "ok"}};
        m.binary = bytes({1, 2, 3, 0, 255});
        const auto o = PhoenixCodec::Origin(origin);
        const QByteArray frame = PhoenixCodec::encodeBinary(m, o);
        QCOMPARE(int(quint8(frame.at(0))), kind);
        const auto r = PhoenixCodec().decodeBinary(frame, o);
        QVERIFY2(r.ok(), qPrintable(r.detail));
        QVERIFY(sameMessage(r.message, m));
    }

    void garbageBinaryIsRefused_data()
    {
        QTest::addColumn<QByteArray>("frame");
        QTest::addColumn<PhoenixDecodeError>("expected");
        using E = PhoenixDecodeError;
        QTest::newRow("empty") << QByteArray() << E::BinaryTruncated;
        QTest::newRow("kind only") << bytes({0}) << E::BinaryTruncated;
        QTest::newRow("short header") << bytes({0, 1, 1, 1}) << E::BinaryTruncated;
        QTest::newRow("lengths past end") << (bytes({0, 1, 1, 200, 1}) + "1" + "1" + "t" + "e") << E::BinaryTruncated;
        QTest::newRow("reply kind from client")
            << (bytes({1, 1, 1, 1, 2}) + "1" + "1" + "t" + "ok") << E::BinaryUnknownKind;
        QTest::newRow("broadcast kind from client") << (bytes({2, 1, 1}) + "t" + "e") << E::BinaryUnknownKind;
        QTest::newRow("kind 7") << bytes({7, 0, 0, 0, 0}) << E::BinaryUnknownKind;
        QTest::newRow("invalid utf8 topic")
            << (bytes({0, 1, 1, 1, 1}) + "1" + "1" + bytes({0xC3}) + "e") << E::InvalidUtf8;
        QTest::newRow("empty topic") << (bytes({0, 1, 1, 0, 1}) + "1" + "1" + "e") << E::BadTopic;
        QTest::newRow("empty event") << (bytes({0, 1, 1, 1, 0}) + "1" + "1" + "t") << E::BadEvent;
    }
    void garbageBinaryIsRefused()
    {
        QFETCH(QByteArray, frame);
        QFETCH(PhoenixDecodeError, expected);
        const auto r = PhoenixCodec().decodeBinary(frame);
        QVERIFY(!r.ok());
        QCOMPARE(PhoenixCodec::errorName(r.error), PhoenixCodec::errorName(expected));
    }

    // Found by fuzz_phoenix_codec: from the server, phx_reply is the reply kind;
    // a push or broadcast with that name would read back as a reply.
    void serverPushOrBroadcastNamedReplyIsRefused()
    {
        const auto server = PhoenixCodec::Origin::Server;
        const auto broadcast = PhoenixCodec().decodeBinary(bytes({2, 1, 9}) + "t" + "phx_reply" + "x", server);
        QCOMPARE(broadcast.error, PhoenixDecodeError::BadEvent);
        const auto push = PhoenixCodec().decodeBinary(bytes({0, 1, 1, 9}) + "1" + "t" + "phx_reply" + "x", server);
        QCOMPARE(push.error, PhoenixDecodeError::BadEvent);
        // The same names are fine from a client, and a real reply still decodes.
        QVERIFY(PhoenixCodec().decodeBinary(bytes({0, 1, 1, 1, 9}) + "1" + "1" + "t" + "phx_reply" + "x").ok());
        QVERIFY(PhoenixCodec().decodeBinary(bytes({1, 1, 1, 1, 2}) + "1" + "1" + "t" + "ok" + "x", server).ok());
    }

    void binaryUnderV1IsRefused()
    {
        const QByteArray frame = bytes({0, 1, 1, 1, 1}) + "1" + "1" + "t" + "e";
        QVERIFY(PhoenixCodec(PhoenixSerializer::V2).decodeBinary(frame).ok());
        QCOMPARE(PhoenixCodec(PhoenixSerializer::V1).decodeBinary(frame).error, PhoenixDecodeError::BinaryNotAllowed);
    }

    void binaryEncodeRefusesFieldsOver255Bytes()
    {
        PhoenixMessage m = PhoenixCodec::broadcast(QString(256, 'x'), "e", {});
        m.binary = QByteArray("data");
        QVERIFY(PhoenixCodec::encodeBinary(m).isEmpty());
        m.topic = QString(255, 'x');
        QCOMPARE(PhoenixCodec::encodeBinary(m).size(), 1 + 2 + 255 + 1 + 4);
        PhoenixMessage noBinary = PhoenixCodec::broadcast("t", "e", {});
        QVERIFY(PhoenixCodec::encodeBinary(noBinary).isEmpty());
    }

    void utf8ValidatorAcceptsEveryPlane()
    {
        const QByteArray good = QString::fromUtf8("a ß € 𝄞 👋 \U0010FFFF").toUtf8();
        QVERIFY(PhoenixCodec::isValidUtf8(good.constData(), good.size()));
        QVERIFY(PhoenixCodec::isValidUtf8("", 0));
        QVERIFY(!PhoenixCodec::isValidUtf8("\xE0\x80\x80", 3));     // overlong 3-byte NUL
        QVERIFY(!PhoenixCodec::isValidUtf8("\xF0\x80\x80\x80", 4)); // overlong 4-byte
        QVERIFY(!PhoenixCodec::isValidUtf8("\xC2", 1));
    }
};

QTEST_APPLESS_MAIN(TestPhoenixCodec)
#include "tst_phoenixcodec.moc"
