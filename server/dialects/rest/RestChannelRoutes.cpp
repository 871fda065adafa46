#include "RestChannelRoutes.h"

#include "core/ChatService.h"
#include "RestErrors.h"

#include <QJsonArray>

#include <optional>

namespace switchboard {

void RestChannelRoutes::install(Router &r)
{
    const QString v1 = QStringLiteral("/api/v1");
    r.add("GET", v1 + "/channels",
          authed([this](const HttpRequest &req, const Router::Params &, HttpResponder res, const User &u) {
              QJsonArray list;
              for (const Channel &c : chat()->visibleChannels(u.id, req.queryValue("workspace_id"))) {
                  QJsonObject o = c.toJson();
                  o.insert("is_member", directory().isChannelMember(c.id, u.id));
                  o.insert("member_count", int(directory().channelMembers(c.id).size()));
                  list.append(o);
              }
              res.respond(HttpResponse::json(200, QJsonObject{{"channels", list}}));
          }));
    r.add("POST", v1 + "/channels",
          authed([this](const HttpRequest &req, const Router::Params &, HttpResponder res, const User &u) {
              QJsonObject body;
              QString name, type, description, ws;
              if (!parseBody(req, &body, res) || !stringField(body, "name", &name, true, res)
                  || !stringField(body, "type", &type, false, res)
                  || !stringField(body, "description", &description, false, res)
                  || !stringField(body, "workspace_id", &ws, false, res))
                  return;
              chat()->createChannel(u.id, name, type, description, ws, context(), [res](const Result<Channel> &c) {
                  res.respond(c.ok() ? HttpResponse::json(201, c.value.toJson()) : RestErrors::response(c.error));
              });
          }));
    r.add("GET", v1 + "/channels/{id}",
          authed([this](const HttpRequest &, const Router::Params &p, HttpResponder res, const User &u) {
              Result<Channel> c = chat()->readableChannel(u.id, p[0]);
              if (!c.ok()) return fail(res, c.error);
              QJsonObject o = c.value.toJson();
              QJsonArray members;
              for (const QString &m : directory().channelMembers(c.value.id)) members.append(m);
              o.insert("member_ids", members);
              res.respond(HttpResponse::json(200, o));
          }));
    r.add("PATCH", v1 + "/channels/{id}",
          authed([this](const HttpRequest &req, const Router::Params &p, HttpResponder res, const User &u) {
              QJsonObject body;
              QString name, description;
              if (!parseBody(req, &body, res) || !stringField(body, "name", &name, false, res)
                  || !stringField(body, "description", &description, false, res))
                  return;
              std::optional<QString> n, d;
              if (body.value("name").isString()) n = name;
              if (body.value("description").isString()) d = description;
              chat()->updateChannel(u.id, p[0], n, d, context(), [res](const Result<Channel> &c) {
                  res.respond(c.ok() ? HttpResponse::json(200, c.value.toJson()) : RestErrors::response(c.error));
              });
          }));
    r.add("DELETE", v1 + "/channels/{id}",
          authed([this](const HttpRequest &, const Router::Params &p, HttpResponder res, const User &u) {
              chat()->deleteChannel(u.id, p[0], context(), [res](const Result<Channel> &c) {
                  res.respond(c.ok() ? HttpResponse::noContent() : RestErrors::response(c.error));
              });
          }));
    r.add("POST", v1 + "/channels/{id}/join",
          authed([this](const HttpRequest &, const Router::Params &p, HttpResponder res, const User &u) {
              chat()->joinChannel(u.id, p[0], context(), [res](const Result<Channel> &c) {
                  res.respond(c.ok() ? HttpResponse::json(200, c.value.toJson()) : RestErrors::response(c.error));
              });
          }));
    r.add("POST", v1 + "/channels/{id}/leave",
          authed([this](const HttpRequest &, const Router::Params &p, HttpResponder res, const User &u) {
              chat()->removeMember(u.id, p[0], u.id, context(), [res](const Result<Channel> &c) {
                  res.respond(c.ok() ? HttpResponse::noContent() : RestErrors::response(c.error));
              });
          }));
    r.add("POST", v1 + "/channels/{id}/members",
          authed([this](const HttpRequest &req, const Router::Params &p, HttpResponder res, const User &u) {
              QJsonObject body;
              QString userId;
              if (!parseBody(req, &body, res) || !stringField(body, "user_id", &userId, true, res)) return;
              chat()->addMember(u.id, p[0], userId, context(),
                                [res, userId](const Result<Channel> &c) {
            res.respond(c.ok() ? HttpResponse::json(201, QJsonObject{{"channel_id", c.value.id}, {"user_id", userId}})
                               : RestErrors::response(c.error));
              });
          }));
    r.add("DELETE", v1 + "/channels/{id}/members/{user_id}",
          authed([this](const HttpRequest &, const Router::Params &p, HttpResponder res, const User &u) {
              chat()->removeMember(u.id, p[0], p[1], context(), [res](const Result<Channel> &c) {
                  res.respond(c.ok() ? HttpResponse::noContent() : RestErrors::response(c.error));
              });
          }));
}

} // namespace switchboard
