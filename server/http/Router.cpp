#include "Router.h"

#include "core/Metrics.h"

namespace switchboard {

bool Router::match(const QString &pattern, const QString &path, Params *params)
{
    // A pattern ending in "/*" matches the prefix and anything below it.
    if (pattern.endsWith(QLatin1String("/*"))) {
        const QString prefix = pattern.chopped(1);
        return path.startsWith(prefix) || path == prefix.chopped(1);
    }
    const QList<QStringView> p = QStringView(pattern).split(QLatin1Char('/'));
    const QList<QStringView> s = QStringView(path).split(QLatin1Char('/'));
    if (p.size() != s.size()) return false;
    Params out;
    for (int i = 0; i < p.size(); ++i) {
        if (p[i].startsWith(QLatin1Char('{')) && p[i].endsWith(QLatin1Char('}'))) {
            if (s[i].isEmpty()) return false;
            out.append(s[i].toString());
        } else if (p[i] != s[i]) {
            return false;
        }
    }
    if (params) *params = out;
    return true;
}

void Router::add(const QByteArray &method, const QString &pattern, Handler handler)
{
    m_routes.append({method, pattern, std::move(handler)});
}

void Router::addWebSocket(const QString &pattern, WebSocketRoute route)
{
    m_ws.append({pattern, std::move(route)});
}

void Router::dispatch(const HttpRequest &req, HttpResponder responder) const
{
    ++Metrics::instance().httpRequests;
    const QByteArray origin = req.header("origin");
    const bool originAllowed = m_origins.allows(origin, req.header("host"));
    if (!origin.isEmpty()) {
        responder.addDefaultHeader("Vary", "Origin");
        if (originAllowed) {
            responder.addDefaultHeader("Access-Control-Allow-Origin", origin);
            responder.addDefaultHeader("Access-Control-Allow-Credentials", "true");
        }
    }
    bool pathMatched = false;
    QByteArrayList allowed;
    for (const Route &r : m_routes) {
        Params params;
        if (!match(r.pattern, req.path, &params)) continue;
        pathMatched = true;
        if (r.method == req.method || (req.method == "HEAD" && r.method == "GET")) {
            r.handler(req, params, responder);
            return;
        }
        allowed.append(r.method);
    }
    if (pathMatched && req.method == "OPTIONS") {
        // CORS preflight for routes that do not answer OPTIONS themselves;
        // a browser page from an origin not on the list is told no outright.
        if (!origin.isEmpty() && !originAllowed)
            return responder.respond(HttpResponse::error(403, QStringLiteral("origin_not_allowed"),
                                                         QStringLiteral("this origin may not call the API")));
        HttpResponse res = HttpResponse::noContent();
        res.setHeader("Allow", allowed.join(", "));
        res.setHeader("Access-Control-Allow-Methods", allowed.join(", "));
        res.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type");
        res.setHeader("Access-Control-Max-Age", "600");
        responder.respond(res);
        return;
    }
    if (!pathMatched && req.path.size() > 1 && req.path.endsWith(QLatin1Char('/'))) {
        // "/api/v1/messages/" is "/api/v1/messages" (seed 004 writes the slash).
        HttpRequest trimmed = req;
        trimmed.path.chop(1);
        --Metrics::instance().httpRequests;
        return dispatch(trimmed, responder);
    }
    if (pathMatched) {
        HttpResponse res =
            HttpResponse::error(405, QStringLiteral("method_not_allowed"),
                                QStringLiteral("method %1 not allowed here").arg(QString::fromLatin1(req.method)));
        res.setHeader("Allow", allowed.join(", "));
        responder.respond(res);
        return;
    }
    Params ignored;
    if (webSocketRoute(req, &ignored)) {
        // A WebSocket-only path asked without a (valid) upgrade: RFC 9110 15.5.22.
        HttpResponse res = HttpResponse::error(426, QStringLiteral("upgrade_required"),
                                               QStringLiteral("this endpoint speaks WebSocket only"));
        res.setHeader("Upgrade", "websocket");
        responder.respond(res);
        return;
    }
    responder.respond(HttpResponse::error(404, QStringLiteral("not_found"), QStringLiteral("no such route")));
}

const Router::WebSocketRoute *Router::webSocketRoute(const HttpRequest &req, Params *params) const
{
    for (const auto &r : m_ws)
        if (match(r.first, req.path, params)) return &r.second;
    return nullptr;
}

} // namespace switchboard
