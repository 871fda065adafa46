#include "RestWorkspaceRoutes.h"

#include "core/ChatService.h"
#include "RestErrors.h"

#include <QJsonArray>

namespace switchboard {

void RestWorkspaceRoutes::install(Router &r)
{
    const QString v1 = QStringLiteral("/api/v1");
    r.add("GET", v1 + "/workspaces",
          authed([this](const HttpRequest &, const Router::Params &, HttpResponder res, const User &u) {
              QJsonArray list;
              for (const Workspace &w : chat()->workspacesOf(u.id)) list.append(w.toJson());
              res.respond(HttpResponse::json(200, QJsonObject{{"workspaces", list}}));
          }));
    r.add("POST", v1 + "/workspaces",
          authed([this](const HttpRequest &req, const Router::Params &, HttpResponder res, const User &u) {
              QJsonObject body;
              QString name;
              if (!parseBody(req, &body, res) || !stringField(body, "name", &name, true, res)) return;
              chat()->createWorkspace(u.id, name, context(), [res](const Result<Workspace> &w) {
                  res.respond(w.ok() ? HttpResponse::json(201, w.value.toJson()) : RestErrors::response(w.error));
              });
          }));
    r.add("POST", v1 + "/workspaces/{id}/members",
          authed([this](const HttpRequest &req, const Router::Params &p, HttpResponder res, const User &u) {
              QJsonObject body;
              QString userId;
              if (!parseBody(req, &body, res) || !stringField(body, "user_id", &userId, true, res)) return;
              chat()->addWorkspaceMember(u.id, p[0], userId, context(),
                                         [res, userId](const Result<Workspace> &w) {
            res.respond(w.ok() ? HttpResponse::json(201, QJsonObject{{"workspace_id", w.value.id}, {"user_id", userId}})
                               : RestErrors::response(w.error));
              });
          }));
}

} // namespace switchboard
