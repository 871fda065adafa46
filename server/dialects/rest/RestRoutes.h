#pragma once

#include "core/CoreError.h"
#include "http/Router.h"
#include "User.h"

#include <QJsonObject>

#include <functional>

namespace switchboard {

class ChatService;
class Directory;

// A group of REST routes for one resource area, and what every group needs:
// bearer authentication, JSON body and field readers, and error answers made
// by RestErrors. Groups talk to the core through ChatService's facade only.
class RestRoutes
{
public:
    RestRoutes(ChatService *chat, QObject *context);
    virtual ~RestRoutes();
    RestRoutes(const RestRoutes &) = delete;
    RestRoutes &operator=(const RestRoutes &) = delete;

    virtual void install(Router &router) = 0;

protected:
    using Authed = std::function<void(const HttpRequest &, const Router::Params &, HttpResponder, const User &)>;
    // Answers 401 (WWW-Authenticate: Bearer) unless the request carries a valid token.
    Router::Handler authed(Authed handler) const;
    // The bearer token of a request (Authorization header, else the request's other token sources).
    static QByteArray presentedToken(const HttpRequest &req);
    // 401 with WWW-Authenticate: Bearer.
    static HttpResponse unauthorized(const CoreError &e);
    // An empty body is {}; anything but a JSON object is answered with 400.
    static bool parseBody(const HttpRequest &req, QJsonObject *out, const HttpResponder &res);
    // Tells a missing field from one of the wrong type (422 either way).
    static bool stringField(const QJsonObject &o, const char *key, QString *out, bool required,
                            const HttpResponder &res);
    static void fail(const HttpResponder &res, const CoreError &e);

    ChatService *chat() const { return m_chat; }
    // Read-only: the dialect never changes the directory behind the core's back.
    const Directory &directory() const;
    // Core callbacks are dropped once this is gone (the server's lifetime).
    QObject *context() const { return m_context; }

private:
    ChatService *m_chat;
    QObject *m_context;
};

} // namespace switchboard
