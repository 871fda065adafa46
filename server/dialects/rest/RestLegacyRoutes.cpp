#include "RestLegacyRoutes.h"

#include "CamelCaseJson.h"
#include "core/ChatService.h"

#include <QJsonArray>

namespace switchboard {

void RestLegacyRoutes::install(Router &r)
{
    r.add("GET", "/api/messages",
          authed([this](const HttpRequest &req, const Router::Params &, HttpResponder res, const User &u) {
              const QString id = req.queryValue("channelId");
              if (id.isEmpty()) return fail(res, CoreError::invalid("channelId", "channelId is required"));
              page(id, req, res, u);
          }));
    r.add("GET", "/api/conversations/{id}/messages",
          authed([this](const HttpRequest &req, const Router::Params &p, HttpResponder res, const User &u) {
              page(p[0], req, res, u);
          }));
}

void RestLegacyRoutes::page(const QString &channelId, const HttpRequest &req, const HttpResponder &res, const User &u)
{
    bool ok = true;
    const QString pageText = req.queryValue("page");
    const int page = pageText.isEmpty() ? 1 : pageText.toInt(&ok);
    if (!ok || page < 1) return fail(res, CoreError::invalid("page", "page must be a positive number"));
    Result<QList<Message>> r = chat()->historyPage(u.id, channelId, page, chat()->config().historyPageSize);
    if (!r.ok()) return fail(res, r.error);
    const Channel *c = directory().channel(channelId);
    const bool direct = c && c->type == Channel::Type::Dm;
    auto authorOf = [this](const QString &id) {
        const User *x = chat()->user(id);
        return x ? *x : User();
    };
    QJsonArray data;
    for (const Message &m : r.value) {
        Message replyTo;
        if (!m.replyToId.isEmpty())
            if (Result<Message> q = chat()->message(u.id, m.replyToId); q.ok()) replyTo = q.value;
        data.append(CamelCaseJson::message(m, authorOf(m.userId), replyTo, authorOf(replyTo.userId), direct, authorOf));
    }
    res.respond(HttpResponse::json(200, QJsonObject{{"data", data}, {"page", page}}));
}

} // namespace switchboard
