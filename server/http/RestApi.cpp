#include "RestApi.h"

#include "CamelCaseJson.h"
#include "ChatService.h"
#include "Metrics.h"
#include "MultipartParser.h"
#include "Session.h"
#include "Timestamp.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMimeDatabase>
#include <QRegularExpression>

RestApi::RestApi(ChatService *chat, const Options &options, QObject *parent)
    : QObject(parent), m_chat(chat), m_options(options)
{
}

HttpResponse RestApi::errorResponse(const CoreError &e)
{
    int status = 500;
    switch (e.code) {
    case CoreError::None: status = 200; break;
    case CoreError::Unauthorized: status = 401; break;
    case CoreError::AccessDenied: status = 403; break;
    case CoreError::NotFound: status = 404; break;
    case CoreError::Invalid: status = 422; break;
    case CoreError::Conflict: status = 409; break;
    case CoreError::RateLimited: status = 429; break;
    case CoreError::TooLarge: status = 413; break;
    case CoreError::Internal: status = 500; break;
    }
    QJsonObject err{{"code", e.codeName()}, {"message", e.code == CoreError::Internal ? QStringLiteral("internal error") : e.message}};
    if (!e.field.isEmpty()) err.insert("field", e.field);
    if (e.code == CoreError::RateLimited) err.insert("retry_after", e.retryAfterMs);
    HttpResponse r = HttpResponse::json(status, QJsonObject{{"error", err}});
    if (e.code == CoreError::RateLimited) r.setHeader("Retry-After", QByteArray::number((e.retryAfterMs + 999) / 1000));
    return r;
}

bool RestApi::parseBody(const HttpRequest &req, QJsonObject *out, HttpResponder &res)
{
    if (req.body.trimmed().isEmpty()) { *out = QJsonObject(); return true; }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(req.body, &pe);
    if (pe.error != QJsonParseError::NoError) {
        res.respond(HttpResponse::error(400, QStringLiteral("invalid_json"), QStringLiteral("malformed JSON: %1").arg(pe.errorString())));
        return false;
    }
    if (!doc.isObject()) {
        res.respond(HttpResponse::error(400, QStringLiteral("invalid_json"), QStringLiteral("the body must be a JSON object")));
        return false;
    }
    *out = doc.object();
    return true;
}

// Field readers that tell a missing field from one of the wrong type.
namespace {
bool stringField(const QJsonObject &o, const char *key, QString *out, bool required, HttpResponder &res)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull()) {
        if (!required) return true;
        res.respond(RestApi::errorResponse(CoreError::invalid(QString::fromLatin1(key), QStringLiteral("%1 is required").arg(QLatin1String(key)))));
        return false;
    }
    if (!v.isString()) {
        res.respond(RestApi::errorResponse(CoreError::invalid(QString::fromLatin1(key), QStringLiteral("%1 must be a string").arg(QLatin1String(key)))));
        return false;
    }
    *out = v.toString();
    return true;
}
} // namespace

Router::Handler RestApi::authed(Authed handler) const
{
    return [this, handler](const HttpRequest &req, const Router::Params &params, HttpResponder res) {
        const QByteArray auth = req.header("authorization");
        QByteArray token;
        if (auth.size() > 7 && auth.left(7).toLower() == "bearer ") token = auth.mid(7).trimmed();
        else token = req.bearerToken();
        Result<User> u = m_chat->authenticate(token);
        if (!u.ok()) {
            HttpResponse r = errorResponse(u.error);
            r.setHeader("WWW-Authenticate", "Bearer");
            return res.respond(r);
        }
        handler(req, params, res, u.value);
    };
}

QJsonObject RestApi::authAnswer(const User &u) const
{
    return {
        {"access_token", QString::fromUtf8(m_chat->issueToken(u))},
        {"token_type", "bearer"},
        {"expires_in", m_chat->config().tokenTtlSeconds},
        {"user", u.toJson()},
    };
}

QJsonObject RestApi::messageJson(const Message &m) const
{
    QJsonObject o = m.toJson();
    if (const User *u = m_chat->user(m.userId))
        o.insert("user", QJsonObject{{"id", u->id}, {"username", u->username}, {"display_name", u->name()},
                                     {"avatar_url", u->avatarUrl.isEmpty() ? QJsonValue() : QJsonValue(u->avatarUrl)}});
    return o;
}

