#pragma once

#include "Router.h"

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QTcpServer;
class QTcpSocket;
class TlsContext;
class WebSocketConnection;

// The listeners: plain HTTP (REST, long-polling) and WebSocket upgrades on the
// same ports. Upgrades are routed and checked here (a route can refuse with a
// real HTTP status), completed in the same pass (WebSocketHandshake) and
// handed to the route as a WebSocketConnection on the raw descriptor.
class HttpServer : public QObject
{
    Q_OBJECT
public:
    struct Limits
    {
        qint64 maxBodyBytes = 11 * 1024 * 1024;        // uploads need room
        int headTimeoutMs = 15000;                     // slowloris guard
        int idleTimeoutMs = 60000;                     // keep-alive
        qint64 maxWebSocketMessageBytes = 1024 * 1024; // until the session sets its own
        int tlsHandshakeTimeoutMs = 10000;             // a stalled handshake holds a socket
    };

    explicit HttpServer(QObject *parent = nullptr);
    ~HttpServer() override;

    Router &router() { return m_router; }
    Limits &limits() { return m_limits; }

    // "host:port" entries; on failure nothing stays listening.
    bool listen(const QList<QPair<QHostAddress, quint16>> &addresses, QString *error);
    // The same over TLS with tls's certificate (followed when it is reloaded):
    // one TLS session per connection, kept across a WebSocket upgrade.
    bool listenTls(const QList<QPair<QHostAddress, quint16>> &addresses, TlsContext *tls, QString *error);
    QList<quint16> serverPorts() const;
    void stopListening();

    // Called by HttpConnection.
    void handleRequest(const HttpRequest &req, HttpResponder responder);
    // The head is already read from the socket; anything after it is frames.
    bool handleUpgrade(QTcpSocket *socket, const HttpRequest &req);

private:
    void onNewTcpConnection(QTcpServer *server);
    bool listenOn(QTcpServer *server, const QHostAddress &address, quint16 port, QString *error);

    Router m_router;
    Limits m_limits;
    QList<QTcpServer *> m_servers;
};
