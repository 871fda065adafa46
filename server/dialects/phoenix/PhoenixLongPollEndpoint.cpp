#include "PhoenixLongPollEndpoint.h"

#include "core/ChatService.h"
#include "PhoenixErrors.h"
#include "PhoenixLongPollCodec.h"

#include <QRandomGenerator>

namespace switchboard {

PhoenixLongPollEndpoint::PhoenixLongPollEndpoint(ChatService *chat, PhoenixPresenceHub *hub, Authenticator authenticate,
                                                 const PhoenixLongPollSession::Timing &timing,
                                                 const OriginPolicy &origins, QObject *parent)
    : QObject(parent)
    , m_chat(chat)
    , m_hub(hub)
    , m_authenticate(std::move(authenticate))
    , m_timing(timing)
    , m_origins(origins)
{
}

QString PhoenixLongPollEndpoint::newToken() const
{
    // Unguessable: whoever holds it speaks as the session's user. In a cluster
    // the node's tag comes first, by which a balancer routes the polls.
    QByteArray bytes(24, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()), bytes.size() / 4);
    return m_tokenPrefix
         + QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QByteArray PhoenixLongPollEndpoint::allowOrigin(const HttpRequest &req) const
{
    return m_origins.allowOrigin(req.header("origin"), req.header("host"));
}

void PhoenixLongPollEndpoint::respond(const HttpRequest &req, const HttpResponder &responder,
                                      const QByteArray &body) const
{
    responder.respond(PhoenixLongPollSession::jsonResponse(body, allowOrigin(req)));
}

PhoenixLongPollEndpoint::Lookup PhoenixLongPollEndpoint::find(const HttpRequest &req,
                                                              PhoenixLongPollSession **session) const
{
    // phoenix.js appends the session token as one more `token` after the
    // app's own params (which may have a `token` too): the last one wins.
    const QStringList tokens = req.query.allQueryItemValues(QStringLiteral("token"), QUrl::FullyDecoded);
    const QString headerToken = QString::fromUtf8(req.header("x-phoenix-longpoll-token"));
    const QString candidate = !headerToken.isEmpty() ? headerToken : tokens.value(tokens.size() - 1);
    if (PhoenixLongPollSession *s = m_sessions.value(candidate)) {
        *session = s;
        return Lookup::Found;
    }
    // A session token we do not know: two tokens, an explicit session header,
    // or app auth in X-Phoenix-AuthToken leave no doubt it was one.
    if (tokens.size() >= 2 || !headerToken.isEmpty()
        || (!tokens.isEmpty() && !req.header("x-phoenix-authtoken").isEmpty()))
        return Lookup::Gone;
    return Lookup::New;
}

void PhoenixLongPollEndpoint::handleGet(const HttpRequest &req, const HttpResponder &responder)
{
    PhoenixLongPollSession *session = nullptr;
    switch (find(req, &session)) {
    case Lookup::Found: return session->poll(responder, allowOrigin(req));
    case Lookup::Gone: return respond(req, responder, PhoenixLongPollCodec::statusResponse(410));
    case Lookup::New: break;
    }
    User user;
    PhoenixConnection::Options options;
    QByteArray userToken;
    if (!m_authenticate(req, &user, &options, &userToken))
        return respond(req, responder, PhoenixErrors::longPollRefusal(403));
    const QString token = newToken();
    session = new PhoenixLongPollSession(m_chat, m_hub, user, token, options, m_timing, this);
    session->setToken(userToken); // a logout of it ends this session
    session->setRemoteAddress(req.remoteAddress);
    session->setUserAgent(QString::fromUtf8(req.header("user-agent")));
    if (CoreError e = session->start()) {
        delete session;
        return respond(req, responder, PhoenixErrors::longPollRefusal(403));
    }
    m_sessions.insert(token, session);
    connect(session, &Session::closed, this, [this, token](Session *) { m_sessions.remove(token); });
    // 410 with a token is how phoenix.js's LongPoll learns it is open (docs/api/phoenix.md#long-poll).
    respond(req, responder, PhoenixLongPollCodec::pollResponse(410, token));
}

void PhoenixLongPollEndpoint::handlePost(const HttpRequest &req, const HttpResponder &responder)
{
    PhoenixLongPollSession *session = nullptr;
    if (find(req, &session) != Lookup::Found) return respond(req, responder, PhoenixLongPollCodec::statusResponse(410));
    const bool ndjson = req.header("content-type").toLower().startsWith("application/x-ndjson");
    session->publish(req.body, ndjson, responder, allowOrigin(req));
}

void PhoenixLongPollEndpoint::handleOptions(const HttpRequest &req, const HttpResponder &responder)
{
    HttpResponse r = HttpResponse::noContent();
    const QByteArray origin = allowOrigin(req);
    if (!origin.isEmpty()) r.setHeader("Access-Control-Allow-Origin", origin);
    r.setHeader("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    r.setHeader("Access-Control-Allow-Headers",
                "Accept, Authorization, Content-Type, X-Phoenix-AuthToken, X-Phoenix-LongPoll-Token");
    r.setHeader("Access-Control-Max-Age", "600");
    responder.respond(r);
}

} // namespace switchboard
