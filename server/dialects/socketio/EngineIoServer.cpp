#include "EngineIoServer.h"

#include "EngineIoSocket.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include "net/WebSocketConnection.h"

namespace switchboard {

EngineIoServer::EngineIoServer(const EngineIoConfig &config, QObject *parent) : QObject(parent), m_config(config) {}

EngineIoServer::~EngineIoServer()
{
    // Sockets have no QObject parent (a parent with thousands of children pays
    // a linear search and a memmove for each one that goes): delete the rest.
    const QList<EngineIoSocket *> left = m_sessions.values();
    m_sessions.clear();
    qDeleteAll(left);
}

EngineIoHttpResponse EngineIoServer::errorResponse(int status, int code, const QString &message)
{
    EngineIoHttpResponse r;
    r.status = status;
    r.headers.append({QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")});
    r.body = QJsonDocument(QJsonObject{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}})
                 .toJson(QJsonDocument::Compact);
    return r;
}

QString EngineIoServer::newSid() const
{
    // 15 random bytes: 20 URL-safe characters, like the reference server's ids;
    // in a cluster after the node's tag, by which a balancer routes the polls.
    QString sid;
    do {
        QByteArray raw(15, Qt::Uninitialized);
        QRandomGenerator::system()->generate(raw.begin(), raw.end());
        sid = m_config.sidPrefix + QString::fromLatin1(raw.toBase64(QByteArray::Base64UrlEncoding));
    } while (m_sessions.contains(sid));
    return sid;
}

bool EngineIoServer::refusesOrigin(const EngineIoHttpRequest &request) const
{
    // Only the cookie is ambient authority: a token in the query or a header
    // was put there by the page itself, whatever its origin.
    return m_config.origins.refusesCookie(request.header("Origin"), request.header("Host"), request.header("Cookie"));
}

void EngineIoServer::addCors(const EngineIoHttpRequest &request, EngineIoHttpResponse *response) const
{
    const QByteArray origin = request.header("Origin");
    if (origin.isEmpty()) return;
    response->headers.append({QByteArrayLiteral("Vary"), QByteArrayLiteral("Origin")});
    if (!m_config.origins.allows(origin, request.header("Host"))) return;
    // Echo the origin (never "*") so that withCredentials requests work.
    response->headers.append({QByteArrayLiteral("Access-Control-Allow-Origin"), origin});
    response->headers.append({QByteArrayLiteral("Access-Control-Allow-Credentials"), QByteArrayLiteral("true")});
}

EngineIoSocket *EngineIoServer::createSession(const EngineIoHttpRequest &request)
{
    const QString sid = newSid();
    auto *socket = new EngineIoSocket(sid, m_config, request, &m_timers);
    m_sessions.insert(sid, socket);
    connect(socket, &EngineIoSocket::closed, this, [this, sid] { m_sessions.remove(sid); });
    return socket;
}

void EngineIoServer::handleHttp(const EngineIoHttpRequest &request, const EngineIoReply &reply)
{
    // Every answer, now or later, carries the CORS headers for its request.
    const EngineIoReply corsReply = [this, request, reply](const EngineIoHttpResponse &response) {
        EngineIoHttpResponse r = response;
        addCors(request, &r);
        reply(r);
    };

    const QByteArray origin = request.header("Origin");
    if (refusesOrigin(request)
        || (request.method == "OPTIONS" && !origin.isEmpty()
            && !m_config.origins.allows(origin, request.header("Host")))) {
        reply(errorResponse(403, Forbidden, QStringLiteral("Forbidden")));
        return;
    }
    if (request.method == "OPTIONS") {
        EngineIoHttpResponse r;
        r.status = 204;
        r.headers.append({QByteArrayLiteral("Access-Control-Allow-Methods"), QByteArrayLiteral("GET, POST, OPTIONS")});
        const QByteArray wanted = request.header("Access-Control-Request-Headers");
        if (!wanted.isEmpty()) r.headers.append({QByteArrayLiteral("Access-Control-Allow-Headers"), wanted});
        r.headers.append({QByteArrayLiteral("Access-Control-Max-Age"), QByteArrayLiteral("86400")});
        corsReply(r);
        return;
    }
    if (request.query(QStringLiteral("EIO")) != QLatin1String("4")) {
        corsReply(errorResponse(400, UnsupportedProtocolVersion, QStringLiteral("Unsupported protocol version")));
        return;
    }
    const QString transport = request.query(QStringLiteral("transport"));
    if (transport != QLatin1String("polling")) {
        // A websocket transport reaching the plain-HTTP path is a failed upgrade.
        corsReply(errorResponse(400, transport == QLatin1String("websocket") ? BadRequest : TransportUnknown,
                                transport == QLatin1String("websocket") ? QStringLiteral("Bad request")
                                                                        : QStringLiteral("Transport unknown")));
        return;
    }
    const QUrlQuery query(request.url);
    if (!query.hasQueryItem(QStringLiteral("sid"))) {
        if (request.method != "GET") {
            corsReply(errorResponse(400, BadHandshakeMethod, QStringLiteral("Bad handshake method")));
            return;
        }
        EngineIoSocket *socket = createSession(request);
        socket->startPolling(corsReply);
        Q_EMIT connection(socket);
        socket->releaseHandshake();
        return;
    }
    EngineIoSocket *socket = m_sessions.value(request.query(QStringLiteral("sid")));
    if (!socket || (!socket->isOpen() && request.method != "GET")) {
        corsReply(errorResponse(400, SessionIdUnknown, QStringLiteral("Session ID unknown")));
        return;
    }
    if (socket->transport() != EngineIoSocket::Transport::Polling) {
        // Upgraded sessions no longer poll (engine.io-protocol v4, "Upgrade").
        corsReply(errorResponse(400, BadRequest, QStringLiteral("Bad request")));
        return;
    }
    if (request.method == "GET") {
        socket->handlePollGet(corsReply, request.connectionAlive);
    } else if (request.method == "POST") {
        socket->handlePollPost(request.body, corsReply);
    } else {
        corsReply(errorResponse(400, BadRequest, QStringLiteral("Bad request")));
    }
}

std::optional<EngineIoHttpResponse> EngineIoServer::checkUpgrade(const EngineIoHttpRequest &request) const
{
    if (refusesOrigin(request)) return errorResponse(403, Forbidden, QStringLiteral("Forbidden"));
    if (request.query(QStringLiteral("EIO")) != QLatin1String("4"))
        return errorResponse(400, UnsupportedProtocolVersion, QStringLiteral("Unsupported protocol version"));
    if (request.query(QStringLiteral("transport")) != QLatin1String("websocket"))
        return errorResponse(400, TransportUnknown, QStringLiteral("Transport unknown"));
    if (QUrlQuery(request.url).hasQueryItem(QStringLiteral("sid"))) {
        EngineIoSocket *socket = m_sessions.value(request.query(QStringLiteral("sid")));
        if (!socket || !socket->isOpen())
            return errorResponse(400, SessionIdUnknown, QStringLiteral("Session ID unknown"));
        if (socket->transport() != EngineIoSocket::Transport::Polling || socket->isUpgrading())
            return errorResponse(400, BadRequest, QStringLiteral("Bad request"));
    }
    return std::nullopt;
}

void EngineIoServer::handleWebSocket(WebSocketConnection *ws, const EngineIoHttpRequest &request)
{
    if (checkUpgrade(request).has_value()) {
        // Already past 101 (the HTTP layer did not ask first): close it.
        ws->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("Bad request"));
        ws->deleteLater();
        return;
    }
    if (QUrlQuery(request.url).hasQueryItem(QStringLiteral("sid"))) {
        m_sessions.value(request.query(QStringLiteral("sid")))->beginUpgrade(ws);
        return;
    }
    EngineIoSocket *socket = createSession(request);
    socket->startWebSocket(ws);
    Q_EMIT connection(socket);
    socket->releaseHandshake();
}

} // namespace switchboard