static QJsonArray toArray(const QList<QJsonObject> &list)
{
    QJsonArray a;
    for (const QJsonObject &o : list) a.append(o);
    return a;
}

void RestApi::install(Router &r)
{
    const QString v1 = QStringLiteral("/api/v1");

    r.add("GET", "/healthz", [](const HttpRequest &, const Router::Params &, HttpResponder res) {
        res.respond(HttpResponse::json(200, QJsonObject{{"status", "ok"}}));
    });
    r.add("GET", "/readyz", [this](const HttpRequest &, const Router::Params &, HttpResponder res) {
        const bool ready = m_options.isReady && m_options.isReady();
        res.respond(HttpResponse::json(ready ? 200 : 503, QJsonObject{{"status", ready ? "ready" : "starting"}}));
    });
    r.add("GET", "/metrics", [this](const HttpRequest &, const Router::Params &, HttpResponder res) {
        res.respond(HttpResponse::text(200, metrics(), "text/plain; version=0.0.4; charset=utf-8"));
    });

    r.add("POST", v1 + "/auth/register", [this](const HttpRequest &req, const Router::Params &, HttpResponder res) { registerUser(req, res); });
    r.add("POST", v1 + "/auth/login", [this](const HttpRequest &req, const Router::Params &, HttpResponder res) { login(req, res); });
    r.add("GET", v1 + "/users/me", authed([](const HttpRequest &, const Router::Params &, HttpResponder res, const User &u) {
        res.respond(HttpResponse::json(200, u.toJson()));
    }));
    r.add("GET", v1 + "/users/{id}", authed([this](const HttpRequest &, const Router::Params &p, HttpResponder res, const User &) {
        const User *u = m_chat->user(p[0]);
        if (!u) return res.respond(errorResponse(CoreError::notFound("no such user")));
        res.respond(HttpResponse::json(200, u->toJson()));
    }));

    // Workspaces
    r.add("GET", v1 + "/workspaces", authed([this](const HttpRequest &, const Router::Params &, HttpResponder res, const User &u) {
        QJsonArray list;
        for (const Workspace &w : m_chat->workspacesOf(u.id)) list.append(w.toJson());
        res.respond(HttpResponse::json(200, QJsonObject{{"workspaces", list}}));
    }));
    r.add("POST", v1 + "/workspaces", authed([this](const HttpRequest &req, const Router::Params &, HttpResponder res, const User &u) {
        QJsonObject body;
        QString name;
        if (!parseBody(req, &body, res) || !stringField(body, "name", &name, true, res)) return;
        m_chat->createWorkspace(u.id, name, this, [res](const Result<Workspace> &w) {
            res.respond(w.ok() ? HttpResponse::json(201, w.value.toJson()) : errorResponse(w.error));
        });
    }));
    r.add("POST", v1 + "/workspaces/{id}/members", authed([this](const HttpRequest &req, const Router::Params &p, HttpResponder res, const User &u) {
        QJsonObject body;
        QString userId;
        if (!parseBody(req, &body, res) || !stringField(body, "user_id", &userId, true, res)) return;
        m_chat->addWorkspaceMember(u.id, p[0], userId, this, [res, userId](const Result<Workspace> &w) {
            res.respond(w.ok() ? HttpResponse::json(201, QJsonObject{{"workspace_id", w.value.id}, {"user_id", userId}}) : errorResponse(w.error));
        });
    }));

    // Channels
    r.add("GET", v1 + "/channels", authed([this](const HttpRequest &req, const Router::Params &, HttpResponder res, const User &u) {
        QJsonArray list;
        for (const Channel &c : m_chat->visibleChannels(u.id, req.queryValue("workspace_id"))) {
            QJsonObject o = c.toJson();
            o.insert("is_member", m_chat->directory().isChannelMember(c.id, u.id));
            o.insert("member_count", int(m_chat->directory().channelMembers(c.id).size()));
            list.append(o);
        }
        res.respond(HttpResponse::json(200, QJsonObject{{"channels", list}}));
    }));
    r.add("POST", v1 + "/channels", authed([this](const HttpRequest &req, const Router::Params &, HttpResponder res, const User &u) {
        QJsonObject body;
        QString name, type, description, ws;
        if (!parseBody(req, &body, res) || !stringField(body, "name", &name, true, res) || !stringField(body, "type", &type, false, res)
            || !stringField(body, "description", &description, false, res) || !stringField(body, "workspace_id", &ws, false, res))
            return;
        m_chat->createChannel(u.id, name, type, description, ws, this, [res](const Result<Channel> &c) {
            res.respond(c.ok() ? HttpResponse::json(201, c.value.toJson()) : errorResponse(c.error));
        });
    }));
    r.add("GET", v1 + "/channels/{id}", authed([this](const HttpRequest &, const Router::Params &p, HttpResponder res, const User &u) {
        Result<Channel> c = m_chat->readableChannel(u.id, p[0]);
        if (!c.ok()) return res.respond(errorResponse(c.error));
        QJsonObject o = c.value.toJson();
        QJsonArray members;
        for (const QString &m : m_chat->directory().channelMembers(c.value.id)) members.append(m);
        o.insert("member_ids", members);
        res.respond(HttpResponse::json(200, o));
    }));
    r.add("PATCH", v1 + "/channels/{id}", authed([this](const HttpRequest &req, const Router::Params &p, HttpResponder res, const User &u) {
        QJsonObject body;
        QString name, description;
        if (!parseBody(req, &body, res) || !stringField(body, "name", &name, false, res) || !stringField(body, "description", &description, false, res))
            return;
        std::optional<QString> n, d;
        if (body.value("name").isString()) n = name;
        if (body.value("description").isString()) d = description;
        m_chat->updateChannel(u.id, p[0], n, d, this, [res](const Result<Channel> &c) {
            res.respond(c.ok() ? HttpResponse::json(200, c.value.toJson()) : errorResponse(c.error));
        });
    }));
    r.add("DELETE", v1 + "/channels/{id}", authed([this](const HttpRequest &, const Router::Params &p, HttpResponder res, const User &u) {
        m_chat->deleteChannel(u.id, p[0], this, [res](const Result<Channel> &c) {
            res.respond(c.ok() ? HttpResponse::noContent() : errorResponse(c.error));
        });
    }));
    r.add("POST", v1 + "/channels/{id}/join", authed([this](const HttpRequest &, const Router::Params &p, HttpResponder res, const User &u) {
        m_chat->joinChannel(u.id, p[0], this, [res](const Result<Channel> &c) {
            res.respond(c.ok() ? HttpResponse::json(200, c.value.toJson()) : errorResponse(c.error));
        });
    }));
    r.add("POST", v1 + "/channels/{id}/leave", authed([this](const HttpRequest &, const Router::Params &p, HttpResponder res, const User &u) {
        m_chat->removeMember(u.id, p[0], u.id, this, [res](const Result<Channel> &c) {
            res.respond(c.ok() ? HttpResponse::noContent() : errorResponse(c.error));
        });
    }));
    r.add("POST", v1 + "/channels/{id}/members", authed([this](const HttpRequest &req, const Router::Params &p, HttpResponder res, const User &u) {
        QJsonObject body;
        QString userId;
        if (!parseBody(req, &body, res) || !stringField(body, "user_id", &userId, true, res)) return;
        m_chat->addMember(u.id, p[0], userId, this, [res, userId](const Result<Channel> &c) {
            res.respond(c.ok() ? HttpResponse::json(201, QJsonObject{{"channel_id", c.value.id}, {"user_id", userId}}) : errorResponse(c.error));
        });
    }));
    r.add("DELETE", v1 + "/channels/{id}/members/{user_id}", authed([this](const HttpRequest &, const Router::Params &p, HttpResponder res, const User &u) {
        m_chat->removeMember(u.id, p[0], p[1], this, [res](const Result<Channel> &c) {
            res.respond(c.ok() ? HttpResponse::noContent() : errorResponse(c.error));
        });
    }));
    auto history = [this](const HttpRequest &req, const Router::Params &p, HttpResponder res, const User &u) {
        bool limitOk = true;
        const QString limitText = req.queryValue("limit");
        const int limit = limitText.isEmpty() ? 0 : limitText.toInt(&limitOk);
        if (!limitOk || limit < 0) return res.respond(errorResponse(CoreError::invalid("limit", "limit must be a positive number")));
        Result<QList<Message>> r = m_chat->history(u.id, p[0], req.queryValue("before"), limit);
        if (!r.ok()) return res.respond(errorResponse(r.error));
        QList<QJsonObject> list;
        for (const Message &m : r.value) list.append(messageJson(m));
        res.respond(HttpResponse::json(200, QJsonObject{{"messages", toArray(list)}}));
    };
    r.add("GET", v1 + "/channels/{id}/messages", authed(history));
    r.add("GET", v1 + "/conversations/{id}/messages", authed(history));
    r.add("GET", v1 + "/messages/{id}/thread", authed([this](const HttpRequest &, const Router::Params &p, HttpResponder res, const User &u) {
        Result<QList<Message>> r = m_chat->threadReplies(u.id, p[0], 200);
        if (!r.ok()) return res.respond(errorResponse(r.error));
        QList<QJsonObject> list;
        for (const Message &m : r.value) list.append(messageJson(m));
        res.respond(HttpResponse::json(200, QJsonObject{{"messages", toArray(list)}}));
    }));

    // Messages. Reactions first: "/messages/reactions" must not be taken for a message id.
    auto react = [this](bool add) {
        return authed([this, add](const HttpRequest &req, const Router::Params &, HttpResponder res, const User &u) {
            QJsonObject body;
            QString messageId, emoji;
            if (!parseBody(req, &body, res) || !stringField(body, "message_id", &messageId, true, res) || !stringField(body, "emoji", &emoji, true, res))
                return;
            auto answer = [res, add](const Result<Reaction> &r) {
                res.respond(!r.ok() ? errorResponse(r.error) : add ? HttpResponse::json(201, r.value.toJson()) : HttpResponse::noContent());
            };
            if (add) m_chat->addReaction(u.id, messageId, emoji, this, answer);
            else m_chat->removeReaction(u.id, messageId, emoji, this, answer);
        });
    };
    r.add("POST", v1 + "/messages/reactions", react(true));
    r.add("DELETE", v1 + "/messages/reactions", react(false));
    r.add("POST", v1 + "/messages", authed([this](const HttpRequest &req, const Router::Params &, HttpResponder res, const User &u) {
        QJsonObject body;
        ChatService::PostMessage cmd;
        if (!parseBody(req, &body, res) || !stringField(body, "channel_id", &cmd.channelId, true, res)
            || !stringField(body, "content", &cmd.content, false, res) || !stringField(body, "thread_id", &cmd.threadId, false, res)
            || !stringField(body, "reply_to_id", &cmd.replyToId, false, res))
            return;
        const QJsonValue atts = body.value("attachments");
        if (!atts.isUndefined() && !atts.isNull() && !atts.isArray())
            return res.respond(errorResponse(CoreError::invalid("attachments", "attachments must be an array")));
        for (const QJsonValue &a : atts.toArray()) {
            if (a.isString()) { // an upload id
                cmd.uploadIds.append(a.toString());
            } else if (a.isObject()) {
                cmd.attachments.append(Attachment::fromJson(a.toObject()));
            } else {
                return res.respond(errorResponse(CoreError::invalid("attachments", "attachments must be objects or upload ids")));
            }
        }
        if (body.value("metadata").isObject()) cmd.metadata = body.value("metadata").toObject();
        m_chat->postMessage(u.id, cmd, this, [this, res](const Result<Message> &m) {
            res.respond(m.ok() ? HttpResponse::json(201, messageJson(m.value)) : errorResponse(m.error));
        });
    }));
    r.add("GET", v1 + "/messages/{id}", authed([this](const HttpRequest &, const Router::Params &p, HttpResponder res, const User &u) {
        Result<Message> m = m_chat->message(u.id, p[0]);
        res.respond(m.ok() ? HttpResponse::json(200, messageJson(m.value)) : errorResponse(m.error));
    }));
    r.add("PATCH", v1 + "/messages/{id}", authed([this](const HttpRequest &req, const Router::Params &p, HttpResponder res, const User &u) {
        QJsonObject body;
        QString content;
        if (!parseBody(req, &body, res) || !stringField(body, "content", &content, true, res)) return;
        m_chat->editMessage(u.id, p[0], content, this, [this, res](const Result<Message> &m) {
            res.respond(m.ok() ? HttpResponse::json(200, messageJson(m.value)) : errorResponse(m.error));
        });
    }));
    r.add("DELETE", v1 + "/messages/{id}", authed([this](const HttpRequest &, const Router::Params &p, HttpResponder res, const User &u) {
        m_chat->deleteMessage(u.id, p[0], this, [res](const Result<Message> &m) {
            res.respond(m.ok() ? HttpResponse::noContent() : errorResponse(m.error));
        });
    }));
    r.add("POST", v1 + "/messages/{id}/read", authed([this](const HttpRequest &, const Router::Params &p, HttpResponder res, const User &u) {
        m_chat->markRead(u.id, p[0], this, [res](const Result<Message> &m) {
            res.respond(m.ok() ? HttpResponse::noContent() : errorResponse(m.error));
        });
    }));

    r.add("POST", v1 + "/conversations", authed([this](const HttpRequest &req, const Router::Params &, HttpResponder res, const User &u) {
        QJsonObject body;
        if (!parseBody(req, &body, res)) return;
        if (!body.value("participant_ids").isArray())
            return res.respond(errorResponse(CoreError::invalid("participant_ids", "participant_ids must be an array of user ids")));
        QStringList ids;
        for (const QJsonValue &v : body.value("participant_ids").toArray()) {
            if (!v.isString()) return res.respond(errorResponse(CoreError::invalid("participant_ids", "participant_ids must be strings")));
            ids.append(v.toString());
        }
        m_chat->openConversation(u.id, ids, this, [this, res](const Result<Channel> &c) {
            if (!c.ok()) return res.respond(errorResponse(c.error));
            QStringList members = m_chat->directory().channelMembers(c.value.id).values();
            members.sort();
            res.respond(HttpResponse::json(201, QJsonObject{{"id", c.value.id}, {"participant_ids", QJsonArray::fromStringList(members)},
                                                             {"type", "dm"}, {"created_at", Timestamp::toIso(c.value.createdAt)}}));
        });
    }));

    r.add("POST", v1 + "/uploads", authed([this](const HttpRequest &req, const Router::Params &, HttpResponder res, const User &u) { upload(req, res, u, false); }));
    r.add("GET", v1 + "/uploads/{id}", authed([this](const HttpRequest &req, const Router::Params &p, HttpResponder res, const User &u) { download(req, p, res, u); }));

    // Seed 001 aliases.
    r.add("POST", "/api/upload", authed([this](const HttpRequest &req, const Router::Params &, HttpResponder res, const User &u) { upload(req, res, u, true); }));
    auto legacyPage = [this](const QString &channelId, const HttpRequest &req, HttpResponder res, const User &u) {
        bool ok = true;
        const QString pageText = req.queryValue("page");
        const int page = pageText.isEmpty() ? 1 : pageText.toInt(&ok);
        if (!ok || page < 1) return res.respond(errorResponse(CoreError::invalid("page", "page must be a positive number")));
        Result<QList<Message>> r = m_chat->historyPage(u.id, channelId, page, m_chat->config().historyPageSize);
        if (!r.ok()) return res.respond(errorResponse(r.error));
        const Channel *c = m_chat->directory().channel(channelId);
        const bool direct = c && c->type == Channel::Type::Dm;
        auto authorOf = [this](const QString &id) { const User *x = m_chat->user(id); return x ? *x : User(); };
        QJsonArray data;
        for (const Message &m : r.value) {
            Message replyTo;
            if (!m.replyToId.isEmpty()) if (auto q = m_chat->message(u.id, m.replyToId); q.ok()) replyTo = q.value;
            data.append(CamelCaseJson::message(m, authorOf(m.userId), replyTo, authorOf(replyTo.userId), direct, authorOf));
        }
        res.respond(HttpResponse::json(200, QJsonObject{{"data", data}, {"page", page}}));
    };
    r.add("GET", "/api/messages", authed([legacyPage](const HttpRequest &req, const Router::Params &, HttpResponder res, const User &u) {
        const QString id = req.queryValue("channelId");
        if (id.isEmpty()) return res.respond(errorResponse(CoreError::invalid("channelId", "channelId is required")));
        legacyPage(id, req, res, u);
    }));
    r.add("GET", "/api/conversations/{id}/messages", authed([legacyPage](const HttpRequest &req, const Router::Params &p, HttpResponder res, const User &u) {
        legacyPage(p[0], req, res, u);
    }));
}

