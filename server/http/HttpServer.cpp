#include "HttpServer.h"

#include "HttpConnection.h"
#include "HttpListener.h"
#include "HttpRequestParser.h"

#include "core/Metrics.h"

#include "net/EpollEventDispatcher.h"
#include "net/WebSocketConnection.h"
#include "WebSocketHandshake.h"

#include "net/TlsContext.h"

#include <QLoggingCategory>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace switchboard {

Q_LOGGING_CATEGORY(lcHttp, "switchboard.http")

namespace {
// Connections taken from the kernel's backlog per loop pass. Qt's listener
// accepts until the backlog is empty, so a burst of a thousand connects was one
// 40-50 ms pass that the room's messages waited behind (docs/benchmarks-scale.md).
// At the cap it stops and waits for the next pass's drain. 32 and 16 both
// keep the pass short; 16 measured a little better for the room.
constexpr int kAcceptsPerPass = 16;
// phoenix.js sends its authToken as a subprotocol next to "phoenix".
const QByteArrayList kSubprotocols{"phoenix"};
} // namespace

HttpServer::HttpServer(QObject *parent) : QObject(parent) {}

HttpServer::~HttpServer() = default;

bool HttpServer::listen(const QList<QPair<QHostAddress, quint16>> &addresses, QString *error)
{
    for (const auto &a : addresses) {
        auto *listener = new HttpListener([this](QTcpServer *l, qintptr fd) { return takeAccepted(l, fd); }, this);
        if (!listenOn(listener, a.first, a.second, error)) return false;
    }
    return true;
}

bool HttpServer::listenTls(const QList<QPair<QHostAddress, quint16>> &addresses, TlsContext *tls, QString *error)
{
    for (const auto &a : addresses) {
        auto *server = new QSslServer(this);
        server->setSslConfiguration(tls->configuration());
        server->setHandshakeTimeout(m_limits.tlsHandshakeTimeoutMs);
        connect(tls, &TlsContext::configurationChanged, server,
                [server, tls] { server->setSslConfiguration(tls->configuration()); });
        if (!listenOn(server, a.first, a.second, error)) return false;
    }
    return true;
}

bool HttpServer::listenOn(QTcpServer *server, const QHostAddress &address, quint16 port, QString *error)
{
    server->setListenBacklogSize(4096);
    if (!server->listen(address, port)) {
        *error =
            QStringLiteral("cannot listen on %1:%2: %3").arg(address.toString()).arg(port).arg(server->errorString());
        delete server;
        stopListening();
        return false;
    }
    // A QSslServer offers a connection once its handshake is done; a failed or
    // stalled handshake (plain HTTP on the TLS port) never reaches us.
    if (qobject_cast<QSslServer *>(server)) {
        connect(server, &QTcpServer::pendingConnectionAvailable, this, [this, server] { onNewTcpConnection(server); });
    } else {
        // Taken in a posted drain, not here: the listener's own loop then stops
        // at kAcceptsPerPass pending, and the drain (nextPendingConnection)
        // turns its notifier back on for the next pass.
        server->setMaxPendingConnections(kAcceptsPerPass);
        connect(server, &QTcpServer::newConnection, this, [this, server] {
            if (m_drainPosted.contains(server)) return;
            m_drainPosted.insert(server);
            QMetaObject::invokeMethod(
                server,
                [this, server] {
                m_drainPosted.remove(server);
                onNewTcpConnection(server);
                },
                Qt::QueuedConnection);
        });
    }
    m_servers.append(server);
    return true;
}

QList<quint16> HttpServer::serverPorts() const
{
    QList<quint16> out;
    for (QTcpServer *s : m_servers) out.append(s->serverPort());
    return out;
}

void HttpServer::stopListening()
{
    for (QTcpServer *s : m_servers) {
        s->close();
        s->deleteLater();
    }
    m_servers.clear();
    m_drainPosted.clear();
}

void HttpServer::countRejection(const char *reason)
{
    ++Metrics::instance().httpRejections[QByteArray(reason)];
}

