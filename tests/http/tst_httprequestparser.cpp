// The request-head parser on its own: bytes in, outcome and HttpRequest out.

#include "http/HttpRequestParser.h"

#include <QTest>

using namespace switchboard;

using State = HttpRequestParser::State;

class HttpRequestParserTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void validHeadIsParsed()
    {
        const QByteArray head = "GET /api/v1/caf%C3%A9?a=1&b=two%20words&token=t0k HTTP/1.1\r\n"
                                "Host: 127.0.0.1:8000\r\n"
                                "X-Custom:   spaced value  \r\n"
                                "AUTHORIZATION: Bearer abc.def\r\n"
                                "\r\n";
        HttpRequest req;
        const auto o = HttpRequestParser::parseHead(head, &req);
        QCOMPARE(o.state, State::Complete);
        QCOMPARE(o.headBytes, head.size());
        QCOMPARE(o.contentLength, qint64(0));
        QCOMPARE(req.method, QByteArray("GET"));
        QCOMPARE(req.target, QByteArray("/api/v1/caf%C3%A9?a=1&b=two%20words&token=t0k"));
        QCOMPARE(req.path, QStringLiteral("/api/v1/café"));
        QCOMPARE(req.queryValue(QStringLiteral("a")), QStringLiteral("1"));
        QCOMPARE(req.queryValue(QStringLiteral("b")), QStringLiteral("two words"));
        QCOMPARE(req.header("host"), QByteArray("127.0.0.1:8000"));
        QCOMPARE(req.header("x-custom"), QByteArray("spaced value"));
        QCOMPARE(req.header("authorization"), QByteArray("Bearer abc.def")); // names are lower-cased
        QCOMPARE(req.bearerToken(), QByteArray("abc.def"));
        QVERIFY(req.keepAlive());
        QVERIFY(!req.isWebSocketUpgrade());
    }

    void everyProperPrefixNeedsMore()
    {
        const QByteArray head = "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n";
        for (qsizetype n = 0; n < head.size(); ++n) {
            HttpRequest req;
            const auto o = HttpRequestParser::parseHead(head.left(n), &req);
            QVERIFY2(o.state == State::NeedMore, qPrintable(QStringLiteral("prefix of %1 bytes").arg(n)));
        }
        HttpRequest req;
        QCOMPARE(HttpRequestParser::parseHead(head, &req).state, State::Complete);
    }

    void headBytesStopBeforeTheBody()
    {
        const QByteArray head = "POST /upload HTTP/1.1\r\nContent-Length: 11\r\n\r\n";
        HttpRequest req;
        const auto o = HttpRequestParser::parseHead(head + "hello world" + "GET / HTTP/1.1\r\n", &req);
        QCOMPARE(o.state, State::Complete);
        QCOMPARE(o.headBytes, head.size());
        QCOMPARE(o.contentLength, qint64(11));
        QVERIFY(req.body.isEmpty()); // the body is the connection's business
    }

    void contentLength_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<qint64>("length");
        QTest::newRow("zero") << QByteArray("0") << true << qint64(0);
        QTest::newRow("plain") << QByteArray("1024") << true << qint64(1024);
        QTest::newRow("padded") << QByteArray("  7  ") << true << qint64(7);
        QTest::newRow("large") << QByteArray("10737418240") << true << qint64(10737418240);
        QTest::newRow("negative") << QByteArray("-1") << false << qint64(0);
        QTest::newRow("word") << QByteArray("ten") << false << qint64(0);
        QTest::newRow("trailing junk") << QByteArray("12abc") << false << qint64(0);
        QTest::newRow("list") << QByteArray("5, 5") << false << qint64(0);
    }

    void contentLength()
    {
        QFETCH(QByteArray, value);
        QFETCH(bool, valid);
        QFETCH(qint64, length);
        HttpRequest req;
        const auto o = HttpRequestParser::parseHead("POST /x HTTP/1.1\r\nContent-Length: " + value + "\r\n\r\n", &req);
        if (valid) {
            QCOMPARE(o.state, State::Complete);
            QCOMPARE(o.contentLength, length);
        } else {
            QCOMPARE(o.state, State::Error);
            QCOMPARE(o.errorStatus, 400);
        }
    }

    void chunkedBodyIsFlagged()
    {
        HttpRequest req;
        const auto o = HttpRequestParser::parseHead("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", &req);
        QCOMPARE(o.state, State::Complete);
        QVERIFY(o.chunked);
        QCOMPARE(o.contentLength, qint64(0));
    }

    // Cases in the spirit of llhttp's test/request/*.md and of what nginx
    // answers: the status each request gets (0: accepted).
    void hardening_data()
    {
        QTest::addColumn<QByteArray>("head");
        QTest::addColumn<int>("status");
        const QByteArray post = "POST /x HTTP/1.1\r\nHost: a\r\n";
        QTest::newRow("CL and TE") << post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n" << 400;
        QTest::newRow("TE and CL") << post + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n" << 400;
        QTest::newRow("duplicate CL, equal") << post + "Content-Length: 5\r\nContent-Length: 5\r\n\r\n" << 400;
        QTest::newRow("duplicate CL, different") << post + "Content-Length: 5\r\nContent-Length: 6\r\n\r\n" << 400;
        QTest::newRow("CL overflowing int64") << post + "Content-Length: 99999999999999999999\r\n\r\n" << 400;
        QTest::newRow("CL with plus sign") << post + "Content-Length: +5\r\n\r\n" << 400;
        QTest::newRow("CL hex") << post + "Content-Length: 0x5\r\n\r\n" << 400;
        QTest::newRow("CL empty") << post + "Content-Length:\r\n\r\n" << 400;
        QTest::newRow("space before colon") << post + "Content-Length : 5\r\n\r\n" << 400;
        QTest::newRow("chunked not last") << post + "Transfer-Encoding: chunked, gzip\r\n\r\n" << 400;
        QTest::newRow("chunked twice") << post + "Transfer-Encoding: chunked, chunked\r\n\r\n" << 400;
        QTest::newRow("chunked in two headers, not last")
            << post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n"
            << 400;
        QTest::newRow("gzip then chunked") << post + "Transfer-Encoding: gzip, chunked\r\n\r\n" << 501;
        QTest::newRow("unknown coding only") << post + "Transfer-Encoding: identity\r\n\r\n" << 400;
        QTest::newRow("TE chunked upper-case") << post + "Transfer-Encoding: CHUNKED\r\n\r\n" << 0;
        QTest::newRow("HTTP/1.0 with TE")
            << QByteArray("POST /x HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n") << 400;
        QTest::newRow("obs-fold") << QByteArray("GET / HTTP/1.1\r\nX-A: one\r\n two\r\n\r\n") << 400;
        QTest::newRow("obs-fold with tab") << QByteArray("GET / HTTP/1.1\r\nX-A: one\r\n\ttwo\r\n\r\n") << 400;
        QTest::newRow("bare CR in a header") << QByteArray("GET / HTTP/1.1\r\nX-A: one\rX-B: two\r\n\r\n") << 400;
        QTest::newRow("bare CR in the request line") << QByteArray("GET /\r HTTP/1.1\r\n\r\n") << 400;
        QTest::newRow("bare LF line endings") << QByteArray("GET / HTTP/1.1\nHost: a\nX-A: b\n\n") << 0;
        QTest::newRow("mixed line endings") << QByteArray("GET / HTTP/1.1\r\nHost: a\n\r\n") << 0;
        QTest::newRow("NUL in a header value") << QByteArray("GET / HTTP/1.1\r\nX-A: a") + '\0' + "b\r\n\r\n" << 400;
        QTest::newRow("escape in a header value") << QByteArray("GET / HTTP/1.1\r\nX-A: a\x1b[31m\r\n\r\n") << 400;
        QTest::newRow("DEL in a header value") << QByteArray("GET / HTTP/1.1\r\nX-A: a\x7f\r\n\r\n") << 400;
        QTest::newRow("tab in a header value") << QByteArray("GET / HTTP/1.1\r\nX-A: a\tb\r\n\r\n") << 0;
        QTest::newRow("obs-text in a header value") << QByteArray("GET / HTTP/1.1\r\nX-A: caf\xc3\xa9\r\n\r\n") << 0;
        QTest::newRow("space in a header name") << QByteArray("GET / HTTP/1.1\r\nX A: b\r\n\r\n") << 400;
        QTest::newRow("control in the target") << QByteArray("GET /a\x01"
                                                             "b HTTP/1.1\r\n\r\n")
                                               << 400;
        QTest::newRow("HTTP/2.0") << QByteArray("GET / HTTP/2.0\r\n\r\n") << 505;
        QTest::newRow("HTTP/1.10") << QByteArray("GET / HTTP/1.10\r\n\r\n") << 400;
        QTest::newRow("HTTP/1") << QByteArray("GET / HTTP/1\r\n\r\n") << 400;
        QTest::newRow("lower-case version") << QByteArray("GET / http/1.1\r\n\r\n") << 400;
        QTest::newRow("HTTP/1.0") << QByteArray("GET / HTTP/1.0\r\n\r\n") << 0;
        QTest::newRow("method with a dash") << QByteArray("GE-T / HTTP/1.1\r\n\r\n") << 400;
        QTest::newRow("one leading empty line") << QByteArray("\r\nGET / HTTP/1.1\r\n\r\n") << 0;
        QTest::newRow("two leading empty lines") << QByteArray("\r\n\r\nGET / HTTP/1.1\r\n\r\n") << 400;
        QTest::newRow("request line too long")
            << "GET /" + QByteArray(HttpRequestParser::MaxRequestLineBytes, 'a') + " HTTP/1.1\r\n\r\n"
            << 414;
        QTest::newRow("request line too long, unterminated")
            << "GET /" + QByteArray(HttpRequestParser::MaxRequestLineBytes, 'a') << 414;
        QByteArray many = "GET / HTTP/1.1\r\n";
        for (int i = 0; i <= HttpRequestParser::MaxHeaderCount; ++i) many += "X-" + QByteArray::number(i) + ": v\r\n";
        QTest::newRow("too many headers") << many + "\r\n" << 431;
        QTest::newRow("GET with a body") << QByteArray("GET / HTTP/1.1\r\nContent-Length: 3\r\n\r\n") << 0;
    }

    void hardening()
    {
        QFETCH(QByteArray, head);
        QFETCH(int, status);
        HttpRequest req;
        const auto o = HttpRequestParser::parseHead(head, &req);
        if (status == 0) {
            QCOMPARE(o.state, State::Complete);
            QCOMPARE(o.headBytes, head.size());
        } else {
            QCOMPARE(o.state, State::Error);
            QCOMPARE(o.errorStatus, status);
            QVERIFY(!o.error.isEmpty());
        }
    }

    void http10ClosesUnlessAskedToKeepAlive()
    {
        HttpRequest req;
        HttpRequestParser::parseHead("GET / HTTP/1.0\r\n\r\n", &req);
        QCOMPARE(req.version, QByteArray("HTTP/1.0"));
        QVERIFY(!req.keepAlive());
        HttpRequestParser::parseHead("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", &req);
        QVERIFY(req.keepAlive());
    }

    void bareLfHeadEndsAtTheBlankLine()
    {
        HttpRequest req;
        const QByteArray head = "POST /x HTTP/1.1\nContent-Length: 2\n\n";
        const auto o = HttpRequestParser::parseHead(head + "okGET / HTTP/1.1\n\n", &req);
        QCOMPARE(o.state, State::Complete);
        QCOMPARE(o.headBytes, head.size());
        QCOMPARE(o.contentLength, qint64(2));
    }

    void unterminatedHeadOverTheLimitIs431()
    {
        const QByteArray head = "GET / HTTP/1.1\r\nX-Big: " + QByteArray(HttpRequestParser::MaxHeadBytes, 'a');
        HttpRequest req;
        const auto o = HttpRequestParser::parseHead(head, &req);
        QCOMPARE(o.state, State::Error);
        QCOMPARE(o.errorStatus, 431);
    }

    void completeHeadOverTheLimitIs431()
    {
        const QByteArray head = "GET / HTTP/1.1\r\nX-Big: " + QByteArray(HttpRequestParser::MaxHeadBytes, 'a')
                              + "\r\n\r\n";
        HttpRequest req;
        const auto o = HttpRequestParser::parseHead(head, &req);
        QCOMPARE(o.state, State::Error);
        QCOMPARE(o.errorStatus, 431);
    }

    void headExactlyAtTheLimitIsAccepted()
    {
        const QByteArray start = "GET / HTTP/1.1\r\nX-Fill: ";
        const QByteArray end = "\r\n\r\n";
        const QByteArray head = start + QByteArray(HttpRequestParser::MaxHeadBytes - start.size() - end.size(), 'f')
                              + end;
        QCOMPARE(head.size(), qsizetype(HttpRequestParser::MaxHeadBytes));
        HttpRequest req;
        QCOMPARE(HttpRequestParser::parseHead(head, &req).state, State::Complete);
        QCOMPARE(HttpRequestParser::parseHead(head.left(head.size() - 4) + "f" + end, &req).errorStatus, 431);
    }

    void malformedHeadsAre400_data()
    {
        QTest::addColumn<QByteArray>("head");
        QTest::newRow("two parts") << QByteArray("GET /\r\n\r\n");
        QTest::newRow("four parts") << QByteArray("GET / x HTTP/1.1\r\n\r\n");
        QTest::newRow("empty request line") << QByteArray("\r\n\r\n");
        QTest::newRow("not http") << QByteArray("GET / FTP/1.0\r\n\r\n");
        QTest::newRow("http 2 preface") << QByteArray("PRI * HTTP/2.0\r\n\r\n");
        QTest::newRow("lower-case method") << QByteArray("get / HTTP/1.1\r\n\r\n");
        QTest::newRow("method with digit") << QByteArray("G3T / HTTP/1.1\r\n\r\n");
        QTest::newRow("relative target") << QByteArray("GET index.html HTTP/1.1\r\n\r\n");
        QTest::newRow("absolute-form target") << QByteArray("GET http://example.test/ HTTP/1.1\r\n\r\n");
        QTest::newRow("double space") << QByteArray("GET  / HTTP/1.1\r\n\r\n");
        QTest::newRow("header without colon") << QByteArray("GET / HTTP/1.1\r\nHost example\r\n\r\n");
        QTest::newRow("header without name") << QByteArray("GET / HTTP/1.1\r\n: value\r\n\r\n");
        QTest::newRow("binary garbage") << QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 15);
    }

    void malformedHeadsAre400()
    {
        QFETCH(QByteArray, head);
        HttpRequest req;
        const auto o = HttpRequestParser::parseHead(head, &req);
        QCOMPARE(o.state, State::Error);
        QCOMPARE(o.errorStatus, 400);
        QVERIFY(!o.error.isEmpty());
    }

    void connectionHeaderDecidesKeepAlive()
    {
        HttpRequest req;
        HttpRequestParser::parseHead("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n", &req);
        QVERIFY(!req.keepAlive());
        HttpRequestParser::parseHead("GET / HTTP/1.1\r\nConnection: keep-alive\r\n\r\n", &req);
        QVERIFY(req.keepAlive());
    }

    void webSocketUpgradeIsRecognised()
    {
        HttpRequest req;
        HttpRequestParser::
            parseHead("GET /ws?token=x HTTP/1.1\r\nUpgrade: WebSocket\r\nConnection: keep-alive, Upgrade\r\n"
                      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
                      &req);
        QVERIFY(req.isWebSocketUpgrade());
        HttpRequestParser::parseHead("POST /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", &req);
        QVERIFY(!req.isWebSocketUpgrade());
        HttpRequestParser::parseHead("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\n", &req);
        QVERIFY(!req.isWebSocketUpgrade());
    }

    void tokenComesFromHeaderThenQueryNeverCookie()
    {
        HttpRequest req;
        HttpRequestParser::parseHead("GET /x?token=from-query HTTP/1.1\r\nAuthorization: Bearer from-header\r\n"
                                     "Cookie: a=1; token=from%20cookie\r\n\r\n",
                                     &req);
        QCOMPARE(req.bearerToken(), QByteArray("from-header"));
        HttpRequestParser::parseHead("GET /x?token=from-query HTTP/1.1\r\nCookie: token=from%20cookie\r\n\r\n", &req);
        QCOMPARE(req.bearerToken(), QByteArray("from-query"));
        HttpRequestParser::parseHead("GET /x HTTP/1.1\r\nCookie: a=1; token=from%20cookie; b=2\r\n\r\n", &req);
        QCOMPARE(req.bearerToken(), QByteArray()); // only Socket.IO /chat reads the cookie, itself
        QCOMPARE(req.cookie(QStringLiteral("token")), QStringLiteral("from cookie"));
        QCOMPARE(req.cookie(QStringLiteral("b")), QStringLiteral("2"));
        HttpRequestParser::parseHead("GET /x HTTP/1.1\r\nAuthorization: Basic dTpw\r\n\r\n", &req);
        QCOMPARE(req.bearerToken(), QByteArray());
    }

    void reusedRequestDoesNotKeepOldHeaders()
    {
        HttpRequest req;
        HttpRequestParser::parseHead("GET /a HTTP/1.1\r\nX-Old: 1\r\n\r\n", &req);
        HttpRequestParser::parseHead("GET /b HTTP/1.1\r\nX-New: 2\r\n\r\n", &req);
        QCOMPARE(req.header("x-old"), QByteArray());
        QCOMPARE(req.header("x-new"), QByteArray("2"));
        QCOMPARE(req.path, QStringLiteral("/b"));
    }
};

QTEST_APPLESS_MAIN(HttpRequestParserTest)
#include "tst_httprequestparser.moc"
