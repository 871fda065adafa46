// WebSocketFrameParser byte by byte: every RFC 6455 rule a server must enforce
// on client frames, with the close code each violation calls for.
#include "ClientFrame.h"
#include "net/WebSocketFrameParser.h"

#include <QTest>

#include <limits>

using namespace switchboard;

namespace {

using Message = WebSocketFrameParser::Message;
using Kind = Message::Kind;

constexpr auto Continuation = ClientFrame::Continuation, Text = ClientFrame::Text, Binary = ClientFrame::Binary,
               Close = ClientFrame::Close, Ping = ClientFrame::Ping, Pong = ClientFrame::Pong;
const QByteArray kKey("\x37\xfa\x21\x3d", 4); // the masking key of RFC 6455 5.7

// A client frame. The length uses the shortest encoding unless `lengthForm`
// forces 126 (16-bit) or 127 (64-bit).
QByteArray frame(uchar opcode, const QByteArray &payload, bool fin = true, bool masked = true, uchar rsv = 0,
                 int lengthForm = 0)
{
    return ClientFrame::build(opcode, payload, fin, masked, rsv, lengthForm, kKey);
}

QByteArray closePayload(quint16 code, const QByteArray &reason = QByteArray())
{
    return ClientFrame::closePayload(code, reason);
}

// A frame header announcing `length` bytes with a 64-bit length, no payload.
QByteArray header64(uchar firstByte, quint64 length)
{
    QByteArray out;
    out.append(char(firstByte));
    out.append(char(0x80 | 127));
    for (int i = 7; i >= 0; --i) out.append(char((length >> (8 * i)) & 0xFF));
    return out + kKey;
}

struct Outcome
{
    QList<Message> messages;
    bool overConsumed = false; // feed() claimed more bytes than it was given
    qsizetype leftover = 0;    // bytes the caller still holds
};

// Feeds `stream` in chunks of `chunk` bytes the way a socket reader does:
// unconsumed bytes are kept and handed back with the next chunk.
Outcome feedInChunks(WebSocketFrameParser &parser, const QByteArray &stream, qsizetype chunk)
{
    Outcome out;
    QByteArray held;
    const auto sink = [&](Message &&m) {
        out.messages.append(std::move(m));
        return true;
    };
    for (qsizetype at = 0; at < stream.size() && !parser.hasError(); at += chunk) {
        held += stream.mid(at, chunk);
        const qsizetype used = parser.feed(held.constData(), held.size(), sink);
        if (used > held.size() || used < 0) {
            out.overConsumed = true;
            return out;
        }
        held.remove(0, used);
    }
    out.leftover = held.size();
    return out;
}

Outcome feedWhole(WebSocketFrameParser &parser, const QByteArray &stream)
{
    return feedInChunks(parser, stream, qMax<qsizetype>(stream.size(), 1));
}

// A mixed stream touching every header form and the reassembly path.
QByteArray mixedStream()
{
    QByteArray s;
    s += frame(Text, "Hello");
    s += frame(Ping, "");
    s += frame(Binary, QByteArray(200, 'b')); // 16-bit length
    s += frame(Text, "frag", false);
    s += frame(Pong, "p"); // control inside a fragmented message
    s += frame(Continuation, QByteArray(300, 'x'), false);
    s += frame(Continuation, "\xCE\xBA", true); // "κ"
    s += frame(Binary, QByteArray(70000, 'z')); // 64-bit length
    s += frame(Text, "");
    s += frame(Close, closePayload(1000, "bye"));
    return s;
}

} // namespace