void HttpServer::onNewTcpConnection(QTcpServer *server)
{
    while (QTcpSocket *socket = server->nextPendingConnection()) {
        // Chat frames are small: without TCP_NODELAY they wait for the peer's delayed ACK (~40 ms).
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        // Newcomers wait behind established clients (messages first); a
        // WebSocket moves to the chat lane once its session is attached.
        EpollEventDispatcher::setLane(socket->socketDescriptor(), EpollEventDispatcher::Lane::Background);
        if (m_limits.maxConnectionsPerIp > 0) {
            const QString peer = socket->peerAddress().toString();
            int &count = m_connectionsPerIp[peer];
            if (count >= m_limits.maxConnectionsPerIp) {
                // As nginx's limit_conn: 503, before reading anything.
                countRejection("connections_per_ip");
                socket->write(HttpResponse::error(503, QStringLiteral("too_many_connections"),
                                                  QStringLiteral("too many connections from this address"))
                                  .serialize(false));
                socket->disconnectFromHost();
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
                continue;
            }
            ++count;
            // Held until the socket's descriptor is closed: by the HTTP connection,
            // or by the WebSocket it became (handleUpgrade moves the release there).
            socket->setProperty("sb_countedPeer", peer);
        }
        new HttpConnection(socket, this);
    }
}

void HttpServer::releaseAddress(const QString &address)
{
    auto it = m_connectionsPerIp.find(address);
    if (it == m_connectionsPerIp.end()) return;
    if (--it.value() <= 0) m_connectionsPerIp.erase(it);
}

void HttpServer::releaseConnection(QTcpSocket *socket)
{
    const QVariant counted = socket->property("sb_countedPeer");
    if (!counted.isValid()) return;
    socket->setProperty("sb_countedPeer", QVariant());
    releaseAddress(counted.toString());
}

void HttpServer::handleRequest(const HttpRequest &req, HttpResponder responder)
{
    m_router.dispatch(req, responder);
}

std::optional<HttpResponse> HttpServer::vetUpgrade(const HttpRequest &req, const Router::WebSocketRoute **route,
                                                   Router::Params *params)
{
    *route = m_router.webSocketRoute(req, params);
    if (!*route)
        return HttpResponse::error(404, QStringLiteral("not_found"), QStringLiteral("no WebSocket endpoint here"));
    if (std::optional<HttpResponse> invalid = WebSocketHandshake::check(req)) return invalid;
    if ((*route)->check)
        if (std::optional<HttpResponse> refusal = (*route)->check(req, *params)) return refusal;
    // Every upgrade, whichever dialect: the token cookie comes only from allowed origins.
    if (m_router.originPolicy().refusesCookie(req.header("origin"), req.header("host"), req.header("cookie")))
        return HttpResponse::error(403, QStringLiteral("origin_not_allowed"),
                                   QStringLiteral("this origin may not open a WebSocket with the token cookie"));
    return std::nullopt;
}

void HttpServer::refuseUpgrade(QTcpSocket *socket, const HttpResponse &response)
{
    releaseConnection(socket);
    socket->write(response.serialize(false));
    socket->disconnectFromHost();
    QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    socket->skip(socket->bytesAvailable());
}

bool HttpServer::handleUpgrade(QTcpSocket *socket, const HttpRequest &req)
{
    Router::Params params;
    const Router::WebSocketRoute *route = nullptr;
    if (std::optional<HttpResponse> refusal = vetUpgrade(req, &route, &params)) {
        refuseUpgrade(socket, *refusal);
        return true;
    }

    // The per-address count moves from the HTTP socket to the WebSocket.
    const QVariant counted = socket->property("sb_countedPeer");
    socket->setProperty("sb_countedPeer", QVariant());
    const QByteArray response = WebSocketHandshake::response(req, kSubprotocols);
    WebSocketConnection *ws = nullptr;
    if (auto *tls = qobject_cast<QSslSocket *>(socket)) {
        // The TLS session lives in the socket: it stays and carries the frames.
        disconnect(socket, nullptr, nullptr, nullptr);
        ws = new WebSocketConnection(tls, req.remoteAddress, req.remotePort, socket->readAll(), response,
                                     m_limits.maxWebSocketMessageBytes);
    } else {
        // Take the descriptor over from QTcpSocket: a duplicate survives the
        // QTcpSocket, which unregisters its notifiers and closes its own copy.
        const int fd = ::fcntl(int(socket->socketDescriptor()), F_DUPFD_CLOEXEC, 0);
        if (fd < 0) {
            qCWarning(lcHttp) << "cannot take over an upgraded socket:" << qt_error_string(errno);
            socket->abort();
            socket->deleteLater();
            return true;
        }
        const QByteArray early = socket->readAll(); // frames sent right behind the head
        socket->abort();
        socket->deleteLater();
        ws = new WebSocketConnection(fd, req.remoteAddress, req.remotePort, early, response,
                                     m_limits.maxWebSocketMessageBytes);
    }
    completeUpgrade(ws, *route, req, params, counted.isValid() ? counted.toString() : QString());
    return true;
}

