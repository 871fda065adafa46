#pragma once

#include "Router.h"

#include <QHash>
#include <QSet>
#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <optional>

class QTcpServer;
class QTcpSocket;

namespace switchboard {

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
    // docs/conformance.md has each default beside nginx's, uWebSockets' and Centrifugo's.
    struct Limits
    {
        qint64 maxBodyBytes = 11 * 1024 * 1024;        // uploads need room
        int headTimeoutMs = 15000;                     // the whole head (or upgrade request): slowloris guard
        int bodyTimeoutMs = 30000;                     // between two reads of a body
        int idleTimeoutMs = 60000;                     // keep-alive
        int maxConnectionsPerIp = 0;                   // TCP connections, HTTP and WebSocket; 0: off
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
    // Counts a connection refused or cut by a limit, by reason (/metrics).
    static void countRejection(const char *reason);
    // Gives back a connection's place under the per-address cap (idempotent).
    void releaseConnection(QTcpSocket *socket);

private:
    // An accepted plain descriptor whose request head is already in the kernel
    // and asks for an upgrade: answered here, with no QTcpSocket. Anything else
    // (no head yet, a partial one, a plain request) is declined untouched.
    bool takeAccepted(QTcpServer *listener, qintptr descriptor);
    void newAcceptPass();
    // The route and its parameters for an upgrade, or the refusal to answer it with.
    std::optional<HttpResponse> vetUpgrade(const HttpRequest &req, const Router::WebSocketRoute **route,
                                           Router::Params *params);
    void refuseUpgrade(QTcpSocket *socket, const HttpResponse &response);
    // Both upgrade paths end here; countedAddress (if any) is released when the WebSocket goes.
    void completeUpgrade(WebSocketConnection *ws, const Router::WebSocketRoute &route, const HttpRequest &req,
                         const Router::Params &params, const QString &countedAddress);
    void onNewTcpConnection(QTcpServer *server);
    void releaseAddress(const QString &address);
    bool listenOn(QTcpServer *server, const QHostAddress &address, quint16 port, QString *error);

    Router m_router;
    Limits m_limits;
    QList<QTcpServer *> m_servers;
    QSet<QTcpServer *> m_drainPosted;       // listeners with a drain on its way
    int m_acceptsThisPass = 0;              // plain accepts, taken or pending, since the pass began
    bool m_acceptsCapped = false;           // a listener was stopped at kAcceptsPerPass this pass
    QByteArray m_peek;                      // takeAccepted's look at a request head
    QHash<QString, int> m_connectionsPerIp; // only while the cap is on
};

} // namespace switchboard