void RestApi::registerUser(const HttpRequest &req, HttpResponder res)
{
    QJsonObject body;
    QString username, password, email, displayName;
    if (!parseBody(req, &body, res) || !stringField(body, "username", &username, true, res) || !stringField(body, "password", &password, true, res)
        || !stringField(body, "email", &email, false, res) || !stringField(body, "display_name", &displayName, false, res))
        return;
    m_chat->registerUser(username, password, email, displayName, this, [this, res](const Result<User> &u) {
        res.respond(u.ok() ? HttpResponse::json(201, authAnswer(u.value)) : errorResponse(u.error));
    });
}

void RestApi::login(const HttpRequest &req, HttpResponder res)
{
    QJsonObject body;
    QString username, password;
    if (!parseBody(req, &body, res)) return;
    if (body.value("username").isUndefined() && body.value("email").isString()) body.insert("username", body.value("email"));
    if (!stringField(body, "username", &username, true, res) || !stringField(body, "password", &password, true, res)) return;
    if (CoreError e = m_chat->checkRate(QStringLiteral("login:") + username.toLower(), 30))
        return res.respond(errorResponse(e));
    m_chat->login(username, password, this, [this, res](const Result<User> &u) {
        res.respond(u.ok() ? HttpResponse::json(200, authAnswer(u.value)) : errorResponse(u.error));
    });
}

