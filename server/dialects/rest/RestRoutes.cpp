#include "RestRoutes.h"

#include "core/ChatService.h"
#include "JsonInput.h"
#include "RestErrors.h"

#include <QJsonDocument>

namespace switchboard {

RestRoutes::RestRoutes(ChatService *chat, QObject *context) : m_chat(chat), m_context(context) {}

RestRoutes::~RestRoutes() = default;

const Directory &RestRoutes::directory() const
{
    return std::as_const(*m_chat).directory();
}

void RestRoutes::fail(const HttpResponder &res, const CoreError &e)
{
    res.respond(RestErrors::response(e));
}

bool RestRoutes::parseBody(const HttpRequest &req, QJsonObject *out, const HttpResponder &res)
{
    if (req.body.trimmed().isEmpty()) {
        *out = QJsonObject();
        return true;
    }
    QJsonParseError pe;
    const QJsonDocument doc = JsonInput::parse(req.body, &pe);
    if (pe.error != QJsonParseError::NoError) {
        res.respond(RestErrors::protocol(400, QStringLiteral("invalid_json"),
                                         QStringLiteral("malformed JSON: %1").arg(pe.errorString())));
        return false;
    }
    if (!doc.isObject()) {
        res.respond(RestErrors::protocol(400, QStringLiteral("invalid_json"),
                                         QStringLiteral("the body must be a JSON object")));
        return false;
    }
    *out = doc.object();
    return true;
}

bool RestRoutes::stringField(const QJsonObject &o, const char *key, QString *out, bool required,
                             const HttpResponder &res)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull()) {
        if (!required) return true;
        fail(res,
             CoreError::invalid(QString::fromLatin1(key), QStringLiteral("%1 is required").arg(QLatin1String(key))));
        return false;
    }
    if (!v.isString()) {
        fail(res, CoreError::invalid(QString::fromLatin1(key),
                                     QStringLiteral("%1 must be a string").arg(QLatin1String(key))));
        return false;
    }
    *out = v.toString();
    return true;
}

Router::Handler RestRoutes::authed(Authed handler) const
{
    return [this, handler](const HttpRequest &req, const Router::Params &params, HttpResponder res) {
        Result<User> u = m_chat->authenticate(presentedToken(req));
        if (!u.ok()) return res.respond(unauthorized(u.error));
        handler(req, params, res, u.value);
    };
}

QByteArray RestRoutes::presentedToken(const HttpRequest &req)
{
    // Only the header: no seed passes a REST token in the query, and a
    // cookie would let any page the browser visits call the API as the user.
    const QByteArray auth = req.header("authorization");
    if (auth.size() > 7 && auth.left(7).toLower() == "bearer ") return auth.mid(7).trimmed();
    return {};
}

HttpResponse RestRoutes::unauthorized(const CoreError &e)
{
    HttpResponse r = RestErrors::response(e);
    r.setHeader("WWW-Authenticate", "Bearer");
    return r;
}

} // namespace switchboard
