#include "RestAuthRoutes.h"

#include "core/ChatService.h"
#include "RestErrors.h"

namespace switchboard {

void RestAuthRoutes::install(Router &r)
{
    const QString v1 = QStringLiteral("/api/v1");
    r.add("POST", v1 + "/auth/register",
          [this](const HttpRequest &req, const Router::Params &, HttpResponder res) { registerUser(req, res); });
    r.add("POST", v1 + "/auth/login",
          [this](const HttpRequest &req, const Router::Params &, HttpResponder res) { login(req, res); });
    r.add("POST", v1 + "/auth/logout",
          [this](const HttpRequest &req, const Router::Params &, HttpResponder res) { logout(req, res); });
}

QJsonObject RestAuthRoutes::authAnswer(const User &u) const
{
    return {
        {"access_token", QString::fromUtf8(chat()->issueToken(u))},
        {"token_type", "bearer"},
        {"expires_in", chat()->config().tokenTtlSeconds},
        {"user", u.toJson()},
    };
}

void RestAuthRoutes::registerUser(const HttpRequest &req, const HttpResponder &res)
{
    QJsonObject body;
    QString username, password, email, displayName;
    if (!parseBody(req, &body, res) || !stringField(body, "username", &username, true, res)
        || !stringField(body, "password", &password, true, res) || !stringField(body, "email", &email, false, res)
        || !stringField(body, "display_name", &displayName, false, res))
        return;
    chat()->registerUser(username, password, email, displayName, context(), [this, res](const Result<User> &u) {
        res.respond(u.ok() ? HttpResponse::json(201, authAnswer(u.value)) : RestErrors::response(u.error));
    });
}

void RestAuthRoutes::login(const HttpRequest &req, const HttpResponder &res)
{
    QJsonObject body;
    QString username, password;
    if (!parseBody(req, &body, res)) return;
    if (body.value("username").isUndefined() && body.value("email").isString())
        body.insert("username", body.value("email"));
    if (!stringField(body, "username", &username, true, res) || !stringField(body, "password", &password, true, res))
        return;
    if (CoreError e = chat()->checkRate(QStringLiteral("login:") + username.toLower(), 30)) return fail(res, e);
    chat()->login(username, password, context(), [this, res](const Result<User> &u) {
        res.respond(u.ok() ? HttpResponse::json(200, authAnswer(u.value)) : RestErrors::response(u.error));
    });
}

// Revokes the presented token only: the user's other tokens and sessions stay.
void RestAuthRoutes::logout(const HttpRequest &req, const HttpResponder &res)
{
    chat()->logout(presentedToken(req), context(), [res](const Result<User> &u) {
        res.respond(u.ok() ? HttpResponse::noContent() : unauthorized(u.error));
    });
}

} // namespace switchboard