void RestApi::upload(const HttpRequest &req, HttpResponder res, const User &u, bool legacyShape)
{
    if (req.body.size() > m_options.maxUploadBytes + 64 * 1024)
        return res.respond(errorResponse(CoreError::tooLarge(QStringLiteral("uploads are limited to %1 bytes").arg(m_options.maxUploadBytes))));
    QList<MultipartParser::Part> parts;
    QString error;
    if (!MultipartParser::parse(req.header("content-type"), req.body, &parts, &error))
        return res.respond(HttpResponse::error(400, QStringLiteral("invalid_upload"), error));
    const MultipartParser::Part *file = nullptr;
    for (const auto &p : parts) if (p.name == QLatin1String("file")) { file = &p; break; }
    if (!file) return res.respond(errorResponse(CoreError::invalid("file", "multipart field 'file' is required")));
    if (file->data.size() > m_options.maxUploadBytes)
        return res.respond(errorResponse(CoreError::tooLarge(QStringLiteral("uploads are limited to %1 bytes").arg(m_options.maxUploadBytes))));
    Attachment a;
    a.id = Timestamp::newId();
    QString original = QFileInfo(file->filename).fileName();
    if (original.isEmpty()) original = QStringLiteral("file");
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9._-]"));
    QString safe = original;
    safe.replace(unsafe, QStringLiteral("_"));
    a.filename = a.id + QLatin1Char('-') + safe.right(100);
    a.originalName = original;
    a.mimeType = QString::fromLatin1(file->contentType);
    if (a.mimeType.isEmpty() || a.mimeType == QLatin1String("application/octet-stream"))
        a.mimeType = QMimeDatabase().mimeTypeForFileNameAndData(original, file->data).name();
    a.size = file->data.size();
    a.url = QStringLiteral("/api/v1/uploads/") + a.id;
    a.uploaderId = u.id;
    a.createdAt = Timestamp::nowMs();
    QDir().mkpath(m_options.uploadDir);
    QFile out(QDir(m_options.uploadDir).filePath(a.filename));
    if (!out.open(QIODevice::WriteOnly) || out.write(file->data) != file->data.size() || !out.flush())
        return res.respond(errorResponse(CoreError::internal(QStringLiteral("cannot store upload"))));
    out.close();
    m_chat->registerUpload(u.id, a, this, [res, legacyShape](const Result<Attachment> &r) {
        if (!r.ok()) return res.respond(errorResponse(r.error));
        res.respond(HttpResponse::json(201, legacyShape ? QJsonObject{{"data", r.value.toJson()}} : r.value.toJson()));
    });
}

