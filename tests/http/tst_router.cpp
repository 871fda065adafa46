// Route matching (pure) and dispatch (404, 405, OPTIONS) through a real
// HttpServer, since a response is only observable on the wire.

#include "http/HttpServer.h"
#include "HttpTestClient.h"
#include "core/Metrics.h"
#include "http/Router.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace switchboard;

class RouterTest : public QObject
{
    Q_OBJECT

    std::unique_ptr<HttpServer> m_server;
    quint16 m_port = 0;
    QStringList m_calls; // "<handler>:<params joined by ,>"

    void route(const QByteArray &method, const QString &pattern, const QString &name)
    {
        m_server->router().add(method, pattern,
                               [this, name](const HttpRequest &req, const Router::Params &p, HttpResponder res) {
            m_calls.append(name + QLatin1Char(':') + p.join(QLatin1Char(',')));
            res.respond(
                HttpResponse::json(200, QJsonObject{{"handler", name}, {"method", QString::fromLatin1(req.method)}}));
        });
    }

    std::optional<RawResponse> request(const QByteArray &method, const QByteArray &path,
                                       const QByteArray &headers = QByteArray())
    {
        HttpTestClient client;
        if (!client.connectTo(m_port)) return std::nullopt;
        client.send(method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "\r\n");
        return client.next(5000, method == "HEAD");
    }

    static QString handlerOf(const RawResponse &r)
    {
        return QJsonDocument::fromJson(r.body).object().value(QLatin1String("handler")).toString();
    }

    static QString errorCodeOf(const RawResponse &r)
    {
        return QJsonDocument::fromJson(r.body)
            .object()
            .value(QLatin1String("error"))
            .toObject()
            .value(QLatin1String("code"))
            .toString();
    }

private Q_SLOTS:
    void init()
    {
        m_server = std::make_unique<HttpServer>();
        route("GET", QStringLiteral("/api/v1/channels"), QStringLiteral("list"));
        route("POST", QStringLiteral("/api/v1/channels"), QStringLiteral("create"));
        route("GET", QStringLiteral("/api/v1/channels/{id}"), QStringLiteral("get"));
        route("DELETE", QStringLiteral("/api/v1/channels/{id}/members/{user_id}"), QStringLiteral("kick"));
        route("GET", QStringLiteral("/static/*"), QStringLiteral("static"));
        route("GET", QStringLiteral("/slash/"), QStringLiteral("slash"));
        QString error;
        QVERIFY2(m_server->listen({{QHostAddress(QHostAddress::LocalHost), 0}}, &error), qPrintable(error));
        m_port = m_server->serverPorts().value(0);
        QVERIFY(m_port != 0);
        m_calls.clear();
    }

    void cleanup() { m_server.reset(); }

    // ---- matching ------------------------------------------------------------

    void placeholdersAreCapturedInOrder()
    {
        Router::Params p;
        QVERIFY(Router::match(QStringLiteral("/api/v1/channels/{id}/members/{user_id}"),
                              QStringLiteral("/api/v1/channels/c-1/members/u-2"), &p));
        QCOMPARE(p, QStringList({"c-1", "u-2"}));
        QVERIFY(Router::match(QStringLiteral("/a/b"), QStringLiteral("/a/b"), &p));
        QCOMPARE(p, QStringList());
    }

