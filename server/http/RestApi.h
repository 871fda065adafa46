#pragma once

#include "Message.h"
#include "Result.h"
#include "User.h"
#include "Router.h"

#include <QJsonObject>
#include <QObject>

#include <functional>

class ChatService;

// The REST API of CONTRACT.md (/api/v1/...), seed 001's aliases (/api/...),
// health, readiness and Prometheus metrics. Mutations go through ChatService,
// so they broadcast in every dialect exactly like socket commands.
class RestApi : public QObject
{
    Q_OBJECT
public:
    struct Options {
        QString uploadDir;
        qint64 maxUploadBytes = 10 * 1024 * 1024;
        std::function<bool()> isReady;
        std::function<QByteArray()> extraMetrics; // appended to /metrics (dialects, admin)
    };

    RestApi(ChatService *chat, const Options &options, QObject *parent = nullptr);
    void install(Router &router);

    static HttpResponse errorResponse(const CoreError &e);
    QJsonObject messageJson(const Message &m) const;

private:
    using Authed = std::function<void(const HttpRequest &, const Router::Params &, HttpResponder, const User &)>;
    Router::Handler authed(Authed handler) const;
    static bool parseBody(const HttpRequest &req, QJsonObject *out, HttpResponder &res);

    void registerUser(const HttpRequest &, HttpResponder);
    void login(const HttpRequest &, HttpResponder);
    void upload(const HttpRequest &, HttpResponder, const User &, bool legacyShape);
    void download(const HttpRequest &, const Router::Params &, HttpResponder, const User &);
    QByteArray metrics() const;
    QJsonObject authAnswer(const User &u) const;

    ChatService *m_chat;
    Options m_options;
};
