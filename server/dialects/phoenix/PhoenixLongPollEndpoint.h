#pragma once

#include "http/HttpRequest.h"
#include "http/HttpResponder.h"
#include "http/OriginPolicy.h"
#include "PhoenixConnection.h"
#include "PhoenixLongPollSession.h"

#include <QHash>
#include <QObject>
#include <QStringList>

#include <functional>

namespace switchboard {

class ChatService;
class PhoenixPresenceHub;

// GET/POST/OPTIONS of <endpoint>/longpoll: finds the session by its token
// (the LAST `token` query parameter, or x-phoenix-longpoll-token), opens new
// sessions on a GET without one, and answers everything with HTTP 200 and a
// JSON status as phoenix.js expects.
class PhoenixLongPollEndpoint : public QObject
{
    Q_OBJECT
public:
    // Resolves the user, serializer and user token of a new session from its
    // first GET; false refuses it ({"status":403}).
    using Authenticator =
        std::function<bool(const HttpRequest &, User *, PhoenixConnection::Options *, QByteArray *userToken)>;

    PhoenixLongPollEndpoint(ChatService *chat, PhoenixPresenceHub *hub, Authenticator authenticate,
                            const PhoenixLongPollSession::Timing &timing, const OriginPolicy &origins,
                            QObject *parent = nullptr);

    void handleGet(const HttpRequest &req, const HttpResponder &responder);
    void handlePost(const HttpRequest &req, const HttpResponder &responder);
    void handleOptions(const HttpRequest &req, const HttpResponder &responder);

    int sessionCount() const { return int(m_sessions.size()); }
    // Put in front of every session token ("node1." in a cluster, transport/SessionTag.h).
    void setTokenPrefix(const QString &prefix) { m_tokenPrefix = prefix; }

private:
    enum class Lookup { Found, Gone, New };
    Lookup find(const HttpRequest &req, PhoenixLongPollSession **session) const;
    QByteArray allowOrigin(const HttpRequest &req) const;
    void respond(const HttpRequest &req, const HttpResponder &responder, const QByteArray &body) const;
    QString newToken() const;

    ChatService *m_chat;
    PhoenixPresenceHub *m_hub;
    Authenticator m_authenticate;
    PhoenixLongPollSession::Timing m_timing;
    OriginPolicy m_origins;
    QString m_tokenPrefix;
    QHash<QString, PhoenixLongPollSession *> m_sessions;
};

} // namespace switchboard
