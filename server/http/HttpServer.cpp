#include "HttpServer.h"

#include "HttpConnection.h"

#include "net/WebSocketConnection.h"
#include "WebSocketHandshake.h"

#include "net/TlsContext.h"

#include <QLoggingCategory>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>

#include <fcntl.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcHttp, "switchboard.http")

HttpServer::HttpServer(QObject *parent) : QObject(parent) {}

HttpServer::~HttpServer() = default;

bool HttpServer::listen(const QList<QPair<QHostAddress, quint16>> &addresses, QString *error)
{
    for (const auto &a : addresses)
        if (!listenOn(new QTcpServer(this), a.first, a.second, error)) return false;
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
    if (qobject_cast<QSslServer *>(server))
        connect(server, &QTcpServer::pendingConnectionAvailable, this, [this, server] { onNewTcpConnection(server); });
    else
        connect(server, &QTcpServer::newConnection, this, [this, server] { onNewTcpConnection(server); });
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
}

void HttpServer::onNewTcpConnection(QTcpServer *server)
{
    while (QTcpSocket *socket = server->nextPendingConnection()) {
        // Chat frames are small: without TCP_NODELAY they wait for the peer's delayed ACK (~40 ms).
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        new HttpConnection(socket, this);
    }
}

void HttpServer::handleRequest(const HttpRequest &req, HttpResponder responder)
{
    m_router.dispatch(req, responder);
}

bool HttpServer::handleUpgrade(QTcpSocket *socket, const HttpRequest &req)
{
    Router::Params params;
    const Router::WebSocketRoute *route = m_router.webSocketRoute(req, &params);
    auto refuse = [socket](const HttpResponse &res) {
        socket->write(res.serialize(false));
        socket->disconnectFromHost();
        QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        socket->skip(socket->bytesAvailable());
        return true;
    };
    if (!route)
        return refuse(
            HttpResponse::error(404, QStringLiteral("not_found"), QStringLiteral("no WebSocket endpoint here")));
    if (std::optional<HttpResponse> invalid = WebSocketHandshake::check(req)) return refuse(*invalid);
    if (route->check)
        if (std::optional<HttpResponse> refusal = route->check(req, params)) return refuse(*refusal);

    // phoenix.js sends its authToken as a subprotocol next to "phoenix".
    static const QByteArrayList subprotocols{"phoenix"};
    const QByteArray response = WebSocketHandshake::response(req, subprotocols);
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
    ws->setUserAgent(req.header("user-agent"));
    route->accept(ws, req, params);
    return true;
}
