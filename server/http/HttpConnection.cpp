#include "HttpConnection.h"

#include "HttpRequestParser.h"
#include "HttpServer.h"

#include <QTcpSocket>

HttpConnection::HttpConnection(QTcpSocket *socket, HttpServer *server)
    : QObject(server)
    , m_socket(socket)
    , m_server(server)
{
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &HttpConnection::onDisconnected);
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        if (m_state == State::Head && m_socket->bytesAvailable() > 0)
            fail(408, QStringLiteral("request timeout"));
        else
            m_socket->abort();
    });
    m_timeout.start(m_server->limits().headTimeoutMs);
    if (m_socket->bytesAvailable()) QMetaObject::invokeMethod(this, &HttpConnection::onReadyRead, Qt::QueuedConnection);
}

HttpConnection::~HttpConnection()
{
    if (m_responder.m_state && !m_responder.m_state->responded && m_responder.m_state->disconnected) {
        auto fn = std::move(m_responder.m_state->disconnected);
        m_responder.m_state->disconnected = nullptr;
        fn();
    }
}

bool HttpConnection::isOpen() const
{
    return m_socket && m_socket->state() == QAbstractSocket::ConnectedState && m_state != State::Closing;
}

void HttpConnection::onReadyRead()
{
    while (m_state == State::Head || m_state == State::Body) {
        if (m_state == State::Head) {
            if (m_socket->bytesAvailable() == 0) return;
            const QByteArray head = m_socket->peek(HttpRequestParser::MaxHeadBytes + 4);
            m_request = HttpRequest();
            const auto outcome = HttpRequestParser::parseHead(head, &m_request);
            if (outcome.state == HttpRequestParser::State::NeedMore) return;
            if (outcome.state == HttpRequestParser::State::Error) return fail(outcome.errorStatus, outcome.error);
            m_request.remoteAddress = m_socket->peerAddress();
            m_request.remotePort = m_socket->peerPort();
            if (m_request.isWebSocketUpgrade()) {
                m_socket->skip(outcome.headBytes);
                m_timeout.stop();
                disconnect(m_socket, nullptr, this, nullptr);
                QTcpSocket *socket = m_socket;
                m_socket = nullptr;
                m_state = State::Closing;
                deleteLater();
                if (!m_server->handleUpgrade(socket, m_request)) socket->deleteLater();
                return;
            }
            m_socket->skip(outcome.headBytes);
            if (outcome.contentLength > m_server->limits().maxBodyBytes)
                return fail(413, QStringLiteral("request body too large"));
            m_bodyRemaining = outcome.contentLength;
            m_keepAlive = m_request.keepAlive();
            m_state = State::Body;
        }
        if (m_state == State::Body) {
            if (m_bodyRemaining > 0) {
                const QByteArray chunk = m_socket->read(m_bodyRemaining);
                m_request.body += chunk;
                m_bodyRemaining -= chunk.size();
                if (m_bodyRemaining > 0) return;
            }
            m_state = State::Waiting;
            m_timeout.stop();
            m_responder = HttpResponder(this);
            m_server->handleRequest(m_request, m_responder);
        }
    }
}

void HttpConnection::respond(const HttpResponse &response)
{
    if (!m_socket || m_state == State::Closing) return;
    const bool keepAlive = m_keepAlive && response.status < 500 && response.status != 413;
    m_socket->write(response.serialize(keepAlive, m_request.method != "HEAD"));
    if (!keepAlive) {
        m_state = State::Closing;
        m_socket->disconnectFromHost();
        return;
    }
    m_state = State::Head;
    m_request = HttpRequest();
    m_timeout.start(m_server->limits().idleTimeoutMs);
    if (m_socket->bytesAvailable()) QMetaObject::invokeMethod(this, &HttpConnection::onReadyRead, Qt::QueuedConnection);
}

void HttpConnection::fail(int status, const QString &message)
{
    m_keepAlive = false;
    m_state = State::Waiting;
    respond(HttpResponse::error(status,
                                status == 413 ? QStringLiteral("payload_too_large") : QStringLiteral("bad_request"),
                                message));
}

void HttpConnection::onDisconnected()
{
    m_state = State::Closing;
    m_timeout.stop();
    if (m_socket) {
        m_socket->deleteLater();
        m_socket = nullptr;
    }
    deleteLater();
}
