#include "PhoenixDialect.h"

#include "core/ChatService.h"
#include "transport/DialectContext.h"
#include "transport/SessionTag.h"
#include "PhoenixErrors.h"
#include "PhoenixLongPollEndpoint.h"
#include "PhoenixPresenceHub.h"
#include "PhoenixWebSocketSession.h"
#include "http/Router.h"

#include "net/WebSocketConnection.h"

namespace switchboard {

namespace {

const QByteArray kSubprotocolPrefix = "base64url.bearer.phx.";

// phoenix.js's authToken option travels as a WebSocket subprotocol,
// "base64url.bearer.phx.<btoa(token) without '='>" (as phoenix.js builds it).
QByteArray subprotocolToken(const HttpRequest &req)
{
    for (const QByteArray &part : req.header("sec-websocket-protocol").split(',')) {
        const QByteArray p = part.trimmed();
        if (p.startsWith(kSubprotocolPrefix)) {
            QByteArray b64 = p.mid(kSubprotocolPrefix.size());
            auto decoded = QByteArray::fromBase64Encoding(b64, QByteArray::Base64Encoding);
            if (!decoded) decoded = QByteArray::fromBase64Encoding(b64, QByteArray::Base64UrlEncoding);
            if (decoded) return decoded.decoded;
        }
    }
    return QByteArray();
}

// The app's `token` param comes first; for long-poll a session token may
// follow it, so the first occurrence is the user's.
QByteArray userToken(const HttpRequest &req)
{
    const QString fromParams = req.queryValue(QStringLiteral("token"));
    if (!fromParams.isEmpty()) return fromParams.toUtf8();
    if (QByteArray t = subprotocolToken(req); !t.isEmpty()) return t;
    if (QByteArray t = req.header("x-phoenix-authtoken"); !t.isEmpty()) return t;
    return req.bearerToken();
}

// Phoenix assumes 1.0.0 when vsn is missing and refuses versions it does not know.
std::optional<PhoenixSerializer> serializerOf(const HttpRequest &req)
{
    if (!req.query.hasQueryItem(QStringLiteral("vsn"))) return PhoenixSerializer::V1;
    return PhoenixCodec::serializerForVsn(req.queryValue(QStringLiteral("vsn")));
}

} // namespace

void PhoenixDialect::install(Router &router, const DialectContext &ctx)
{
    ChatService *chat = ctx.chat;
    auto *hub = new PhoenixPresenceHub(chat, chat);

    WebSocketSession::Limits limits = ctx.wsLimits;
    limits.idleTimeoutMs = ctx.heartbeatTimeoutMs; // Phoenix closes sockets silent for 60 s
    PhoenixConnection::Options base;
    base.codecLimits.maxFrameBytes = limits.maxFrameBytes;

    Router::WebSocketRoute route;
    route.check = [chat](const HttpRequest &req, const Router::Params &) -> std::optional<HttpResponse> {
        if (!serializerOf(req))
            return PhoenixErrors::connectRefusal(403, QStringLiteral("unsupported_vsn"),
                                                 QStringLiteral("unsupported vsn"));
        Result<User> u = chat->authenticate(userToken(req));
        if (!u.ok())
            return PhoenixErrors::connectRefusal(403, QStringLiteral("forbidden"),
                                                 PhoenixErrors::publicMessage(u.error));
        const int cap = chat->config().connectionsPerUser;
        if (cap > 0 && chat->presence()->connectionCount(u.value.id) >= cap) {
            HttpResponse r = PhoenixErrors::connectRefusal(429, QStringLiteral("rate_limit_exceeded"),
                                                           QStringLiteral("too many connections for this user"));
            r.setHeader("Retry-After", "1");
            return r;
        }
        return std::nullopt;
    };
    route.accept =
        [chat, hub, limits, base](WebSocketConnection *socket, const HttpRequest &req, const Router::Params &) {
        // Checked again: the user may have been disabled during the handshake.
        Result<User> u = chat->authenticate(userToken(req));
        PhoenixConnection::Options options = base;
        options.serializer = serializerOf(req).value_or(PhoenixSerializer::V2);
        auto *session = new PhoenixWebSocketSession(chat, hub, socket, u.value, options, limits);
        session->setToken(userToken(req));
        chat->adoptSession(session); // not a child of chat: see adoptSession()
        if (!u.ok())
            return session->close(QWebSocketProtocol::CloseCodePolicyViolated, PhoenixErrors::publicMessage(u.error));
        if (CoreError e = session->start())
            session->close(QWebSocketProtocol::CloseCodePolicyViolated, PhoenixErrors::publicMessage(e));
    };
    router.addWebSocket(QStringLiteral("/socket/websocket"), route);
    router.addWebSocket(QStringLiteral("/socket/websocket/websocket"), route);

    PhoenixLongPollSession::Timing timing;
    // Hold a poll for a sixth of the heartbeat timeout (10 s by default, as
    // Phoenix), and expire a session nobody polled for a quarter (15 s).
    timing.windowMs = qBound(200, ctx.heartbeatTimeoutMs / 6, 10000);
    timing.expiryMs = qMax(timing.windowMs + 1000, ctx.heartbeatTimeoutMs / 4);
    timing.maxQueueBytes = limits.maxSendQueueBytes;
    auto authenticate =
        [chat, base](const HttpRequest &req, User *user, PhoenixConnection::Options *options, QByteArray *token) {
        const auto serializer = serializerOf(req);
        if (!serializer) return false;
        *token = userToken(req);
        Result<User> u = chat->authenticate(*token);
        if (!u.ok()) return false;
        *user = u.value;
        *options = base;
        options->serializer = *serializer;
        return true;
    };
    auto *longPoll = new PhoenixLongPollEndpoint(chat, hub, authenticate, timing, router.originPolicy(), chat);
    longPoll->setTokenPrefix(SessionTag::prefix(ctx.sessionTag));
    for (const QString &path : {QStringLiteral("/socket/longpoll"), QStringLiteral("/socket/websocket/longpoll")}) {
        router.add("GET", path, [longPoll](const HttpRequest &req, const Router::Params &, HttpResponder r) {
            longPoll->handleGet(req, r);
        });
        router.add("POST", path, [longPoll](const HttpRequest &req, const Router::Params &, HttpResponder r) {
            longPoll->handlePost(req, r);
        });
        router.add("OPTIONS", path, [longPoll](const HttpRequest &req, const Router::Params &, HttpResponder r) {
            longPoll->handleOptions(req, r);
        });
    }
}

} // namespace switchboard
