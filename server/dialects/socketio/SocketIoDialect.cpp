#include "SocketIoDialect.h"

#include "core/ChatService.h"
#include "core/Metrics.h"
#include "transport/DialectContext.h"
#include "transport/SessionTag.h"
#include "EngineIoServer.h"
#include "EngineIoSocket.h"
#include "http/Router.h"
#include "SocketIoConnection.h"

#include "net/WebSocketConnection.h"

namespace switchboard {

namespace {

EngineIoHttpRequest toEngineIo(const HttpRequest &req)
{
    EngineIoHttpRequest r;
    r.method = req.method;
    r.url = QUrl::fromEncoded(req.target);
    r.headers = req.headers;
    r.body = req.body;
    r.peer = req.remoteAddress;
    return r;
}

EngineIoReply toReply(const HttpResponder &responder)
{
    return [responder](const EngineIoHttpResponse &res) {
        HttpResponse out;
        out.status = res.status;
        out.headers = res.headers;
        out.body = res.body;
        responder.respond(out);
    };
}

HttpResponse toHttp(const EngineIoHttpResponse &res)
{
    HttpResponse out;
    out.status = res.status;
    out.headers = res.headers;
    out.body = res.body;
    return out;
}

} // namespace

SocketIoDialect::SocketIoDialect(ChatService *chat, const EngineIoConfig &config, QObject *parent)
    : QObject(parent)
    , m_chat(chat)
    , m_engine(new EngineIoServer(config, this))
{
    connect(m_engine, &EngineIoServer::connection, this, [this](EngineIoSocket *socket) {
        const int cap = m_engine->config().maxUnauthenticated;
        if (cap > 0 && SocketIoConnection::unauthenticatedCount() >= cap) {
            // Too many sessions that have not authenticated (sent CONNECT): refuse
            // the newest rather than let idle handshakes crowd out real clients.
            ++Metrics::instance().httpRejections["unauthenticated"];
            socket->close(QStringLiteral("too many unauthenticated connections"),
                          QWebSocketProtocol::CloseCode(1013)); // try again later
            return;
        }
        // Owned by the engine socket: both go when the Engine.IO session ends.
        new SocketIoConnection(socket, m_chat, m_engine->config().connectTimeout, socket);
    });
}

SocketIoDialect::~SocketIoDialect() = default;

EngineIoConfig SocketIoDialect::configFrom(const DialectContext &context, const OriginPolicy &origins)
{
    EngineIoConfig c;
    c.pingInterval = context.pingIntervalMs;
    c.pingTimeout = context.pingTimeoutMs;
    c.origins = origins; // the router's, shared: a reload changes it here too
    c.maxSendQueueBytes = context.wsLimits.maxSendQueueBytes;
    c.connectTimeout = context.connectTimeoutMs;
    c.maxUnauthenticated = context.maxUnauthenticated;
    c.sidPrefix = SessionTag::prefix(context.sessionTag);
    return c;
}

void SocketIoDialect::install(Router &router, const DialectContext &context)
{
    auto *dialect = new SocketIoDialect(context.chat, configFrom(context, router.originPolicy()), context.chat);
    dialect->registerRoutes(router);
}

void SocketIoDialect::registerRoutes(Router &router)
{
    const auto http = [this](const HttpRequest &req, const Router::Params &, HttpResponder responder) {
        EngineIoHttpRequest r = toEngineIo(req);
        r.connectionAlive = [responder] { return responder.isConnected(); };
        m_engine->handleHttp(r, toReply(responder));
    };
    Router::WebSocketRoute ws;
    ws.check = [this](const HttpRequest &req, const Router::Params &) -> std::optional<HttpResponse> {
        if (auto refusal = m_engine->checkUpgrade(toEngineIo(req))) return toHttp(*refusal);
        return std::nullopt;
    };
    ws.accept = [this](WebSocketConnection *socket, const HttpRequest &req, const Router::Params &) {
        m_engine->handleWebSocket(socket, toEngineIo(req));
    };
    // The client always adds the trailing slash; accept the bare path too.
    for (const QString &path : {QStringLiteral("/socket.io/"), QStringLiteral("/socket.io")}) {
        for (const QByteArray &method :
             {QByteArrayLiteral("GET"), QByteArrayLiteral("POST"), QByteArrayLiteral("OPTIONS")})
            router.add(method, path, http);
        router.addWebSocket(path, ws);
    }
}

} // namespace switchboard
