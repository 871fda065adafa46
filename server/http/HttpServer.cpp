#include "HttpServer.h"

#include "HttpConnection.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QTcpServer>
#include <QWebSocket>
#include <QWebSocketServer>

Q_LOGGING_CATEGORY(lcHttp, "switchboard.http")

static QString peerKey(const QHostAddress &a, quint16 port) { return a.toString() + QLatin1Char('|') + QString::number(port); }

HttpServer::HttpServer(QObject *parent)
    : QObject(parent), m_ws(new QWebSocketServer(QStringLiteral("switchboard"), QWebSocketServer::NonSecureMode, this))
{
    m_ws->setHandshakeTimeout(m_limits.handshakeTimeoutMs);
    // phoenix.js sends its authToken as a subprotocol next to "phoenix".
    m_ws->setSupportedSubprotocols({QStringLiteral("phoenix")});
    connect(m_ws, &QWebSocketServer::newConnection, this, &HttpServer::onWebSocket);
    m_expiry.setInterval(1000);
    connect(&m_expiry, &QTimer::timeout, this, &HttpServer::expirePending);
}

HttpServer::~HttpServer() = default;

bool HttpServer::listen(const QList<QPair<QHostAddress, quint16>> &addresses, QString *error)
{
    for (const auto &a : addresses) {
        auto *server = new QTcpServer(this);
        server->setListenBacklogSize(4096);
        if (!server->listen(a.first, a.second)) {
            *error = QStringLiteral("cannot listen on %1:%2: %3").arg(a.first.toString()).arg(a.second).arg(server->errorString());
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
    if (!route) return refuse(HttpResponse::error(404, QStringLiteral("not_found"), QStringLiteral("no WebSocket endpoint here")));
    if (route->check)
        if (std::optional<HttpResponse> refusal = route->check(req, params)) return refuse(*refusal);
    Pending p{route, req, params, socket, QDateTime::currentMSecsSinceEpoch() + m_limits.handshakeTimeoutMs};
    m_pending.insert(peerKey(socket->peerAddress(), socket->peerPort()), p);
    if (!m_expiry.isActive()) m_expiry.start();
    m_ws->handleConnection(socket);
    return true;
}

void HttpServer::onWebSocket()
{
    while (QWebSocket *ws = m_ws->nextPendingConnection()) {
        const Pending p = m_pending.take(peerKey(ws->peerAddress(), ws->peerPort()));
        if (!p.route) {
            qCWarning(lcHttp) << "upgraded socket without a pending route" << ws->peerAddress();
            ws->abort();
            ws->deleteLater();
            continue;
        }
        p.route->accept(ws, p.request, p.params);
    }
}

void HttpServer::expirePending()
{
    // QWebSocketServer::handleConnection() starts no handshake timer of its own.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (auto it = m_pending.begin(); it != m_pending.end();) {
        if (it->deadline <= now || !it->socket) {
            if (it->socket) it->socket->abort();
            it = m_pending.erase(it);
        } else {
            ++it;
        }
    }
    if (m_pending.isEmpty()) m_expiry.stop();
}
