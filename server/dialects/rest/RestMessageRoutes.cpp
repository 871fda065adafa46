#include "RestMessageRoutes.h"

#include "core/ChatService.h"
#include "RestErrors.h"

#include <QJsonArray>

namespace switchboard {

namespace {
QJsonArray toArray(const QList<QJsonObject> &list)
{
    QJsonArray a;
    for (const QJsonObject &o : list) a.append(o);
    return a;
}
} // namespace

QJsonObject RestMessageRoutes::messageJson(const Message &m) const
{
    QJsonObject o = m.toJson();
    if (const User *u = chat()->user(m.userId))
        o.insert("user", QJsonObject{{"id", u->id},
                                     {"username", u->username},
                                     {"display_name", u->name()},
                                     {"avatar_url", u->avatarUrl.isEmpty() ? QJsonValue() : QJsonValue(u->avatarUrl)}});
    return o;
}

void RestMessageRoutes::install(Router &r)
{
    const QString v1 = QStringLiteral("/api/v1");
    auto history = [this](const HttpRequest &req, const Router::Params &p, HttpResponder res, const User &u) {
        this->history(req, p, res, u);
    };
    r.add("GET", v1 + "/channels/{id}/messages", authed(history));
    r.add("GET", v1 + "/conversations/{id}/messages", authed(history));
    r.add("GET", v1 + "/messages/{id}/thread",
          authed([this](const HttpRequest &, const Router::Params &p, HttpResponder res, const User &u) {
              Result<QList<Message>> r = chat()->threadReplies(u.id, p[0], 200);
              if (!r.ok()) return fail(res, r.error);
              QList<QJsonObject> list;
              for (const Message &m : r.value) list.append(messageJson(m));
              res.respond(HttpResponse::json(200, QJsonObject{{"messages", toArray(list)}}));
          }));

    // Reactions first: "/messages/reactions" must not be taken for a message id.
    r.add("POST", v1 + "/messages/reactions",
          authed([this](const HttpRequest &req, const Router::Params &, HttpResponder res, const User &u) {
              react(true, req, res, u);
          }));
    r.add("DELETE", v1 + "/messages/reactions",
          authed([this](const HttpRequest &req, const Router::Params &, HttpResponder res, const User &u) {
              react(false, req, res, u);
          }));
    r.add("POST", v1 + "/messages",
          authed([this](const HttpRequest &req, const Router::Params &, HttpResponder res, const User &u) {
              post(req, res, u);
          }));
    r.add("GET", v1 + "/messages/{id}",
          authed([this](const HttpRequest &, const Router::Params &p, HttpResponder res, const User &u) {
              Result<Message> m = chat()->message(u.id, p[0]);
              res.respond(m.ok() ? HttpResponse::json(200, messageJson(m.value)) : RestErrors::response(m.error));
          }));
    r.add("PATCH", v1 + "/messages/{id}",
          authed([this](const HttpRequest &req, const Router::Params &p, HttpResponder res, const User &u) {
              QJsonObject body;
              QString content;
              if (!parseBody(req, &body, res) || !stringField(body, "content", &content, true, res)) return;
              chat()->editMessage(u.id, p[0], content, context(), [this, res](const Result<Message> &m) {
                  res.respond(m.ok() ? HttpResponse::json(200, messageJson(m.value)) : RestErrors::response(m.error));
              });
          }));
    r.add("DELETE", v1 + "/messages/{id}",
          authed([this](const HttpRequest &, const Router::Params &p, HttpResponder res, const User &u) {
              chat()->deleteMessage(u.id, p[0], context(), [res](const Result<Message> &m) {
                  res.respond(m.ok() ? HttpResponse::noContent() : RestErrors::response(m.error));
              });
          }));
    r.add("POST", v1 + "/messages/{id}/read",
          authed([this](const HttpRequest &, const Router::Params &p, HttpResponder res, const User &u) {
              chat()->markRead(u.id, p[0], context(), [res](const Result<Message> &m) {
                  res.respond(m.ok() ? HttpResponse::noContent() : RestErrors::response(m.error));
              });
          }));
}

void RestMessageRoutes::history(const HttpRequest &req, const Router::Params &p, const HttpResponder &res,
                                const User &u)
{
    bool limitOk = true;
    const QString limitText = req.queryValue("limit");
    const int limit = limitText.isEmpty() ? 0 : limitText.toInt(&limitOk);
    if (!limitOk || limit < 0) return fail(res, CoreError::invalid("limit", "limit must be a positive number"));
    Result<QList<Message>> r = chat()->history(u.id, p[0], req.queryValue("before"), limit);
    if (!r.ok()) return fail(res, r.error);
    QList<QJsonObject> list;
    for (const Message &m : r.value) list.append(messageJson(m));
    res.respond(HttpResponse::json(200, QJsonObject{{"messages", toArray(list)}}));
}

void RestMessageRoutes::react(bool add, const HttpRequest &req, const HttpResponder &res, const User &u)
{
    QJsonObject body;
    QString messageId, emoji;
    if (!parseBody(req, &body, res) || !stringField(body, "message_id", &messageId, true, res)
        || !stringField(body, "emoji", &emoji, true, res))
        return;
    auto answer = [res, add](const Result<Reaction> &r) {
        res.respond(!r.ok() ? RestErrors::response(r.error)
                    : add   ? HttpResponse::json(201, r.value.toJson())
                            : HttpResponse::noContent());
    };
    if (add)
        chat()->addReaction(u.id, messageId, emoji, context(), answer);
    else
        chat()->removeReaction(u.id, messageId, emoji, context(), answer);
}

void RestMessageRoutes::post(const HttpRequest &req, const HttpResponder &res, const User &u)
{
    QJsonObject body;
    ChatService::PostMessage cmd;
    if (!parseBody(req, &body, res) || !stringField(body, "channel_id", &cmd.channelId, true, res)
        || !stringField(body, "content", &cmd.content, false, res)
        || !stringField(body, "thread_id", &cmd.threadId, false, res)
        || !stringField(body, "reply_to_id", &cmd.replyToId, false, res))
        return;
    // Upload ids and attachment objects go to the core as given: it decides
    // which uploads are the caller's and which external links are acceptable.
    if (CoreError e = cmd.takeAttachments(body.value("attachments"))) return fail(res, e);
    if (body.value("metadata").isObject()) cmd.metadata = body.value("metadata").toObject();
    chat()->postMessage(u.id, cmd, context(), [this, res](const Result<Message> &m) {
        res.respond(m.ok() ? HttpResponse::json(201, messageJson(m.value)) : RestErrors::response(m.error));
    });
}

} // namespace switchboard