    void matchIsSegmentBySegment_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("matches");
        QTest::newRow("exact") << "/api/v1/channels"
                               << "/api/v1/channels" << true;
        QTest::newRow("longer path") << "/api/v1/channels"
                                     << "/api/v1/channels/x" << false;
        QTest::newRow("shorter path") << "/api/v1/channels/{id}"
                                      << "/api/v1/channels" << false;
        QTest::newRow("empty placeholder") << "/api/v1/channels/{id}"
                                           << "/api/v1/channels/" << false;
        QTest::newRow("case matters") << "/api/v1/channels"
                                      << "/API/v1/channels" << false;
        QTest::newRow("trailing slash on path") << "/api/v1/channels"
                                                << "/api/v1/channels/" << false;
        QTest::newRow("trailing slash on both") << "/slash/"
                                                << "/slash/" << true;
        QTest::newRow("trailing slash only on pattern") << "/slash/"
                                                        << "/slash" << false;
        QTest::newRow("double slash") << "/a/b"
                                      << "/a//b" << false;
        QTest::newRow("prefix deep") << "/static/*"
                                     << "/static/css/site.css" << true;
        QTest::newRow("prefix with slash") << "/static/*"
                                           << "/static/" << true;
        QTest::newRow("prefix itself") << "/static/*"
                                       << "/static" << true;
        QTest::newRow("prefix lookalike") << "/static/*"
                                          << "/staticfile" << false;
        QTest::newRow("prefix elsewhere") << "/static/*"
                                          << "/other/static/x" << false;
    }

    void matchIsSegmentBySegment()
    {
        QFETCH(QString, pattern);
        QFETCH(QString, path);
        QFETCH(bool, matches);
        QCOMPARE(Router::match(pattern, path, nullptr), matches);
    }

    void webSocketRoutesAreFoundByPath()
    {
        Router r;
        r.addWebSocket(QStringLiteral("/ws"), {});
        r.addWebSocket(QStringLiteral("/ws/{workspace}"), {});
        HttpRequest req;
        Router::Params p;
        req.path = QStringLiteral("/ws/w-9");
        QVERIFY(r.webSocketRoute(req, &p));
        QCOMPARE(p, QStringList{QStringLiteral("w-9")});
        req.path = QStringLiteral("/ws");
        QVERIFY(r.webSocketRoute(req, &p));
        req.path = QStringLiteral("/socket");
        QVERIFY(!r.webSocketRoute(req, &p));
    }

    // ---- dispatch --------------------------------------------------------------

    void methodAndPathSelectTheHandler()
    {
        auto r = request("GET", "/api/v1/channels");
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(handlerOf(*r), QStringLiteral("list"));
        r = request("POST", "/api/v1/channels", "Content-Length: 0\r\n");
        QVERIFY(r);
        QCOMPARE(handlerOf(*r), QStringLiteral("create"));
        r = request("DELETE", "/api/v1/channels/c1/members/u2");
        QVERIFY(r);
        QCOMPARE(handlerOf(*r), QStringLiteral("kick"));
        QCOMPARE(m_calls, QStringList({"list:", "create:", "kick:c1,u2"}));
    }

    void unknownPathIs404()
    {
        const auto r = request("GET", "/api/v1/nothing-here");
        QVERIFY(r);
        QCOMPARE(r->status, 404);
        QCOMPARE(errorCodeOf(*r), QStringLiteral("not_found"));
        QVERIFY(m_calls.isEmpty());
    }

    void knownPathWithWrongMethodIs405WithAllow()
    {
        const auto r = request("PUT", "/api/v1/channels", "Content-Length: 0\r\n");
        QVERIFY(r);
        QCOMPARE(r->status, 405);
        QCOMPARE(errorCodeOf(*r), QStringLiteral("method_not_allowed"));
        QCOMPARE(r->header("allow"), QByteArray("GET, POST"));
        QVERIFY(m_calls.isEmpty());
    }

    void headIsServedByTheGetRoute()
    {
        const auto r = request("HEAD", "/api/v1/channels/c7");
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(m_calls, QStringList{QStringLiteral("get:c7")});
    }

    void optionsGetsADefaultCorsPreflight()
    {
        m_server->router().setOriginPolicy(OriginPolicy({QStringLiteral("http://app.example.test")}));
        const auto r = request("OPTIONS", "/api/v1/channels", "Origin: http://app.example.test\r\n");
        QVERIFY(r);
        QCOMPARE(r->status, 204);
        QCOMPARE(r->header("allow"), QByteArray("GET, POST"));
        QCOMPARE(r->header("access-control-allow-methods"), QByteArray("GET, POST"));
        QCOMPARE(r->header("access-control-allow-origin"), QByteArray("http://app.example.test"));
        QCOMPARE(r->header("access-control-allow-credentials"), QByteArray("true"));
        QCOMPARE(r->header("vary"), QByteArray("Origin"));
        QVERIFY(r->header("access-control-allow-headers").contains("Authorization"));
        QVERIFY(m_calls.isEmpty());
        // An origin not on the list: 403 in the error shape, nothing echoed.
        const auto refused = request("OPTIONS", "/api/v1/channels", "Origin: http://evil.example.test\r\n");
        QVERIFY(refused);
        QCOMPARE(refused->status, 403);
        QCOMPARE(errorCodeOf(*refused), QStringLiteral("origin_not_allowed"));
        QVERIFY(refused->header("access-control-allow-origin").isEmpty());
        // Plain answers carry the echo for an allowed origin only.
        const auto ok = request("GET", "/api/v1/channels", "Origin: http://app.example.test\r\n");
        QVERIFY(ok);
        QCOMPARE(ok->header("access-control-allow-origin"), QByteArray("http://app.example.test"));
        const auto other = request("GET", "/api/v1/channels", "Origin: http://evil.example.test\r\n");
        QVERIFY(other);
        QCOMPARE(other->status, 200);
        QVERIFY(other->header("access-control-allow-origin").isEmpty());
        QCOMPARE(other->header("vary"), QByteArray("Origin"));
        const auto unknown = request("OPTIONS", "/nowhere");
        QVERIFY(unknown);
        QCOMPARE(unknown->status, 404);
    }

    void prefixRouteServesEverythingBelow()
    {
        for (const QByteArray &path : {QByteArray("/static/app.js"), QByteArray("/static/"), QByteArray("/static")}) {
            const auto r = request("GET", path);
            QVERIFY(r);
            QCOMPARE(r->status, 200);
            QCOMPARE(handlerOf(*r), QStringLiteral("static"));
        }
        const auto r = request("GET", "/staticx");
        QVERIFY(r);
        QCOMPARE(r->status, 404);
    }

    void trailingSlashFallsBackToThePathWithoutIt()
    {
        // As currently behaving: an unmatched path ending in '/' is retried without
        // it (seed 004 writes "/api/v1/messages/"); no slash is ever added.
        const quint64 counted = Metrics::instance().httpRequests;
        auto r = request("GET", "/api/v1/channels/");
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(handlerOf(*r), QStringLiteral("list"));
        QCOMPARE(Metrics::instance().httpRequests, counted + 1); // one request, counted once
        r = request("POST", "/api/v1/channels/", "Content-Length: 0\r\n");
        QVERIFY(r);
        QCOMPARE(handlerOf(*r), QStringLiteral("create"));
        r = request("PUT", "/api/v1/channels/", "Content-Length: 0\r\n");
        QVERIFY(r);
        QCOMPARE(r->status, 405);
        r = request("GET", "/api/v1/channels/c3/");
        QVERIFY(r);
        QCOMPARE(m_calls.last(), QStringLiteral("get:c3"));
        r = request("GET", "/slash");
        QVERIFY(r);
        QCOMPARE(r->status, 404);
        r = request("GET", "/slash/");
        QVERIFY(r);
        QCOMPARE(handlerOf(*r), QStringLiteral("slash"));
        r = request("GET", "/nothing/");
        QVERIFY(r);
        QCOMPARE(r->status, 404);
    }

    void queryStringDoesNotAffectMatching()
    {
        const auto r = request("GET", "/api/v1/channels/c9?limit=5&before=x");
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(m_calls, QStringList{QStringLiteral("get:c9")});
    }
};

QTEST_GUILESS_MAIN(RouterTest)
#include "tst_router.moc"
