#pragma once

#include "ChunkedBodyDecoder.h"
#include "HttpRequest.h"
#include "HttpResponder.h"

#include <QObject>
#include <QTimer>

#include <optional>

class QTcpSocket;

namespace switchboard {

class HttpServer;

// One TCP connection speaking HTTP/1.1 until it upgrades to WebSocket, when
// HttpServer takes its descriptor over. The head of each request is peeked
// until it is complete, so a partial head never needs a buffer of our own.
// One timer guards every phase: the head (slowloris, and a connection that
// never sends its upgrade), the body (between two reads) and keep-alive idle.
// Under backpressure (ReadHold) a request that can write waits, read but not
// handled, and the connection is read no further until the hold is released.
class HttpConnection : public QObject
{
    Q_OBJECT
public:
    HttpConnection(QTcpSocket *socket, HttpServer *server);
    ~HttpConnection() override;

    void respond(const HttpResponse &response);
    bool isOpen() const;

private:
    void onReadyRead();
    void onDisconnected();
    void onTimeout();
    bool readBody(); // true once the body is complete
    // The request is complete: to its route, or parked while the hold is on.
    void handle();
    bool parkIfHeld();
    void resumeAfterHold();
    void fail(int status, const QString &message);
    void closeAfterResponse();

    enum class State { Head, Body, Waiting, Closing };
    QTcpSocket *m_socket;
    HttpServer *m_server;
    State m_state = State::Head;
    bool m_idle = true;    // in Head: no byte of the next request yet
    bool m_served = false; // a response went out (idle is keep-alive, not a silent client)
    HttpRequest m_request;
    qint64 m_bodyRemaining = 0;
    std::optional<ChunkedBodyDecoder> m_chunked;
    bool m_keepAlive = true;
    bool m_parked = false; // a complete request waiting for ReadHold's release
    HttpResponder m_responder;
    QTimer m_timeout;
};

} // namespace switchboard
