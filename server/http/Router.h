#pragma once

#include "HttpRequest.h"
#include "HttpResponder.h"
#include "OriginPolicy.h"

#include <QStringList>

#include <functional>
#include <optional>

namespace switchboard {

class WebSocketConnection;

// Method + path patterns ("/api/v1/channels/{id}/members/{user_id}") to
// handlers, plain HTTP and WebSocket upgrades alike. A path that matches with
// another method gives 405, no match gives 404.
class Router
{
public:
    using Params = QStringList; // the {placeholders}, in order
    using Handler = std::function<void(const HttpRequest &, const Params &, HttpResponder)>;
    struct WebSocketRoute
    {
        // Optional: a response here refuses the upgrade (e.g. 403 for a bad token).
        std::function<std::optional<HttpResponse>(const HttpRequest &, const Params &)> check;
        std::function<void(WebSocketConnection *, const HttpRequest &, const Params &)> accept;
    };

    void add(const QByteArray &method, const QString &pattern, Handler handler);
    void addWebSocket(const QString &pattern, WebSocketRoute route);

    // Dispatches a plain request; answers 404/405 itself.
    void dispatch(const HttpRequest &req, HttpResponder responder) const;
    // Finds the WebSocket route for an upgrade request.
    const WebSocketRoute *webSocketRoute(const HttpRequest &req, Params *params) const;

    static bool match(const QString &pattern, const QString &path, Params *params);
    // The CORS list every plain answer follows (Access-Control-Allow-Origin,
    // preflights); dialects that answer CORS themselves read it here too.
    void setOriginPolicy(const OriginPolicy &policy) { m_origins = policy; }
    const OriginPolicy &originPolicy() const { return m_origins; }

private:
    struct Route
    {
        QByteArray method;
        QString pattern;
        Handler handler;
    };
    QList<Route> m_routes;
    QList<QPair<QString, WebSocketRoute>> m_ws;
    OriginPolicy m_origins;
};

} // namespace switchboard
