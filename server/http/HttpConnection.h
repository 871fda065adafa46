#pragma once

#include "HttpRequest.h"
#include "HttpResponder.h"

#include <QObject>
#include <QTimer>

class HttpServer;
class QTcpSocket;

// One TCP connection speaking HTTP/1.1 until it upgrades to WebSocket, when
// HttpServer takes its descriptor over. The head of each request is peeked
// until it is complete, so a partial head never needs a buffer of our own.
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
    void finishRequest();
    void fail(int status, const QString &message);

    enum class State { Head, Body, Waiting, Closing };
    QTcpSocket *m_socket;
    HttpServer *m_server;
    State m_state = State::Head;
    HttpRequest m_request;
    qint64 m_bodyRemaining = 0;
    bool m_keepAlive = true;
    HttpResponder m_responder;
    QTimer m_timeout;
};