void HttpServer::completeUpgrade(WebSocketConnection *ws, const Router::WebSocketRoute &route, const HttpRequest &req,
                                 const Router::Params &params, const QString &countedAddress)
{
    ws->setUserAgent(req.header("user-agent"));
    if (!countedAddress.isEmpty())
        connect(ws, &QObject::destroyed, this, [this, countedAddress] { releaseAddress(countedAddress); });
    route.accept(ws, req, params);
}

bool HttpServer::takeAccepted(QTcpServer *listener, qintptr descriptor)
{
    // Qt's listener accepts until its pending list is full, and a descriptor
    // taken here never joins that list: the pass's count is kept here instead.
    if (m_acceptsThisPass++ == 0) QMetaObject::invokeMethod(this, &HttpServer::newAcceptPass, Qt::QueuedConnection);
    if (m_acceptsThisPass >= kAcceptsPerPass) {
        listener->setMaxPendingConnections(0); // it stops before its next accept
        m_acceptsCapped = true;
    }
    // The per-address cap answers before reading anything: it keeps the usual path.
    if (m_limits.maxConnectionsPerIp > 0) return false;
    const int fd = int(descriptor);
    // Under load the client's upgrade request is usually in by the time it is
    // accepted; then QTcpSocket's set-up and our taking its descriptor over
    // (about ten system calls) are skipped. Peeked, so a decline loses nothing.
    if (m_peek.size() != HttpRequestParser::MaxHeadBytes + 4) m_peek.resize(HttpRequestParser::MaxHeadBytes + 4);
    const ssize_t peeked = ::recv(fd, m_peek.data(), size_t(m_peek.size()), MSG_PEEK | MSG_DONTWAIT);
    if (peeked <= 0) return false;
    HttpRequest req;
    const auto outcome = HttpRequestParser::parseHead(QByteArray(m_peek.constData(), peeked), &req);
    if (outcome.state != HttpRequestParser::State::Complete || !req.isWebSocketUpgrade() || outcome.chunked
        || outcome.contentLength != 0)
        return false;
    sockaddr_storage peer{};
    socklen_t peerLength = sizeof peer;
    if (::getpeername(fd, reinterpret_cast<sockaddr *>(&peer), &peerLength) != 0) return false;
    req.remoteAddress = QHostAddress(reinterpret_cast<const sockaddr *>(&peer));
    req.remotePort = ntohs(peer.ss_family == AF_INET6 ? reinterpret_cast<const sockaddr_in6 *>(&peer)->sin6_port
                                                      : reinterpret_cast<const sockaddr_in *>(&peer)->sin_port);

    // From here on the connection is ours: the head is read off, frames behind it stay for the WebSocket.
    if (::recv(fd, m_peek.data(), size_t(outcome.headBytes), MSG_DONTWAIT) != outcome.headBytes
        || ::fcntl(fd, F_SETFL, O_NONBLOCK) != 0) {
        qCWarning(lcHttp) << "cannot take an accepted socket over:" << qt_error_string(errno);
        ::close(fd);
        return true;
    }
    // Chat frames are small: without TCP_NODELAY they wait for the peer's delayed ACK (~40 ms).
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

    Router::Params params;
    const Router::WebSocketRoute *route = nullptr;
    if (std::optional<HttpResponse> refusal = vetUpgrade(req, &route, &params)) {
        // Refusals are rare: answered through a QTcpSocket, with its lingering close.
        auto *socket = new QTcpSocket(listener);
        socket->setSocketDescriptor(descriptor);
        EpollEventDispatcher::setLane(descriptor, EpollEventDispatcher::Lane::Background);
        refuseUpgrade(socket, *refusal);
        return true;
    }
    ++Metrics::instance().upgradesAtAccept;
    auto *ws = new WebSocketConnection(fd, req.remoteAddress, req.remotePort, QByteArray(),
                                       WebSocketHandshake::response(req, kSubprotocols),
                                       m_limits.maxWebSocketMessageBytes);
    completeUpgrade(ws, *route, req, params, QString()); // the per-address cap is off on this path
    return true;
}

void HttpServer::newAcceptPass()
{
    m_acceptsThisPass = 0;
    if (!m_acceptsCapped) return;
    m_acceptsCapped = false;
    for (QTcpServer *s : std::as_const(m_servers)) {
        if (!qobject_cast<HttpListener *>(s)) continue;
        s->setMaxPendingConnections(kAcceptsPerPass);
        s->resumeAccepting();
    }
}

} // namespace switchboard
