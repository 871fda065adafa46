#include "HttpServer.h"

#include "HttpConnection.h"

#include "net/WebSocketConnection.h"
#include "WebSocketHandshake.h"

#include <QLoggingCategory>
#include <QTcpServer>
#include <QTcpSocket>

#include <fcntl.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcHttp, "switchboard.http")

HttpServer::HttpServer(QObject *parent) : QObject(parent) {}

HttpServer::~HttpServer() = default;

bool HttpServer::listen(const QList<QPair<QHostAddress, quint16>> &addresses, QString *error)
{
    for (const auto &a : addresses) {
        auto *server = new QTcpServer(this);
        server->setListenBacklogSize(4096);
        if (!server->listen(a.first, a.second)) {
            *error = QStringLiteral("cannot listen on %1:%2: %3")
                         .arg(a.first.toString())
                         .arg(a.second)
                         .arg(server->errorString());
            delete server;
            stopListening();
            return false;
        }
        connect(server, &QTcpServer::newConnection, this, [this, server] { onNewTcpConnection(server); });
        m_servers.append(server);
    }
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
    // Every upgrade, whichever dialect: the token cookie comes only from allowed origins.
    if (m_router.originPolicy().refusesCookie(req.header("origin"), req.header("host"), req.header("cookie")))
        return refuse(
            HttpResponse::error(403, QStringLiteral("origin_not_allowed"),
                                QStringLiteral("this origin may not open a WebSocket with the token cookie")));

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
    // phoenix.js sends its authToken as a subprotocol next to "phoenix".
    static const QByteArrayList subprotocols{"phoenix"};
    auto *ws = new WebSocketConnection(fd, req.remoteAddress, req.remotePort, early,
                                       WebSocketHandshake::response(req, subprotocols),
                                       m_limits.maxWebSocketMessageBytes);
    ws->setUserAgent(req.header("user-agent"));
    route->accept(ws, req, params);
    return true;
}
