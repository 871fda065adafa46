// WebSocketHandshake: RFC 6455 4.2 on the server side, without sockets.
#include "http/WebSocketHandshake.h"

#include <QTest>

using namespace switchboard;

namespace {

HttpRequest upgradeRequest(const QList<QPair<QByteArray, QByteArray>> &extra = {},
                           const QByteArray &key = "dGhlIHNhbXBsZSBub25jZQ==", const QByteArray &version = "13")
{
    HttpRequest r;
    r.method = "GET";
    r.target = "/chat";
    r.path = QStringLiteral("/chat");
    r.headers = {{"host", "server.example.com"}, {"upgrade", "websocket"}, {"connection", "Upgrade"}};
    if (!key.isNull()) r.headers.append({"sec-websocket-key", key});
    if (!version.isNull()) r.headers.append({"sec-websocket-version", version});
    r.headers += extra;
    return r;
}

// Header lines of a serialized head, names lower-cased.
QList<QPair<QByteArray, QByteArray>> headLines(const QByteArray &head)
{
    QList<QPair<QByteArray, QByteArray>> out;
    const QList<QByteArray> lines = head.split('\n');
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0) out.append({line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed()});
    }
    return out;
}

QByteArray headerValue(const QList<QPair<QByteArray, QByteArray>> &headers, const QByteArray &name)
{
    for (const auto &h : headers)
        if (h.first == name) return h.second;
    return QByteArray();
}

} // namespace

class tst_WebSocketHandshake : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void acceptKeyMatchesRfcExample()
    {
        // RFC 6455 1.3 / 4.2.2: the sample nonce and its accept value.
        QCOMPARE(WebSocketHandshake::acceptKey("dGhlIHNhbXBsZSBub25jZQ=="), QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
    }

    void acceptKeyIgnoresSurroundingSpaces()
    {
        QCOMPARE(WebSocketHandshake::acceptKey(" dGhlIHNhbXBsZSBub25jZQ== "),
                 QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
    }

    void validRequestPassesCheck() { QVERIFY(!WebSocketHandshake::check(upgradeRequest()).has_value()); }

    void wrongOrMissingVersionIs426WithVersion13_data()
    {
        QTest::addColumn<QByteArray>("version");
        QTest::newRow("12") << QByteArray("12");
        QTest::newRow("8") << QByteArray("8");
        QTest::newRow("14") << QByteArray("14");
        QTest::newRow("empty") << QByteArray("");
        QTest::newRow("missing") << QByteArray();
    }
    void wrongOrMissingVersionIs426WithVersion13()
    {
        QFETCH(QByteArray, version);
        const std::optional<HttpResponse> r = WebSocketHandshake::check(
            upgradeRequest({}, "dGhlIHNhbXBsZSBub25jZQ==", version));
        QVERIFY(r.has_value());
        const QByteArray head = r->serialize(false);
        QVERIFY2(head.startsWith("HTTP/1.1 426"), head.constData());
        QCOMPARE(headerValue(headLines(head.left(head.indexOf("\r\n\r\n"))), "sec-websocket-version"),
                 QByteArray("13"));
    }

    void badKeyIs400_data()
    {
        QTest::addColumn<QByteArray>("key");
        QTest::newRow("missing") << QByteArray();
        QTest::newRow("empty") << QByteArray("");
        QTest::newRow("not base64") << QByteArray("not a key at all!!!!!!==");
        QTest::newRow("15 bytes") << QByteArray("AAAAAAAAAAAAAAAAAAAA"); // 15 bytes decoded
        QTest::newRow("17 bytes") << QByteArray("AAAAAAAAAAAAAAAAAAAAAAA=");
    }
    void badKeyIs400()
    {
        QFETCH(QByteArray, key);
        const std::optional<HttpResponse> r = WebSocketHandshake::check(upgradeRequest({}, key));
        QVERIFY(r.has_value());
        QVERIFY2(r->serialize(false).startsWith("HTTP/1.1 400"), r->serialize(false).constData());
    }

    void versionWithSpacesIsAccepted()
    {
        QVERIFY(!WebSocketHandshake::check(upgradeRequest({}, " dGhlIHNhbXBsZSBub25jZQ== ", " 13 ")).has_value());
    }

    void responseIs101WithAcceptKey()
    {
        const QByteArray head = WebSocketHandshake::response(upgradeRequest(), {"phoenix"});
        QVERIFY(head.startsWith("HTTP/1.1 101 Switching Protocols\r\n"));
        QVERIFY(head.endsWith("\r\n\r\n"));
        QCOMPARE(head.count("\r\n\r\n"), 1);
        const auto headers = headLines(head);
        QCOMPARE(headerValue(headers, "upgrade").toLower(), QByteArray("websocket"));
        QCOMPARE(headerValue(headers, "connection").toLower(), QByteArray("upgrade"));
        QCOMPARE(headerValue(headers, "sec-websocket-accept"), QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
        QVERIFY(!head.toLower().contains("sec-websocket-protocol")); // none offered
    }

    void subprotocolChoice_data()
    {
        QTest::addColumn<QList<QByteArray>>("offered"); // one entry per header line
        QTest::addColumn<QByteArrayList>("supported");
        QTest::addColumn<QByteArray>("chosen");
        QTest::newRow("none offered") << QList<QByteArray>{} << QByteArrayList{"phoenix"} << QByteArray();
        QTest::newRow("only ours") << QList<QByteArray>{"phoenix"} << QByteArrayList{"phoenix"}
                                   << QByteArray("phoenix");
        QTest::newRow("among others, spaces")
            << QList<QByteArray>{"token.abc ,  phoenix , chat"} << QByteArrayList{"phoenix"} << QByteArray("phoenix");
        QTest::newRow("no spaces") << QList<QByteArray>{"a,phoenix,b"} << QByteArrayList{"phoenix"}
                                   << QByteArray("phoenix");
        QTest::newRow("in a repeated header")
            << QList<QByteArray>{"token.abc", " phoenix "} << QByteArrayList{"phoenix"} << QByteArray("phoenix");
        QTest::newRow("not offered") << QList<QByteArray>{"chat, superchat"} << QByteArrayList{"phoenix"}
                                     << QByteArray();
        QTest::newRow("prefix is not a match")
            << QList<QByteArray>{"phoenix2, xphoenix"} << QByteArrayList{"phoenix"} << QByteArray();
        QTest::newRow("client order wins") << QList<QByteArray>{"b, a"} << QByteArrayList{"a", "b"} << QByteArray("b");
        QTest::newRow("nothing supported") << QList<QByteArray>{"phoenix"} << QByteArrayList{} << QByteArray();
    }
    void subprotocolChoice()
    {
        QFETCH(QList<QByteArray>, offered);
        QFETCH(QByteArrayList, supported);
        QFETCH(QByteArray, chosen);
        QList<QPair<QByteArray, QByteArray>> extra;
        for (const QByteArray &line : offered) extra.append({"sec-websocket-protocol", line});
        const HttpRequest req = upgradeRequest(extra);
        QCOMPARE(WebSocketHandshake::chooseSubprotocol(req, supported), chosen);
        const QByteArray head = WebSocketHandshake::response(req, supported);
        QCOMPARE(headerValue(headLines(head), "sec-websocket-protocol"), chosen);
        QCOMPARE(head.toLower().count("sec-websocket-protocol"), chosen.isEmpty() ? 0 : 1);
    }
};

QTEST_GUILESS_MAIN(tst_WebSocketHandshake)
#include "tst_websockethandshake.moc"
