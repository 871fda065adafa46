#include "HttpConnection.h"

#include "HttpRequestParser.h"
#include "HttpServer.h"
#include "net/ReadHold.h"

#include <QSslSocket>
#include <QTcpSocket>

#include <sys/socket.h>

namespace switchboard {

namespace {
// After an error response, how long unread input is drained before the
// socket is dropped (nginx's lingering close): closing with unread bytes
// sends a reset, which can destroy the response before the client reads it.
constexpr int LingerMs = 2000;
// While a request is parked, what Qt may buffer of the connection's next
// bytes; past it Qt stops reading and TCP pushes back on the client.
constexpr qint64 ParkedReadBuffer = 64 * 1024;
} // namespace

HttpConnection::HttpConnection(QTcpSocket *socket, HttpServer *server)
    : QObject(server)
    , m_socket(socket)
    , m_server(server)
{
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &HttpConnection::onDisconnected);
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, &HttpConnection::onTimeout);
    m_timeout.start(m_server->limits().headTimeoutMs);
    if (m_socket->bytesAvailable()) QMetaObject::invokeMethod(this, &HttpConnection::onReadyRead, Qt::QueuedConnection);
}

HttpConnection::~HttpConnection()
{
    if (m_socket) m_server->releaseConnection(m_socket);
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

void HttpConnection::onTimeout()
{
    switch (m_state) {
    case State::Head:
        if (m_idle) {
            // Nothing of a request arrived: a keep-alive connection gone idle, or a
            // connection that never sent its request or upgrade. Close quietly, as nginx does.
            HttpServer::countRejection(m_served ? "keepalive_idle" : "handshake_timeout");
            m_socket->abort();
            return;
        }
        HttpServer::countRejection("header_timeout");
        return fail(408, QStringLiteral("request head not received in time"));
    case State::Body:
        HttpServer::countRejection("body_timeout");
        return fail(408, QStringLiteral("request body not received in time"));
    case State::Closing:
        m_socket->abort(); // the lingering close is over
        return;
    case State::Waiting: return;
    }
}

void HttpConnection::onReadyRead()
{
    while (m_state == State::Head || m_state == State::Body) {
        if (m_state == State::Head) {
            if (m_socket->bytesAvailable() == 0) return;
            if (m_idle) {
                m_idle = false;
                // A new request's head gets the head timeout, not what is left of keep-alive.
                m_timeout.start(m_server->limits().headTimeoutMs);
            }
            const QByteArray head = m_socket->peek(HttpRequestParser::MaxHeadBytes + 4);
            m_request = HttpRequest();
            const auto outcome = HttpRequestParser::parseHead(head, &m_request);
            if (outcome.state == HttpRequestParser::State::NeedMore) return;
            if (outcome.state == HttpRequestParser::State::Error) {
                HttpServer::countRejection("bad_request");
                return fail(outcome.errorStatus, outcome.error);
            }
            m_request.remoteAddress = m_socket->peerAddress();
            m_request.remotePort = m_socket->peerPort();
            if (m_request.isWebSocketUpgrade() && !outcome.chunked && outcome.contentLength == 0) {
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
            m_chunked.reset();
            if (outcome.chunked) m_chunked.emplace(m_server->limits().maxBodyBytes);
            m_keepAlive = m_request.keepAlive();
            m_state = State::Body;
            m_timeout.start(m_server->limits().bodyTimeoutMs);
        }
        if (m_state == State::Body) {
            if (!readBody()) return;
            m_state = State::Waiting;
            m_timeout.stop();
            handle();
        }
    }
    if (m_state == State::Closing && m_socket) m_socket->skip(m_socket->bytesAvailable()); // lingering: drop
}

void HttpConnection::handle()
{
    if (parkIfHeld()) return;
    m_responder = HttpResponder(this);
    m_server->handleRequest(m_request, m_responder);
}

bool HttpConnection::parkIfHeld()
{
    // Reads (health, metrics, history, a long-poll's wait) add no write and go on.
    const QByteArray &method = m_request.method;
    if (method == "GET" || method == "HEAD" || method == "OPTIONS") return false;
    ReadHold &hold = ReadHold::instance();
    if (!hold.isHeld()) return false;
    m_parked = true;
    m_socket->setReadBufferSize(ParkedReadBuffer);
    hold.park(this, [this] { resumeAfterHold(); });
    return true;
}

void HttpConnection::resumeAfterHold()
{
    if (!m_parked) return;
    m_parked = false;
    if (!m_socket || m_state != State::Waiting) return; // the client left meanwhile
    m_socket->setReadBufferSize(0);
    // Bytes of a next request buffered meanwhile are read once this one is
    // answered (respond() looks for them).
    handle();
}

bool HttpConnection::readBody()
{
    const qint64 before = m_request.body.size();
    if (m_chunked) {
        // Peek and skip only what the decoder used: a pipelined request may follow.
        const QByteArray data = m_socket->peek(64 * 1024);
        const qsizetype used = m_chunked->feed(data.constData(), data.size(), &m_request.body);
        m_socket->skip(used);
        if (m_chunked->state() == ChunkedBodyDecoder::State::Error) {
            HttpServer::countRejection("bad_request");
            fail(m_chunked->errorStatus(), m_chunked->error());
            return false;
        }
        if (m_request.body.size() > before || used > 0) m_timeout.start(m_server->limits().bodyTimeoutMs);
        if (m_chunked->state() == ChunkedBodyDecoder::State::Done) return true;
        // Only a line longer than the decoder takes could stall here; it fails above.
        if (used > 0 && m_socket->bytesAvailable() > 0) return readBody();
        return false;
    }
    if (m_bodyRemaining > 0) {
        const QByteArray chunk = m_socket->read(m_bodyRemaining);
        m_request.body += chunk;
        m_bodyRemaining -= chunk.size();
        if (!chunk.isEmpty()) m_timeout.start(m_server->limits().bodyTimeoutMs); // between two reads
        if (m_bodyRemaining > 0) return false;
    }
    return true;
}

void HttpConnection::respond(const HttpResponse &response)
{
    if (!m_socket || m_state == State::Closing) return;
    const bool keepAlive = m_keepAlive && response.status < 500 && response.status != 413;
    m_socket->write(response.serialize(keepAlive, m_request.method != "HEAD"));
    if (!keepAlive) return closeAfterResponse();
    m_served = true;
    m_state = State::Head;
    m_idle = true;
    m_request = HttpRequest();
    m_timeout.start(m_server->limits().idleTimeoutMs);
    if (m_socket->bytesAvailable()) QMetaObject::invokeMethod(this, &HttpConnection::onReadyRead, Qt::QueuedConnection);
}

void HttpConnection::closeAfterResponse()
{
    m_state = State::Closing;
    m_socket->skip(m_socket->bytesAvailable());
    // Half-close once the response is out, then drain until the peer closes
    // (or LingerMs): the peer reads the response instead of a reset.
    if (auto *tls = qobject_cast<QSslSocket *>(m_socket)) {
        // A raw half-close would cut the TLS stream (no close_notify, maybe
        // unsent records): TLS closes once everything is written.
        tls->disconnectFromHost();
        m_timeout.start(LingerMs);
        return;
    }
    auto halfClose = [this] {
        if (m_socket && m_socket->bytesToWrite() == 0 && m_socket->state() == QAbstractSocket::ConnectedState)
            ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
    };
    connect(m_socket, &QTcpSocket::bytesWritten, this, halfClose);
    m_socket->flush();
    halfClose();
    m_timeout.start(LingerMs);
}

void HttpConnection::fail(int status, const QString &message)
{
    m_keepAlive = false;
    m_state = State::Waiting;
    m_timeout.stop();
    QString code = QStringLiteral("bad_request");
    switch (status) {
    case 408: code = QStringLiteral("request_timeout"); break;
    case 411: code = QStringLiteral("length_required"); break;
    case 413: code = QStringLiteral("payload_too_large"); break;
    case 414: code = QStringLiteral("uri_too_long"); break;
    case 431: code = QStringLiteral("request_header_fields_too_large"); break;
    case 501: code = QStringLiteral("not_implemented"); break;
    case 505: code = QStringLiteral("http_version_not_supported"); break;
    }
    respond(HttpResponse::error(status, code, message));
}

void HttpConnection::onDisconnected()
{
    m_state = State::Closing;
    m_timeout.stop();
    if (m_socket) {
        m_server->releaseConnection(m_socket);
        m_socket->deleteLater();
        m_socket = nullptr;
    }
    deleteLater();
}

} // namespace switchboard