void RestApi::download(const HttpRequest &, const Router::Params &p, HttpResponder res, const User &u)
{
    const Result<Attachment> found = m_chat->upload(u.id, p[0]);
    if (!found.ok()) return res.respond(errorResponse(found.error));
    const Attachment *a = &found.value;
    QFile f(QDir(m_options.uploadDir).filePath(a->filename));
    if (!f.open(QIODevice::ReadOnly)) return res.respond(errorResponse(CoreError::notFound("upload content missing")));
    HttpResponse r = HttpResponse::text(200, f.readAll(), a->mimeType.toUtf8());
    QString quoted = a->originalName;
    quoted.remove(QLatin1Char('"'));
    r.setHeader("Content-Disposition", "inline; filename=\"" + quoted.toUtf8() + "\"");
    r.setHeader("X-Content-Type-Options", "nosniff");
    res.respond(r);
}

QByteArray RestApi::metrics() const
{
    const Metrics &m = Metrics::instance();
    const StorageStats s = m_chat->storageStats();
    QByteArray out;
    auto metric = [&out](const char *name, const char *type, const char *help, double value, const QByteArray &labels = {}) {
        out += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n';
        out += name + (labels.isEmpty() ? QByteArray() : '{' + labels + '}') + ' ' + QByteArray::number(value, 'g', 15) + '\n';
    };
    out += "# HELP switchboard_connections Open client connections by dialect\n# TYPE switchboard_connections gauge\n";
    QStringList dialects{QStringLiteral("flatjson"), QStringLiteral("workspacejson"), QStringLiteral("phoenix"),
                         QStringLiteral("socketio"), QStringLiteral("socketio-chat")};
    for (auto it = m.connectionsByDialect.cbegin(); it != m.connectionsByDialect.cend(); ++it)
        if (!dialects.contains(it.key())) dialects.append(it.key());
    for (const QString &d : std::as_const(dialects))
        out += "switchboard_connections{dialect=\"" + d.toUtf8() + "\"} " + QByteArray::number(m.connectionsByDialect.value(d)) + '\n';
    metric("switchboard_connections_opened_total", "counter", "Connections accepted since start", m.connectionsOpened);
    metric("switchboard_frames_in_total", "counter", "Frames or events received from clients", m.messagesIn);
    metric("switchboard_frames_out_total", "counter", "Frames or events sent to clients", m.messagesOut);
    metric("switchboard_bytes_in_total", "counter", "Bytes received from clients", m.bytesIn);
    metric("switchboard_bytes_out_total", "counter", "Bytes sent to clients", m.bytesOut);
    metric("switchboard_messages_posted_total", "counter", "Chat messages committed", m.messagesPosted);
    metric("switchboard_events_published_total", "counter", "Domain events published", m.eventsPublished);
    metric("switchboard_deliveries_total", "counter", "Events delivered to sessions", m.deliveries);
    metric("switchboard_errors_total", "counter", "Errors sent to clients", m.errors);
    metric("switchboard_http_requests_total", "counter", "HTTP requests served", m.httpRequests);
    metric("switchboard_storage_commits_total", "counter", "Storage transactions committed", s.commits);
    metric("switchboard_storage_writes_total", "counter", "Storage writes committed", s.writes);
    metric("switchboard_storage_commit_seconds_last", "gauge", "Duration of the last commit", s.lastCommitMs / 1000.0);
    metric("switchboard_storage_commit_seconds_total", "counter", "Time spent committing", s.totalCommitMs / 1000.0);
    metric("switchboard_storage_commit_seconds_max", "gauge", "Slowest commit since start", s.maxCommitMs / 1000.0);
    metric("switchboard_event_loop_lag_seconds_max", "gauge", "Worst event-loop lag since start", m.loopLagMaxMs / 1000.0);
    metric("switchboard_event_loop_stalls_10ms_total", "counter", "Event-loop passes late by more than 10 ms", m.loopLagOver10ms);
    metric("switchboard_event_loop_stalls_50ms_total", "counter", "Event-loop passes late by more than 50 ms", m.loopLagOver50ms);
    metric("switchboard_event_loop_stalls_100ms_total", "counter", "Event-loop passes late by more than 100 ms", m.loopLagOver100ms);
    metric("switchboard_users", "gauge", "Registered users", m_chat->directory().userCount());
    metric("switchboard_channels", "gauge", "Channels", m_chat->directory().channelCount());
    if (m_options.extraMetrics) out += m_options.extraMetrics();
    return out;
}