class tst_WebSocketFrameParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rfcMaskedHelloIsOneTextMessage()
    {
        // RFC 6455 5.7: "A single-frame masked text message".
        const QByteArray bytes("\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11);
        WebSocketFrameParser p;
        const Outcome o = feedWhole(p, bytes);
        QVERIFY(!p.hasError());
        QCOMPARE(o.messages.size(), 1);
        QCOMPARE(o.messages[0].kind, Kind::Text);
        QCOMPARE(o.messages[0].text, QStringLiteral("Hello"));
        QCOMPARE(o.leftover, 0);
    }

    void rfcUnmaskedHelloIsProtocolError()
    {
        // RFC 6455 5.7's unmasked example is a server frame: a server must refuse it (5.1).
        const QByteArray bytes("\x81\x05\x48\x65\x6c\x6c\x6f", 7);
        WebSocketFrameParser p;
        int delivered = 0;
        const qsizetype used = p.feed(bytes.constData(), bytes.size(), [&](Message &&) {
            ++delivered;
            return true;
        });
        QVERIFY(p.hasError());
        QCOMPARE(p.errorCode(), QWebSocketProtocol::CloseCodeProtocolError);
        QCOMPARE(used, 0);
        QCOMPARE(delivered, 0);
    }

    void rfcFragmentedHelloIsReassembled()
    {
        // RFC 6455 5.7: "Hel" then "lo", here masked as a client must.
        WebSocketFrameParser p;
        const Outcome o = feedWhole(p, frame(Text, "Hel", false) + frame(Continuation, "lo"));
        QVERIFY(!p.hasError());
        QCOMPARE(o.messages.size(), 1);
        QCOMPARE(o.messages[0].kind, Kind::Text);
        QCOMPARE(o.messages[0].text, QStringLiteral("Hello"));
        QCOMPARE(p.pendingMessageBytes(), 0);
    }

    void firstFragmentIsHeldUntilTheLast()
    {
        WebSocketFrameParser p;
        const Outcome o = feedWhole(p, frame(Binary, "abc", false) + frame(Continuation, "de", false));
        QVERIFY(!p.hasError());
        QCOMPARE(o.messages.size(), 0);
        QCOMPARE(p.pendingMessageBytes(), 5);
    }

    void rfcPingAndMaskedPongAreDelivered()
    {
        // RFC 6455 5.7: a ping with body "Hello", and the masked pong example verbatim.
        WebSocketFrameParser p;
        const QByteArray pong("\x8a\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11);
        const Outcome o = feedWhole(p, frame(Ping, "Hello") + pong);
        QVERIFY(!p.hasError());
        QCOMPARE(o.messages.size(), 2);
        QCOMPARE(o.messages[0].kind, Kind::Ping);
        QCOMPARE(o.messages[0].data, QByteArray("Hello"));
        QCOMPARE(o.messages[1].kind, Kind::Pong);
        QCOMPARE(o.messages[1].data, QByteArray("Hello"));
    }

    void binaryPayloadIsUnmaskedVerbatim()
    {
        QByteArray all;
        for (int i = 0; i < 256; ++i) all.append(char(i));
        WebSocketFrameParser p;
        const Outcome o = feedWhole(p, frame(Binary, all));
        QCOMPARE(o.messages.size(), 1);
        QCOMPARE(o.messages[0].kind, Kind::Binary);
        QCOMPARE(o.messages[0].data, all); // and binary is never UTF-8 checked
    }

    void emptyTextAndEmptyFragmentsGiveEmptyMessage()
    {
        WebSocketFrameParser p;
        const Outcome o = feedWhole(p, frame(Text, "") + frame(Text, "", false) + frame(Continuation, ""));
        QVERIFY(!p.hasError());
        QCOMPARE(o.messages.size(), 2);
        QCOMPARE(o.messages[0].text, QString());
        QCOMPARE(o.messages[1].kind, Kind::Text);
        QCOMPARE(o.messages[1].text, QString());
    }

    void lengthEncodings_data()
    {
        QTest::addColumn<int>("size");
        QTest::addColumn<int>("form");
        QTest::addColumn<int>("headerBytes");
        QTest::newRow("125 in 7 bits") << 125 << 0 << 6;
        QTest::newRow("126 in 16 bits") << 126 << 126 << 8;
        QTest::newRow("65535 in 16 bits") << 65535 << 126 << 8;
        QTest::newRow("65536 in 64 bits") << 65536 << 127 << 14;
        QTest::newRow("70000 in 64 bits") << 70000 << 127 << 14;
    }
    void lengthEncodings()
    {
        QFETCH(int, size);
        QFETCH(int, form);
        QFETCH(int, headerBytes);
        QByteArray payload(size, Qt::Uninitialized);
        for (int i = 0; i < size; ++i) payload[i] = char('a' + i % 26);
        const QByteArray bytes = frame(Binary, payload, true, true, 0, form);
        QCOMPARE(bytes.size(), headerBytes + size);
        WebSocketFrameParser p;
        // One byte short: nothing is consumed, nothing delivered.
        int delivered = 0;
        QCOMPARE(p.feed(
                     bytes.constData(), bytes.size() - 1,
                     [&](Message &&) {
            ++delivered;
            return true;
                     }),
                 0);
        QCOMPARE(delivered, 0);
        const Outcome o = feedWhole(p, bytes);
        QVERIFY(!p.hasError());
        QCOMPARE(o.messages.size(), 1);
        QCOMPARE(o.messages[0].data, payload);
    }

    void sixtyFourBitLengthWithTopBitIsProtocolError()
    {
        WebSocketFrameParser p(std::numeric_limits<qint64>::max());
        const QByteArray h = header64(0x82, quint64(1) << 63);
        const Outcome o = feedWhole(p, h);
        QVERIFY(p.hasError());
        QCOMPARE(p.errorCode(), QWebSocketProtocol::CloseCodeProtocolError);
        QCOMPARE(o.messages.size(), 0);
    }

    void splitAtEveryByteBoundaryGivesTheSameMessages()
    {
        const QByteArray stream = mixedStream();
        WebSocketFrameParser whole;
        const Outcome reference = feedWhole(whole, stream);
        QVERIFY(!whole.hasError());
        QCOMPARE(reference.messages.size(), 8);
        QCOMPARE(reference.messages[7].kind, Kind::Close);

        // Two pieces, cut at every offset.
        for (qsizetype cut = 1; cut < stream.size(); cut += (cut < 400 || stream.size() - cut < 400) ? 1 : 97) {
            WebSocketFrameParser p;
            QList<Message> got;
            const auto sink = [&](Message &&m) {
                got.append(std::move(m));
                return true;
            };
            const qsizetype used = p.feed(stream.constData(), cut, sink);
            QVERIFY2(used >= 0 && used <= cut,
                     qPrintable(QStringLiteral("feed(%1 bytes) consumed %2").arg(cut).arg(used)));
            const QByteArray rest = stream.mid(used);
            QCOMPARE(p.feed(rest.constData(), rest.size(), sink), rest.size());
            QVERIFY2(!p.hasError(), qPrintable(QStringLiteral("cut at %1: %2").arg(cut).arg(p.errorString())));
            QCOMPARE(got.size(), reference.messages.size());
        }
    }

    void oneByteAtATimeGivesTheSameMessages()
    {
        const QByteArray stream = mixedStream();
        WebSocketFrameParser whole;
        const Outcome reference = feedWhole(whole, stream);

        WebSocketFrameParser p;
        const Outcome o = feedInChunks(p, stream, 1);
        QVERIFY2(!o.overConsumed, "feed() consumed more bytes than it was given");
        QVERIFY2(!p.hasError(), qPrintable(p.errorString()));
        QCOMPARE(o.leftover, 0);
        QCOMPARE(o.messages.size(), reference.messages.size());
        for (qsizetype i = 0; i < o.messages.size(); ++i) {
            QCOMPARE(o.messages[i].kind, reference.messages[i].kind);
            QCOMPARE(o.messages[i].text, reference.messages[i].text);
            QCOMPARE(o.messages[i].data, reference.messages[i].data);
            QCOMPARE(o.messages[i].closeCode, reference.messages[i].closeCode);
        }
        QCOMPARE(o.messages[0].text, QStringLiteral("Hello"));
        QCOMPARE(o.messages[3].kind, Kind::Pong);
        QCOMPARE(o.messages[4].text, QStringLiteral("frag") + QString(300, QLatin1Char('x')) + QChar(0x03BA));
        QCOMPARE(o.messages[7].closeCode, quint16(1000));
        QCOMPARE(o.messages[7].text, QStringLiteral("bye"));
    }

    void partialHeaderIsNotConsumed_data()
    {
        QTest::addColumn<QByteArray>("frameBytes");
        QTest::newRow("7-bit length, empty ping") << frame(Ping, "");
        QTest::newRow("7-bit length, text") << frame(Text, "Hello");
        QTest::newRow("16-bit length") << frame(Binary, QByteArray(300, 'x'));
        QTest::newRow("64-bit length") << frame(Binary, QByteArray(70000, 'x'));
    }
    void partialHeaderIsNotConsumed()
    {
        // Every prefix shorter than the whole frame must consume nothing: a
        // socket read may end anywhere, including inside the masking key.
        QFETCH(QByteArray, frameBytes);
        for (qsizetype n = 0; n < qMin<qsizetype>(frameBytes.size(), 20); ++n) {
            WebSocketFrameParser p;
            int delivered = 0;
            const QByteArray prefix = frameBytes.left(n); // its own buffer: nothing readable past n
            const qsizetype used = p.feed(prefix.constData(), prefix.size(), [&](Message &&) {
                ++delivered;
                return true;
            });
            QVERIFY2(used == 0,
                     qPrintable(QStringLiteral("%1 of %2 bytes: consumed %3").arg(n).arg(frameBytes.size()).arg(used)));
            QCOMPARE(delivered, 0);
            QVERIFY(!p.hasError());
        }
    }

    void messageExactlyAtLimitIsAccepted()
    {
        WebSocketFrameParser p(100);
        const Outcome o = feedWhole(p, frame(Binary, QByteArray(100, 'a')));
        QVERIFY(!p.hasError());
        QCOMPARE(o.messages.size(), 1);
        QCOMPARE(o.messages[0].data.size(), 100);
    }

    void messageOneOverLimitIsTooBigAtTheHeader()
    {
        WebSocketFrameParser p(100);
        const QByteArray f = frame(Text, QByteArray(101, 'a'));
        // Only the header has arrived: the error is known already.
        const qsizetype used = p.feed(f.constData(), 6, [](Message &&) { return true; });
        QCOMPARE(used, 0);
        QVERIFY(p.hasError());
        QCOMPARE(p.errorCode(), QWebSocketProtocol::CloseCodeTooMuchData);
    }

    void hugeAnnouncedLengthFailsWithoutWaitingForPayload()
    {
        WebSocketFrameParser p(1024 * 1024);
        const QByteArray h = header64(0x82, quint64(1) << 40);
        p.feed(h.constData(), h.size(), [](Message &&) { return true; });
        QVERIFY(p.hasError());
        QCOMPARE(p.errorCode(), QWebSocketProtocol::CloseCodeTooMuchData);
    }

    void fragmentsExactlyAtLimitAreAccepted()
    {
        WebSocketFrameParser p(100);
        const Outcome o = feedWhole(p,
                                    frame(Text, QByteArray(60, 'a'), false) + frame(Continuation, QByteArray(40, 'b')));
        QVERIFY(!p.hasError());
        QCOMPARE(o.messages.size(), 1);
        QCOMPARE(o.messages[0].text.size(), 100);
    }

    void fragmentsOneOverLimitAreTooBig()
    {
        WebSocketFrameParser p(100);
        const QByteArray first = frame(Text, QByteArray(60, 'a'), false);
        const QByteArray second = frame(Continuation, QByteArray(41, 'b'));
        const Outcome o = feedWhole(p, first + second.left(6)); // the header is enough
        QVERIFY(p.hasError());
        QCOMPARE(p.errorCode(), QWebSocketProtocol::CloseCodeTooMuchData);
        QCOMPARE(o.messages.size(), 0);
        QCOMPARE(p.pendingMessageBytes(), 0); // the partial message is dropped
    }

    void controlFramesDoNotCountTowardsTheLimit()
    {
        WebSocketFrameParser p(100);
        const Outcome o = feedWhole(p, frame(Text, QByteArray(100, 'a'), false) + frame(Ping, QByteArray(125, 'p'))
                                           + frame(Continuation, ""));
        QVERIFY(!p.hasError());
        QCOMPARE(o.messages.size(), 2);
        QCOMPARE(o.messages[0].kind, Kind::Ping);
        QCOMPARE(o.messages[1].text.size(), 100);
    }

    void pingBetweenFragmentsIsDeliveredFirst()
    {
        WebSocketFrameParser p;
        const Outcome o = feedWhole(p, frame(Binary, "ab", false) + frame(Ping, "x") + frame(Continuation, "cd", false)
                                           + frame(Close, closePayload(1000)) + frame(Continuation, "ef"));
        QVERIFY(!p.hasError());
        QCOMPARE(o.messages.size(), 3);
        QCOMPARE(o.messages[0].kind, Kind::Ping);
        QCOMPARE(o.messages[0].data, QByteArray("x"));
        QCOMPARE(o.messages[1].kind, Kind::Close);
        QCOMPARE(o.messages[2].kind, Kind::Binary);
        QCOMPARE(o.messages[2].data, QByteArray("abcdef"));
    }

    void continuationWithoutStartIsProtocolError()
    {
        WebSocketFrameParser p;
        const Outcome o = feedWhole(p, frame(Continuation, "lo"));
        QVERIFY(p.hasError());
        QCOMPARE(p.errorCode(), QWebSocketProtocol::CloseCodeProtocolError);
        QCOMPARE(o.messages.size(), 0);
    }

    void continuationAfterCompletedMessageIsProtocolError()
    {
        WebSocketFrameParser p;
        const Outcome o = feedWhole(p,
                                    frame(Text, "Hel", false) + frame(Continuation, "lo") + frame(Continuation, "!"));
        QVERIFY(p.hasError());
        QCOMPARE(p.errorCode(), QWebSocketProtocol::CloseCodeProtocolError);
        QCOMPARE(o.messages.size(), 1);
    }

    void newDataFrameInsideFragmentedMessageIsProtocolError_data()
    {
        QTest::addColumn<int>("first");
        QTest::addColumn<int>("second");
        QTest::newRow("text in text") << int(Text) << int(Text);
        QTest::newRow("binary in text") << int(Text) << int(Binary);
        QTest::newRow("text in binary") << int(Binary) << int(Text);
    }
    void newDataFrameInsideFragmentedMessageIsProtocolError()
    {
        QFETCH(int, first);
        QFETCH(int, second);
        WebSocketFrameParser p;
        const Outcome o = feedWhole(p, frame(uchar(first), "a", false) + frame(uchar(second), "b"));
        QVERIFY(p.hasError());
        QCOMPARE(p.errorCode(), QWebSocketProtocol::CloseCodeProtocolError);
        QCOMPARE(o.messages.size(), 0);
    }

    void unmaskedFrameIsProtocolError_data()
    {
        QTest::addColumn<int>("opcode");
        QTest::newRow("text") << int(Text);
        QTest::newRow("binary") << int(Binary);
        QTest::newRow("ping") << int(Ping);
        QTest::newRow("close") << int(Close);
    }
    void unmaskedFrameIsProtocolError()
    {
        QFETCH(int, opcode);
        WebSocketFrameParser p;
        const Outcome o = feedWhole(p, frame(uchar(opcode), opcode == Close ? closePayload(1000) : QByteArray("hi"),
                                             true, false));
        QVERIFY(p.hasError());
        QCOMPARE(p.errorCode(), QWebSocketProtocol::CloseCodeProtocolError);
        QCOMPARE(o.messages.size(), 0);
    }

    void reservedBitsAreProtocolError_data()
    {
        QTest::addColumn<int>("rsv");
        QTest::addColumn<int>("opcode");
        QTest::newRow("RSV1 text") << 0x40 << int(Text);
        QTest::newRow("RSV2 text") << 0x20 << int(Text);
        QTest::newRow("RSV3 text") << 0x10 << int(Text);
        QTest::newRow("all RSV binary") << 0x70 << int(Binary);
        QTest::newRow("RSV1 ping") << 0x40 << int(Ping);
    }
    void reservedBitsAreProtocolError()
    {
        QFETCH(int, rsv);
        QFETCH(int, opcode);
        WebSocketFrameParser p;
        const Outcome o = feedWhole(p, frame(Text, "ok") + frame(uchar(opcode), "hi", true, true, uchar(rsv)));
        QVERIFY(p.hasError());
        QCOMPARE(p.errorCode(), QWebSocketProtocol::CloseCodeProtocolError);
        QCOMPARE(o.messages.size(), 1); // the good frame before it still counts
    }

    void unknownOpcodesAreProtocolError_data()
    {
        QTest::addColumn<int>("opcode");
        for (int op : {0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF})
            QTest::newRow(qPrintable(QStringLiteral("0x%1").arg(op, 0, 16))) << op;
    }
    void unknownOpcodesAreProtocolError()
    {
        QFETCH(int, opcode);
        WebSocketFrameParser p;
        const Outcome o = feedWhole(p, frame(uchar(opcode), ""));
        QVERIFY(p.hasError());
        QCOMPARE(p.errorCode(), QWebSocketProtocol::CloseCodeProtocolError);
        QCOMPARE(o.messages.size(), 0);
    }

    void controlFrameOf125BytesIsAccepted()
    {
        WebSocketFrameParser p;
        const Outcome o = feedWhole(p, frame(Ping, QByteArray(125, 'p')));
        QVERIFY(!p.hasError());
        QCOMPARE(o.messages.size(), 1);
        QCOMPARE(o.messages[0].data.size(), 125);
    }

    void controlFrameOf126BytesIsProtocolError_data()
    {
        QTest::addColumn<int>("opcode");
        QTest::newRow("ping") << int(Ping);
        QTest::newRow("pong") << int(Pong);
        QTest::newRow("close") << int(Close);
    }
    void controlFrameOf126BytesIsProtocolError()
    {
        QFETCH(int, opcode);
        WebSocketFrameParser p;
        const QByteArray payload = opcode == Close ? closePayload(1000, QByteArray(124, 'r')) : QByteArray(126, 'p');
        const Outcome o = feedWhole(p, frame(uchar(opcode), payload));
        QVERIFY(p.hasError());
        QCOMPARE(p.errorCode(), QWebSocketProtocol::CloseCodeProtocolError);
        QCOMPARE(o.messages.size(), 0);
    }

    void fragmentedControlFrameIsProtocolError()
    {
        WebSocketFrameParser p;
        const Outcome o = feedWhole(p, frame(Ping, "a", false) + frame(Continuation, "b"));
        QVERIFY(p.hasError());
        QCOMPARE(p.errorCode(), QWebSocketProtocol::CloseCodeProtocolError);
        QCOMPARE(o.messages.size(), 0);
    }

    void emptyCloseMeansNoStatusCode()
    {
        WebSocketFrameParser p;
        const Outcome o = feedWhole(p, frame(Close, ""));
        QVERIFY(!p.hasError());
        QCOMPARE(o.messages.size(), 1);
        QCOMPARE(o.messages[0].kind, Kind::Close);
        QCOMPARE(o.messages[0].closeCode, quint16(QWebSocketProtocol::CloseCodeMissingStatusCode));
    }

    void closeWithOneBytePayloadIsProtocolError()
    {
        WebSocketFrameParser p;
        const Outcome o = feedWhole(p, frame(Close, "\x03"));
        QVERIFY(p.hasError());
        QCOMPARE(p.errorCode(), QWebSocketProtocol::CloseCodeProtocolError);
        QCOMPARE(o.messages.size(), 0);
    }

    void invalidCloseCodesAreProtocolError_data()
    {
        QTest::addColumn<int>("code");
        for (int c : {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535})
            QTest::newRow(qPrintable(QString::number(c))) << c;
    }
    void invalidCloseCodesAreProtocolError()
    {
        QFETCH(int, code);
        WebSocketFrameParser p;
        const Outcome o = feedWhole(p, frame(Close, closePayload(quint16(code), "x")));
        QVERIFY(p.hasError());
        QCOMPARE(p.errorCode(), QWebSocketProtocol::CloseCodeProtocolError);
        QCOMPARE(o.messages.size(), 0);
    }

    void validCloseCodesAreDelivered_data()
    {
        QTest::addColumn<int>("code");
        for (int c : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999})
            QTest::newRow(qPrintable(QString::number(c))) << c;
    }
    void validCloseCodesAreDelivered()
    {
        QFETCH(int, code);
        WebSocketFrameParser p;
        const Outcome o = feedWhole(p, frame(Close, closePayload(quint16(code), "r\xC3\xA9sum\xC3\xA9")));
        QVERIFY(!p.hasError());
        QCOMPARE(o.messages.size(), 1);
        QCOMPARE(o.messages[0].kind, Kind::Close);
        QCOMPARE(o.messages[0].closeCode, quint16(code));
        QCOMPARE(o.messages[0].text, QStringLiteral("r\u00e9sum\u00e9"));
    }

    void closeReasonWithInvalidUtf8IsWrongDatatype()
    {
        WebSocketFrameParser p;
        const Outcome o = feedWhole(p, frame(Close, closePayload(1000, "ok\xED\xA0\x80")));
        QVERIFY(p.hasError());
        QCOMPARE(p.errorCode(), QWebSocketProtocol::CloseCodeWrongDatatype);
        QCOMPARE(o.messages.size(), 0);
    }

    void invalidUtf8TextIsWrongDatatype_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("overlong slash C0 AF") << QByteArray("a\xC0\xAF"
                                                            "b");
        QTest::newRow("overlong 3-byte E0 80 AF") << QByteArray("\xE0\x80\xAF");
        QTest::newRow("overlong 4-byte F0 80 80 AF") << QByteArray("\xF0\x80\x80\xAF");
        QTest::newRow("overlong NUL C0 80") << QByteArray("\xC0\x80", 2);
        QTest::newRow("surrogate ED A0 80") << QByteArray("\xED\xA0\x80");
        QTest::newRow("low surrogate ED BF BF") << QByteArray("\xED\xBF\xBF");
        QTest::newRow("above U+10FFFF F4 90 80 80") << QByteArray("\xF4\x90\x80\x80");
        QTest::newRow("truncated 2-byte at end") << QByteArray("abc\xCE");
        QTest::newRow("truncated 3-byte at end") << QByteArray("\xE2\x82");
        QTest::newRow("truncated 4-byte at end") << QByteArray("\xF0\x9F\x98");
        QTest::newRow("truncated in the middle") << QByteArray("\xE2\x82"
                                                               "abc");
        QTest::newRow("lone continuation 80") << QByteArray("\x80");
        QTest::newRow("FF") << QByteArray("\xFF");
        QTest::newRow("FE") << QByteArray("x\xFE");
        QTest::newRow("5-byte F8") << QByteArray("\xF8\x88\x80\x80\x80");
    }
    void invalidUtf8TextIsWrongDatatype()
    {
        QFETCH(QByteArray, bytes);
        WebSocketFrameParser p;
        const Outcome o = feedWhole(p, frame(Text, bytes));
        QVERIFY(p.hasError());
        QCOMPARE(p.errorCode(), QWebSocketProtocol::CloseCodeWrongDatatype);
        QCOMPARE(o.messages.size(), 0);
    }

    void validUtf8TextIsDeliveredExactly_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("text");
        QTest::newRow("kosme") << QByteArray("\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5")
                               << QStringLiteral("\u03ba\u1f79\u03c3\u03bc\u03b5");
        QTest::newRow("emoji") << QByteArray("\xF0\x9F\x98\x80") << QString::fromUcs4(U"\U0001F600", 1);
        QTest::newRow("U+10FFFF") << QByteArray("\xF4\x8F\xBF\xBF") << QString::fromUcs4(U"\U0010FFFF", 1);
        QTest::newRow("noncharacter U+FFFF") << QByteArray("\xEF\xBF\xBF") << QString(QChar(0xFFFF));
        QTest::newRow("NUL") << QByteArray("a\0b", 3) << QString(QStringLiteral("a") + QChar(0) + QStringLiteral("b"));
        // U+FEFF is an ordinary character in a WebSocket text message: it must survive.
        QTest::newRow("leading U+FEFF") << QByteArray("\xEF\xBB\xBFhi")
                                        << QString(QChar(0xFEFF) + QStringLiteral("hi"));
    }
    void validUtf8TextIsDeliveredExactly()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, text);
        WebSocketFrameParser p;
        const Outcome o = feedWhole(p, frame(Text, bytes));
        QVERIFY2(!p.hasError(), qPrintable(p.errorString()));
        QCOMPARE(o.messages.size(), 1);
        QCOMPARE(o.messages[0].text, text);
    }

    void utf8SplitAcrossFragmentsIsAccepted()
    {
        // Each fragment alone is invalid; the message as a whole is valid.
        WebSocketFrameParser p;
        const Outcome o = feedWhole(p, frame(Text, "a\xF0\x9F", false) + frame(Continuation, "\x98", false)
                                           + frame(Continuation, "\x80"
                                                                 "b"));
        QVERIFY2(!p.hasError(), qPrintable(p.errorString()));
        QCOMPARE(o.messages.size(), 1);
        QCOMPARE(o.messages[0].text, QStringLiteral("a") + QString::fromUcs4(U"\U0001F600", 1) + QStringLiteral("b"));
    }

    void invalidUtf8InFragmentedMessageIsWrongDatatype()
    {
        WebSocketFrameParser p;
        const Outcome o = feedWhole(p, frame(Text, "ok", false) + frame(Continuation, "\xED\xA0", false)
                                           + frame(Continuation, "\x80"));
        QVERIFY(p.hasError());
        QCOMPARE(p.errorCode(), QWebSocketProtocol::CloseCodeWrongDatatype);
        QCOMPARE(o.messages.size(), 0);
    }

    void invalidUtf8InFirstFragmentFailsBeforeTheLast_data()
    {
        QTest::addColumn<QByteArray>("first");
        QTest::newRow("surrogate") << QByteArray("\xCE\xBA\xED\xA0\x80");
        QTest::newRow("above U+10FFFF") << QByteArray("ed\xF4\x90\x80\x80");
        QTest::newRow("overlong") << QByteArray("\xC0\xAF");
        QTest::newRow("impossible byte") << QByteArray("\xFE");
        QTest::newRow("truncated, then ASCII") << QByteArray("\xE2\x82z");
    }

    void invalidUtf8InFirstFragmentFailsBeforeTheLast()
    {
        // Found by the conformance driver (tests/clients/conformance, 6.4.x and
        // 6.24.x): the message never ends, so only a per-fragment check can fail it.
        QFETCH(QByteArray, first);
        WebSocketFrameParser p;
        const Outcome o = feedWhole(p, frame(Text, first, false) + frame(Continuation, "more", false));
        QVERIFY(p.hasError());
        QCOMPARE(p.errorCode(), QWebSocketProtocol::CloseCodeWrongDatatype);
        QCOMPARE(o.messages.size(), 0);
    }

    void validUtf8FragmentsStillAcceptedAfterAFailFastCheck()
    {
        // The per-fragment decoder is per message: a second fragmented message
        // does not inherit the first one's half code point.
        WebSocketFrameParser p;
        const Outcome o = feedWhole(p, frame(Text, "\xF0\x9F", false) + frame(Continuation, "\x98\x80")
                                           + frame(Text, "\xCE", false) + frame(Continuation, "\xBA"));
        QVERIFY2(!p.hasError(), qPrintable(p.errorString()));
        QCOMPARE(o.messages.size(), 2);
        QCOMPARE(o.messages[1].text, QString::fromUtf8("\xCE\xBA"));
    }

    void sinkReturningFalseStopsAfterThatFrame()
    {
        const QByteArray a = frame(Text, "one"), b = frame(Ping, "two"), c = frame(Binary, "three");
        const QByteArray stream = a + b + c;
        WebSocketFrameParser p;
        QList<Message> got;
        qsizetype used = p.feed(stream.constData(), stream.size(), [&](Message &&m) {
            got.append(std::move(m));
            return false;
        });
        QCOMPARE(used, a.size());
        QCOMPARE(got.size(), 1);
        QVERIFY(!p.hasError());
        // The caller may resume with the rest.
        used = p.feed(stream.constData() + a.size(), stream.size() - a.size(), [&](Message &&m) {
            got.append(std::move(m));
            return true;
        });
        QCOMPARE(used, b.size() + c.size());
        QCOMPARE(got.size(), 3);
        QCOMPARE(got[1].kind, Kind::Ping);
        QCOMPARE(got[2].data, QByteArray("three"));
    }

    void sinkReturningFalseOnControlFrameInsideFragments()
    {
        const QByteArray a = frame(Text, "He", false), b = frame(Ping, "p"), c = frame(Continuation, "llo");
        const QByteArray stream = a + b + c;
        WebSocketFrameParser p;
        QList<Message> got;
        const qsizetype used = p.feed(stream.constData(), stream.size(), [&](Message &&m) {
            got.append(std::move(m));
            return false;
        });
        QCOMPARE(used, a.size() + b.size());
        QCOMPARE(got.size(), 1);
        QCOMPARE(p.pendingMessageBytes(), 2);
    }

    void errorStopsParsingAtTheBadFrame()
    {
        const QByteArray good = frame(Text, "fine");
        const QByteArray stream = good + frame(Text, "bad", true, false) + frame(Text, "never");
        WebSocketFrameParser p;
        QList<Message> got;
        const auto sink = [&](Message &&m) {
            got.append(std::move(m));
            return true;
        };
        QCOMPARE(p.feed(stream.constData(), stream.size(), sink), good.size());
        QVERIFY(p.hasError());
        QVERIFY(!p.errorString().isEmpty());
        QCOMPARE(got.size(), 1);
        // An errored parser parses nothing more.
        const QByteArray more = frame(Text, "after");
        QCOMPARE(p.feed(more.constData(), more.size(), sink), 0);
        QCOMPARE(got.size(), 1);
    }
};

QTEST_GUILESS_MAIN(tst_WebSocketFrameParser)
#include "tst_websocketframeparser.moc"
