#include "dialects/socketio/SocketIoCodec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace switchboard;

using namespace SocketIoCodec;

namespace {
QJsonValue json(const char *text)
{
    return QJsonDocument::fromJson(QByteArray("[") + text + "]").array().at(0);
}
const QJsonValue undef(QJsonValue::Undefined);
} // namespace

class TestSocketIoCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Every example frame of the Socket.IO v5 protocol specification (without the Engine.IO "4").
    void specExamplesDecode_data()
    {
        QTest::addColumn<QByteArray>("wire");
        QTest::addColumn<int>("type");
        QTest::addColumn<QString>("nsp");
        QTest::addColumn<qint64>("id");
        QTest::addColumn<int>("attachments");
        QTest::addColumn<QJsonValue>("data");
        QTest::newRow("connect auth") << QByteArray("0{\"token\":\"good\"}") << 0 << "/" << qint64(-1) << 0
                                      << json("{\"token\":\"good\"}");
        QTest::newRow("connect bare") << QByteArray("0") << 0 << "/" << qint64(-1) << 0 << undef;
        QTest::newRow("connect reply") << QByteArray("0{\"sid\":\"FO_eYDfcD7h-dxZ_AAAA\"}") << 0 << "/" << qint64(-1)
                                       << 0 << json("{\"sid\":\"FO_eYDfcD7h-dxZ_AAAA\"}");
        QTest::newRow("connect nsp") << QByteArray("0/admin,{\"token\":\"good\"}") << 0 << "/admin" << qint64(-1) << 0
                                     << json("{\"token\":\"good\"}");
        QTest::newRow("connect nsp no comma") << QByteArray("0/random") << 0 << "/random" << qint64(-1) << 0 << undef;
        QTest::newRow("connect_error")
            << QByteArray("4{\"message\":\"not authorized\",\"data\":{\"hint\":\"send a valid token\"}}") << 4 << "/"
            << qint64(-1) << 0 << json("{\"message\":\"not authorized\",\"data\":{\"hint\":\"send a valid token\"}}");
        QTest::newRow("connect_error nsp") << QByteArray("4/nope,{\"message\":\"Invalid namespace\"}") << 4 << "/nope"
                                           << qint64(-1) << 0 << json("{\"message\":\"Invalid namespace\"}");
        QTest::newRow("connect_error string")
            << QByteArray("4\"nope\"") << 4 << "/" << qint64(-1) << 0 << json("\"nope\"");
        QTest::newRow("event") << QByteArray("2[\"welcome\",\"hello\",42]") << 2 << "/" << qint64(-1) << 0
                               << json("[\"welcome\",\"hello\",42]");
        QTest::newRow("event nsp") << QByteArray("2/admin,[\"bar\"]") << 2 << "/admin" << qint64(-1) << 0
                                   << json("[\"bar\"]");
        QTest::newRow("event ack") << QByteArray("20[\"question\",\"ping?\"]") << 2 << "/" << qint64(0) << 0
                                   << json("[\"question\",\"ping?\"]");
        QTest::newRow("event nsp ack") << QByteArray("2/chat,12[\"joinRoom\",\"r\"]") << 2 << "/chat" << qint64(12) << 0
                                       << json("[\"joinRoom\",\"r\"]");
        QTest::newRow("ack") << QByteArray("30[\"pong!\"]") << 3 << "/" << qint64(0) << 0 << json("[\"pong!\"]");
        QTest::newRow("ack empty") << QByteArray("37[]") << 3 << "/" << qint64(7) << 0 << json("[]");
        QTest::newRow("ack nsp") << QByteArray("3/chat,99[{\"ok\":true}]") << 3 << "/chat" << qint64(99) << 0
                                 << json("[{\"ok\":true}]");
        QTest::newRow("binary event") << QByteArray("51-1[\"blob\",{\"_placeholder\":true,\"num\":0}]") << 5 << "/"
                                      << qint64(1) << 1 << json("[\"blob\",{\"_placeholder\":true,\"num\":0}]");
        QTest::newRow("binary ack") << QByteArray("61-1[{\"_placeholder\":true,\"num\":0}]") << 6 << "/" << qint64(1)
                                    << 1 << json("[{\"_placeholder\":true,\"num\":0}]");
        QTest::newRow("binary nested")
            << QByteArray("52-/x,[\"b\",{\"a\":[{\"_placeholder\":true,\"num\":1}]},{\"_placeholder\":true,\"num\":0}]")
            << 5 << "/x" << qint64(-1) << 2
            << json("[\"b\",{\"a\":[{\"_placeholder\":true,\"num\":1}]},{\"_placeholder\":true,\"num\":0}]");
        QTest::newRow("disconnect") << QByteArray("1") << 1 << "/" << qint64(-1) << 0 << undef;
        QTest::newRow("disconnect nsp") << QByteArray("1/admin,") << 1 << "/admin" << qint64(-1) << 0 << undef;
        QTest::newRow("utf8 event") << QByteArray("2[\"m\",\"\xf0\x9f\x91\x8d caf\xc3\xa9\"]") << 2 << "/" << qint64(-1)
                                    << 0
                                    << QJsonValue(QJsonArray{"m", QString::fromUtf8("\xf0\x9f\x91\x8d caf\xc3\xa9")});
        QTest::newRow("max ack id") << QByteArray("29007199254740991[\"x\"]") << 2 << "/" << qint64(9007199254740991LL)
                                    << 0 << json("[\"x\"]");
    }
    void specExamplesDecode()
    {
        QFETCH(QByteArray, wire);
        QFETCH(int, type);
        QFETCH(QString, nsp);
        QFETCH(qint64, id);
        QFETCH(int, attachments);
        QFETCH(QJsonValue, data);
        const Result r = decode(wire);
        QVERIFY2(r.ok(), qPrintable(r.detail));
        QCOMPARE(int(r.packet.type), type);
        QCOMPARE(r.packet.nsp, nsp);
        QCOMPARE(r.packet.id, id);
        QCOMPARE(r.packet.attachments, attachments);
        QCOMPARE(r.packet.data, data);
        // Decoding then encoding gives the canonical form back; every example
        // above is canonical except the "/" namespace written out.
        QCOMPARE(decode(encode(r.packet)).packet, r.packet);
    }

    void encoderWritesTheCanonicalForm()
    {
        QCOMPARE(encode(SocketIoPacket::connect("/", "abc")), QByteArray("0{\"sid\":\"abc\"}"));
        QCOMPARE(encode(SocketIoPacket::connect("/chat", "abc")), QByteArray("0/chat,{\"sid\":\"abc\"}"));
        // Connection state recovery: the private session id next to the socket id.
        QCOMPARE(encode(SocketIoPacket::connect("/", "abc", "p1")), QByteArray("0{\"pid\":\"p1\",\"sid\":\"abc\"}"));
        QCOMPARE(encode(SocketIoPacket::connectError("/nope", "Invalid namespace")),
                 QByteArray("4/nope,{\"message\":\"Invalid namespace\"}"));
        QCOMPARE(encode(SocketIoPacket::connectError("/", "not authorized", QJsonObject{{"hint", "x"}})),
                 QByteArray("4{\"data\":{\"hint\":\"x\"},\"message\":\"not authorized\"}"));
        QCOMPARE(encode(SocketIoPacket::disconnect("/")), QByteArray("1"));
        QCOMPARE(encode(SocketIoPacket::disconnect("/chat")), QByteArray("1/chat,"));
        QCOMPARE(encode(SocketIoPacket::event("/", "welcome", {"hello", 42})),
                 QByteArray("2[\"welcome\",\"hello\",42]"));
        QCOMPARE(encode(SocketIoPacket::event("/", "question", {"ping?"}, 0)),
                 QByteArray("20[\"question\",\"ping?\"]"));
        QCOMPARE(encode(SocketIoPacket::ack("/chat", 5, {QJsonObject{{"ok", true}}})),
                 QByteArray("3/chat,5[{\"ok\":true}]"));
        QCOMPARE(encode(SocketIoPacket::ack("/", 3)), QByteArray("33[]"));
        SocketIoPacket bin{SocketIoPacket::BinaryAck, "/", 1, 1, json("[{\"_placeholder\":true,\"num\":0}]")};
        QCOMPARE(encode(bin), QByteArray("61-1[{\"_placeholder\":true,\"num\":0}]"));
    }

    void encodedJsonEscapesControlCharactersAndNeverEmitsRecordSeparator()
    {
        QString nasty = QStringLiteral("a");
        for (ushort c = 0; c < 0x20; ++c) nasty.append(QChar(c));
        nasty.append(QStringLiteral("\"\\/\u2028z"));
        const QByteArray wire = encode(SocketIoPacket::event("/", "m", {nasty, QJsonObject{{nasty, nasty}}}));
        QVERIFY(!wire.contains('\x1e'));
        for (char c : wire) QVERIFY2(static_cast<unsigned char>(c) >= 0x20, "raw control character in encoded packet");
        QVERIFY(wire.contains("\\u001e"));
        const Result back = decode(wire);
        QVERIFY(back.ok());
        QCOMPARE(back.packet.eventArgs().at(0).toString(), nasty);
        QCOMPARE(toJson(QJsonValue(QStringLiteral("x\x1ey"))), QByteArray("\"x\\u001ey\""));
    }

    void numbersAreWrittenExactly()
    {
        QCOMPARE(toJson(QJsonValue(42)), QByteArray("42"));
        QCOMPARE(toJson(QJsonValue(qint64(1700000000123LL))), QByteArray("1700000000123"));
        QCOMPARE(toJson(QJsonValue(0.5)), QByteArray("0.5"));
        QCOMPARE(toJson(QJsonValue(true)), QByteArray("true"));
        QCOMPARE(toJson(QJsonValue()), QByteArray("null"));
        QCOMPARE(toJson(undef), QByteArray());
    }

    void eventHelpersSplitNameAndArguments()
    {
        const Result r = decode("2[\"send_message\",{\"content\":\"hi\"},3]");
        QVERIFY(r.ok());
        QCOMPARE(r.packet.eventName(), QStringLiteral("send_message"));
        QCOMPARE(r.packet.eventArgs().size(), 2);
        QCOMPARE(r.packet.eventArgs().at(0).toObject().value("content").toString(), QStringLiteral("hi"));
    }

    void loneSurrogateEscapeReadsAsReplacementCharacter()
    {
        // JSON.stringify escapes a lone surrogate; the reference server keeps
        // it, which UTF-8 cannot. It reads as U+FFFD, as a browser's WebSocket
        // sends a raw one. The event is not refused (that would end the connection).
        const Result r = decode("2[\"send_message\",{\"content\":\"half \\ud83d\"}]");
        QVERIFY2(r.ok(), qPrintable(r.detail));
        QCOMPARE(r.packet.eventArgs().at(0).toObject().value("content").toString(), QString::fromUtf16(u"half \uFFFD"));
    }

    void placeholderInPlainEventIsJustData()
    {
        // The reference parser only replaces placeholders in binary packets.
        const Result r = decode("2[\"x\",{\"_placeholder\":true,\"num\":0}]");
        QVERIFY(r.ok());
        QCOMPARE(r.packet.attachments, 0);
    }

    void garbageIsRefusedWithAClearError_data()
    {
        QTest::addColumn<QByteArray>("wire");
        QTest::addColumn<int>("error");
        QTest::newRow("empty") << QByteArray() << int(Error::EmptyPacket);
        QTest::newRow("type 7") << QByteArray("7[\"a\"]") << int(Error::UnknownType);
        QTest::newRow("type letter") << QByteArray("x") << int(Error::UnknownType);
        QTest::newRow("type minus") << QByteArray("-1") << int(Error::UnknownType);
        QTest::newRow("invalid utf8") << QByteArray("2[\"\xc3(\"]") << int(Error::InvalidUtf8);
        QTest::newRow("invalid utf8 in nsp") << QByteArray("2/\xff,[\"a\"]") << int(Error::InvalidUtf8);
        QTest::newRow("unterminated array") << QByteArray("2[\"a\"") << int(Error::InvalidJson);
        QTest::newRow("unterminated string") << QByteArray("2[\"a]") << int(Error::InvalidJson);
        QTest::newRow("unterminated object") << QByteArray("0{\"token\":") << int(Error::InvalidJson);
        QTest::newRow("two values") << QByteArray("2[\"a\"][\"b\"]") << int(Error::InvalidJson);
        QTest::newRow("wrap escape") << QByteArray("2[\"a\"],[\"b\"") << int(Error::InvalidJson);
        QTest::newRow("comma list") << QByteArray("0{},{}") << int(Error::InvalidJson);
        QTest::newRow("blank payload") << QByteArray("2 ") << int(Error::InvalidJson);
        QTest::newRow("trailing junk") << QByteArray("2[\"a\"]x") << int(Error::InvalidJson);
        QTest::newRow("event object") << QByteArray("2{\"a\":1}") << int(Error::InvalidPayload);
        QTest::newRow("event string") << QByteArray("2\"a\"") << int(Error::InvalidPayload);
        QTest::newRow("event empty array") << QByteArray("2[]") << int(Error::InvalidPayload);
        QTest::newRow("event numeric name") << QByteArray("2[1,2]") << int(Error::InvalidPayload);
        QTest::newRow("event null name") << QByteArray("2[null]") << int(Error::InvalidPayload);
        QTest::newRow("event no payload") << QByteArray("2") << int(Error::InvalidPayload);
        QTest::newRow("event no payload nsp") << QByteArray("2/chat,") << int(Error::InvalidPayload);
        QTest::newRow("reserved disconnect") << QByteArray("2[\"disconnect\"]") << int(Error::ReservedEventName);
        QTest::newRow("reserved connect") << QByteArray("2[\"connect\",1]") << int(Error::ReservedEventName);
        QTest::newRow("reserved newListener") << QByteArray("2[\"newListener\"]") << int(Error::ReservedEventName);
        QTest::newRow("ack object") << QByteArray("31{}") << int(Error::InvalidPayload);
        QTest::newRow("ack no id") << QByteArray("3[]") << int(Error::MissingAckId);
        QTest::newRow("connect array") << QByteArray("0[]") << int(Error::InvalidPayload);
        QTest::newRow("connect string") << QByteArray("0\"tok\"") << int(Error::InvalidPayload);
        QTest::newRow("connect with id") << QByteArray("05{}") << int(Error::BadAckId);
        QTest::newRow("disconnect payload") << QByteArray("1{}") << int(Error::InvalidPayload);
        QTest::newRow("connect_error number") << QByteArray("442") << int(Error::BadAckId);
        QTest::newRow("connect_error array") << QByteArray("4[]") << int(Error::InvalidPayload);
        QTest::newRow("connect_error empty") << QByteArray("4") << int(Error::InvalidPayload);
        QTest::newRow("huge ack id") << QByteArray("29007199254740992[\"x\"]") << int(Error::BadAckId);
        QTest::newRow("enormous ack id") << QByteArray("2") + QByteArray(400, '9') + "[\"x\"]" << int(Error::BadAckId);
        QTest::newRow("nsp with space") << QByteArray("0/a b,{}") << int(Error::BadNamespace);
        QTest::newRow("nsp with quote") << QByteArray("0/a\",{}") << int(Error::BadNamespace);
        QTest::newRow("nsp swallowing json") << QByteArray("2/chat[\"a\"]") << int(Error::BadNamespace);
        QTest::newRow("nsp control char") << QByteArray("0/a\x01,{}") << int(Error::BadNamespace);
        QTest::newRow("nsp record separator") << QByteArray("0/a\x1e,{}") << int(Error::BadNamespace);
        QTest::newRow("nsp too long") << QByteArray("0/") + QByteArray(300, 'a') + ",{}" << int(Error::BadNamespace);
        QTest::newRow("no namespace slash") << QByteArray("0chat,{}") << int(Error::InvalidJson);
        QTest::newRow("binary no count") << QByteArray("5[\"a\"]") << int(Error::BadAttachmentCount);
        QTest::newRow("binary no dash") << QByteArray("51[\"a\"]") << int(Error::BadAttachmentCount);
        QTest::newRow("binary letters") << QByteArray("5x-[\"a\"]") << int(Error::BadAttachmentCount);
        QTest::newRow("binary long count") << QByteArray("5000001-[\"a\"]") << int(Error::BadAttachmentCount);
        QTest::newRow("binary too many") << QByteArray("511-[\"a\"]") << int(Error::TooManyAttachments);
        QTest::newRow("binary truncated") << QByteArray("5") << int(Error::BadAttachmentCount);
        QTest::newRow("placeholder out of range")
            << QByteArray("51-[\"a\",{\"_placeholder\":true,\"num\":1}]") << int(Error::BadPlaceholder);
        QTest::newRow("placeholder negative")
            << QByteArray("51-[\"a\",{\"_placeholder\":true,\"num\":-1}]") << int(Error::BadPlaceholder);
        QTest::newRow("placeholder fraction")
            << QByteArray("52-[\"a\",{\"_placeholder\":true,\"num\":0.5}]") << int(Error::BadPlaceholder);
        QTest::newRow("placeholder string num")
            << QByteArray("51-[\"a\",{\"_placeholder\":true,\"num\":\"0\"}]") << int(Error::BadPlaceholder);
        QTest::newRow("placeholder nested in placeholder")
            << QByteArray("51-[\"a\",{\"_placeholder\":true,\"num\":{\"_placeholder\":true,\"num\":0}}]")
            << int(Error::BadPlaceholder);
        QTest::newRow("placeholder extra key")
            << QByteArray("51-[\"a\",{\"_placeholder\":true,\"num\":0,\"x\":1}]") << int(Error::BadPlaceholder);
        QTest::newRow("placeholder repeated")
            << QByteArray("52-[\"a\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":0}]")
            << int(Error::BadPlaceholder);
        QTest::newRow("placeholder missing")
            << QByteArray("52-[\"a\",{\"_placeholder\":true,\"num\":0}]") << int(Error::BadPlaceholder);
        QTest::newRow("binary ack object")
            << QByteArray("61-1{\"_placeholder\":true,\"num\":0}") << int(Error::InvalidPayload);
    }
    void garbageIsRefusedWithAClearError()
    {
        QFETCH(QByteArray, wire);
        QFETCH(int, error);
        const Result r = decode(wire);
        QVERIFY(!r.ok());
        QCOMPARE(int(r.error), error);
        QVERIFY(!r.detail.isEmpty());
    }

    void deeplyNestedPayloadDoesNotCrash()
    {
        // Far beyond any sane nesting; must fail or succeed, never overflow the stack.
        const QByteArray deep = QByteArray("51-[\"a\",") + QByteArray(100000, '[') + QByteArray(100000, ']') + "]";
        const Result r = decode(deep);
        QVERIFY(!r.ok());
        QByteArray nestedObjects("52-[\"a\",");
        for (int i = 0; i < 500; ++i) nestedObjects += "{\"k\":";
        nestedObjects += "{\"_placeholder\":true,\"num\":1}";
        for (int i = 0; i < 500; ++i) nestedObjects += "}";
        nestedObjects += ",{\"_placeholder\":true,\"num\":0}]";
        // 500 levels is within the JSON parser's limit: accepted, both found.
        const Result ok = decode(nestedObjects);
        QVERIFY2(ok.ok(), qPrintable(ok.detail));
        QList<int> nums;
        QVERIFY(collectPlaceholders(ok.packet.data, 2, &nums));
        QCOMPARE(nums, QList<int>({1, 0}));
    }

    void reservedNamesAreExactlyTheSpecList()
    {
        for (const char *name :
             {"connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"})
            QVERIFY(isReservedEventName(QString::fromLatin1(name)));
        for (const char *name : {"ping", "error", "Connect", "message", "join_channel"})
            QVERIFY(!isReservedEventName(QString::fromLatin1(name)));
    }
};

QTEST_APPLESS_MAIN(TestSocketIoCodec)
#include "tst_socketiocodec.moc"
