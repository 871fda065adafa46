#include "RestUserRoutes.h"

#include "core/ChatService.h"

namespace switchboard {

void RestUserRoutes::install(Router &r)
{
    const QString v1 = QStringLiteral("/api/v1");
    r.add("GET", v1 + "/users/me",
          authed([](const HttpRequest &, const Router::Params &, HttpResponder res, const User &u) {
              res.respond(HttpResponse::json(200, u.toJson()));
          }));
    r.add("GET", v1 + "/users/{id}",
          authed([this](const HttpRequest &, const Router::Params &p, HttpResponder res, const User &) {
              const User *u = chat()->user(p[0]);
              if (!u) return fail(res, CoreError::notFound("no such user"));
              res.respond(HttpResponse::json(200, u->toJson()));
          }));
}

} // namespace switchboard
