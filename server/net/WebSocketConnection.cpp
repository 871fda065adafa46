#include "WebSocketConnection.h"

#include "EpollEventDispatcher.h"
#include "ReadHold.h"
#include "SendBudget.h"
#include "WebSocketFlushQueue.h"

#include <QPointer>
#include <QSocketNotifier>
#include <QSslSocket>
#include <QTimer>

#include <cerrno>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace switchboard {

namespace {
enum Opcode { Text = 0x1, Binary = 0x2, Close = 0x8, Ping = 0x9, Pong = 0xA };
// How much one readiness event may read before other sockets get their turn.
constexpr int MaxReadsPerEvent = 4;
constexpr qsizetype ReadChunk = 64 * 1024;
} // namespace

WebSocketConnection::WebSocketConnection(int fd, const QHostAddress &peer, quint16 peerPort, const QByteArray &input,
                                         const QByteArray &output, qint64 maxMessageBytes, QObject *parent)
    : QObject(parent)
    , m_fd(fd)
    , m_peer(peer)
    , m_peerPort(peerPort)
    , m_parser(maxMessageBytes)
{
    m_readNotifier = new QSocketNotifier(fd, QSocketNotifier::Read, this);
    connect(m_readNotifier, &QSocketNotifier::activated, this, &WebSocketConnection::onReadable);
    EpollEventDispatcher::setLane(fd, EpollEventDispatcher::Lane::Background);
    start(input, output);
}

WebSocketConnection::WebSocketConnection(QSslSocket *stream, const QHostAddress &peer, quint16 peerPort,
                                         const QByteArray &input, const QByteArray &output, qint64 maxMessageBytes,
                                         QObject *parent)
    : QObject(parent)
    , m_fd(-1)
    , m_stream(stream)
    , m_peer(peer)
    , m_peerPort(peerPort)
    , m_parser(maxMessageBytes)
{
    stream->setParent(this);
    connect(stream, &QTcpSocket::readyRead, this, &WebSocketConnection::onReadable);
    connect(stream, &QTcpSocket::disconnected, this, [this] {
        if (m_state == QAbstractSocket::ConnectedState)
            m_closeCode = QWebSocketProtocol::CloseCodeAbnormalDisconnection;
        dropOutput();
        finish();
    });
    EpollEventDispatcher::setLane(stream->socketDescriptor(), EpollEventDispatcher::Lane::Background);
    start(input, output);
}

void WebSocketConnection::setEstablished()
{
    if (m_established) return;
    m_established = true;
    const qintptr fd = m_fd >= 0 ? qintptr(m_fd) : (m_stream ? m_stream->socketDescriptor() : -1);
    if (fd >= 0) EpollEventDispatcher::setLane(fd, EpollEventDispatcher::Lane::Chat);
}

void WebSocketConnection::start(const QByteArray &input, const QByteArray &output)
{
    if (!output.isEmpty()) {
        m_out = output;
        account();
        scheduleFlush();
    }
    if (!input.isEmpty()) {
        // Frames that arrived with the handshake: handle them once the owner
        // has connected to our signals.
        QMetaObject::invokeMethod(
            this,
            [this, input] {
            if (m_state == QAbstractSocket::ConnectedState) consume(input.constData(), input.size());
            },
            Qt::QueuedConnection);
    }
}

WebSocketConnection::~WebSocketConnection()
{
    if (m_flushState != FlushState::None || m_bulkEntries > 0) WebSocketFlushQueue::instance()->remove(this);
    SendBudget::instance().add(-m_accounted);
    delete m_readNotifier;
    delete m_writeNotifier;
    if (m_stream) m_stream->disconnect(this); // it is our child and dies with us
    if (m_fd >= 0) ::close(m_fd);
}

void WebSocketConnection::flushAll()
{
    WebSocketFlushQueue::instance()->flushAll();
}

// ---- input ------------------------------------------------------------------------

void WebSocketConnection::onReadable()
{
    // One buffer for all connections of the thread: an idle socket holds no read buffer.
    static thread_local QByteArray scratch(ReadChunk, Qt::Uninitialized);
    if (m_stream) return readStream();
    QPointer<WebSocketConnection> self(this);
    for (int i = 0; i < MaxReadsPerEvent && self && m_fd >= 0; ++i) {
        // Checked before every read: what the last chunk made the server
        // write can be what puts the hold on.
        if (parkIfHeld()) return;
        const ssize_t n = ::recv(m_fd, scratch.data(), ReadChunk, 0);
        if (n > 0) {
            consume(scratch.constData(), n);
            if (n < ReadChunk) return;
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        // EOF or a reset: whatever the state, the connection is over.
        if (m_state == QAbstractSocket::ConnectedState)
            m_closeCode = QWebSocketProtocol::CloseCodeAbnormalDisconnection;
        dropOutput();
        finish();
        return;
    }
}

void WebSocketConnection::readStream()
{
    static thread_local QByteArray scratch(ReadChunk, Qt::Uninitialized);
    QPointer<WebSocketConnection> self(this);
    // The socket decrypted all of it already; take it in chunks.
    while (self && m_stream && m_stream->bytesAvailable() > 0) {
        if (parkIfHeld()) return;
        const qint64 n = m_stream->read(scratch.data(), ReadChunk);
        if (n <= 0) return;
        consume(scratch.constData(), n);
    }
}

bool WebSocketConnection::parkIfHeld()
{
    if (m_readParked) return true;
    // Only an established chat socket in its normal state: a newcomer has its
    // own lane, and a closing handshake or the drain after a fatal frame must
    // read on to its end.
    if (!m_established || m_state != QAbstractSocket::ConnectedState || m_discardInput) return false;
    ReadHold &hold = ReadHold::instance();
    if (!hold.isHeld()) return false;
    m_readParked = true;
    if (m_stream)
        m_stream->setReadBufferSize(ReadChunk); // its buffer fills, then TCP pushes back
    else
        m_readNotifier->setEnabled(false);
    hold.park(this, [this] { resumeReading(); });
    return true;
}

void WebSocketConnection::resumeReading()
{
    if (!m_readParked) return;
    m_readParked = false;
    if (m_stream) {
        m_stream->setReadBufferSize(0);
        // What the socket buffered while parked raises no new readyRead.
        QMetaObject::invokeMethod(this, &WebSocketConnection::onReadable, Qt::QueuedConnection);
    } else if (m_readNotifier) {
        m_readNotifier->setEnabled(true); // level-triggered: pending bytes are reported next pass
    }
}

void WebSocketConnection::consume(const char *data, qsizetype size)
{
    if (m_discardInput) return;
    const auto sink = [this](WebSocketFrameParser::Message &&m) { return handleMessage(std::move(m)); };
    QPointer<WebSocketConnection> self(this);
    qsizetype used;
    if (m_in.isEmpty()) {
        // The common case: whole frames straight from the read buffer, no copy.
        used = m_parser.feed(data, size, sink);
        if (!self) return;
        if (!m_parser.hasError() && used < size && !m_discardInput) m_in = QByteArray(data + used, size - used);
    } else {
        m_in.append(data, size);
        used = m_parser.feed(m_in.constData(), m_in.size(), sink);
        if (!self) return;
        if (used == m_in.size())
            m_in = QByteArray(); // give the memory back
        else
            m_in.remove(0, used);
    }
    if (m_parser.hasError()) {
        // Nothing after a broken frame can be parsed: drop input until the peer closes.
        m_in = QByteArray();
        m_discardInput = true;
        if (m_state == QAbstractSocket::ConnectedState) close(m_parser.errorCode(), m_parser.errorString());
    }
}

bool WebSocketConnection::handleMessage(WebSocketFrameParser::Message &&m)
{
    using Kind = WebSocketFrameParser::Message::Kind;
    switch (m.kind) {
    case Kind::Text:
        if (m_state != QAbstractSocket::ConnectedState) return true; // closing: data is ignored
        Q_EMIT textMessageReceived(m.text);
        break;
    case Kind::Binary:
        if (m_state != QAbstractSocket::ConnectedState) return true;
        Q_EMIT binaryMessageReceived(m.data);
        break;
    case Kind::Ping:
        if (m_state == QAbstractSocket::ConnectedState) queueFrame(Pong, m.data.constData(), m.data.size());
        return true;
    case Kind::Pong: Q_EMIT pong(m.data); break;
    case Kind::Close:
        if (!m_closeSent) {
            // The peer started the closing handshake: echo its code, then drop the
            // socket once the answer is out.
            m_closeCode = m.closeCode;
            m_closeReason = m.text;
            sendClose(m.closeCode == QWebSocketProtocol::CloseCodeMissingStatusCode
                          ? quint16(QWebSocketProtocol::CloseCodeNormal)
                          : m.closeCode,
                      QString());
        }
        m_state = QAbstractSocket::ClosingState;
        m_discardInput = true;
        m_finishAfterFlush = true;
        flush();
        return false;
    }
    // The receiver may have closed or aborted us from its slot.
    return m_state == QAbstractSocket::ConnectedState;
}

void WebSocketConnection::setSendBufferSize(int bytes)
{
    if (m_stream) m_stream->setSocketOption(QAbstractSocket::SendBufferSizeSocketOption, bytes);
    if (m_fd >= 0) ::setsockopt(m_fd, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof bytes);
}

// ---- output -----------------------------------------------------------------------

qint64 WebSocketConnection::bytesToWrite() const
{
    // Over TLS: also what waits to be encrypted, and the records the kernel has not taken.
    return m_out.size() - m_outPos + (m_stream ? m_stream->bytesToWrite() + m_stream->encryptedBytesToWrite() : 0);
}

bool WebSocketConnection::hasUnreadInput() const
{
    if (m_stream && m_stream->bytesAvailable() > 0) return true;
    const int fd = m_stream ? int(m_stream->socketDescriptor()) : m_fd;
    int unread = 0;
    return fd >= 0 && ioctl(fd, FIONREAD, &unread) == 0 && unread > 0;
}

qint64 WebSocketConnection::sendTextMessage(const QString &text)
{
    return sendText(text.toUtf8());
}

qint64 WebSocketConnection::sendText(const QByteArray &utf8)
{
    if (m_state != QAbstractSocket::ConnectedState) return 0;
    queueFrame(Text, utf8.constData(), utf8.size());
    return utf8.size();
}

qint64 WebSocketConnection::sendBinaryMessage(const QByteArray &data)
{
    if (m_state != QAbstractSocket::ConnectedState) return 0;
    queueFrame(Binary, data.constData(), data.size());
    return data.size();
}

void WebSocketConnection::ping(const QByteArray &payload)
{
    if (m_state != QAbstractSocket::ConnectedState) return;
    queueFrame(Ping, payload.constData(), qMin<qsizetype>(payload.size(), 125));
}

void WebSocketConnection::queueFrame(int opcode, const char *data, qsizetype size)
{
    char header[10];
    int h = 2;
    header[0] = char(0x80 | opcode); // FIN: we never fragment
    if (size < 126) {
        header[1] = char(size);
    } else if (size <= 0xFFFF) {
        header[1] = 126;
        header[2] = char(size >> 8);
        header[3] = char(size);
        h = 4;
    } else {
        header[1] = 127;
        for (int i = 0; i < 8; ++i) header[2 + i] = char(quint64(size) >> (56 - 8 * i));
        h = 10;
    }
    if (m_outPos > 0 && m_outPos >= m_out.size() / 2) {
        m_out.remove(0, m_outPos); // keep the unsent tail compact
        m_outPos = 0;
    }
    // Grow geometrically: reserving exactly what this frame needs copied the
    // whole buffer for every frame queued in a pass (quadratic in a storm).
    const qsizetype need = m_out.size() + h + size;
    if (need > m_out.capacity()) m_out.reserve(qMax(need, m_out.capacity() * 2));
    m_out.append(header, h);
    m_out.append(data, size);
    account();
    scheduleFlush();
}

void WebSocketConnection::account()
{
    const qint64 now = m_out.size() - m_outPos;
    SendBudget::instance().add(now - m_accounted);
    m_accounted = now;
}

void WebSocketConnection::dropOutput()
{
    m_out = QByteArray();
    m_outPos = 0;
    account();
}

void WebSocketConnection::scheduleFlush()
{
    // While a write notifier is armed the kernel buffer is full: onWritable sends.
    if (m_writeNotifier && m_writeNotifier->isEnabled()) return;
    WebSocketFlushQueue::instance()->add(this);
}

void WebSocketConnection::flushStream()
{
    // Handed to the TLS socket, whose buffer the budget does not see
    // (bytesToWrite() still does, for the per-connection cap).
    if (m_outPos < m_out.size()) m_stream->write(m_out.constData() + m_outPos, m_out.size() - m_outPos);
    dropOutput();
    // The socket sends what it buffered before it closes (finish()).
    if (m_finishAfterFlush) finish();
}

void WebSocketConnection::flush()
{
    if (m_stream) return flushStream();
    if (m_fd < 0) return;
    while (m_outPos < m_out.size()) {
        const ssize_t n = ::send(m_fd, m_out.constData() + m_outPos, size_t(m_out.size() - m_outPos), MSG_NOSIGNAL);
        if (n > 0) {
            m_outPos += n;
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            account();
            setWriteInterest(true);
            return;
        }
        // EPIPE, ECONNRESET: the peer is gone; drop what we hold.
        if (m_state == QAbstractSocket::ConnectedState)
            m_closeCode = QWebSocketProtocol::CloseCodeAbnormalDisconnection;
        dropOutput();
        finish();
        return;
    }
    dropOutput(); // an idle connection keeps no write buffer
    setWriteInterest(false);
    if (m_finishAfterFlush) return finish();
    if (m_closeSent && m_discardInput && !m_shutdownSent) {
        // We will not read the peer's close frame (the input is being drained),
        // so end our side now: a client waiting for the server to close first
        // (RFC 6455 7.1.1) sees close frame then FIN, not a 5 s wait.
        m_shutdownSent = true;
        ::shutdown(m_fd, SHUT_WR);
    }
}

void WebSocketConnection::setWriteInterest(bool on)
{
    if (!m_writeNotifier) {
        if (!on) return;
        m_writeNotifier = new QSocketNotifier(m_fd, QSocketNotifier::Write, this);
        connect(m_writeNotifier, &QSocketNotifier::activated, this, &WebSocketConnection::onWritable);
        return;
    }
    if (m_writeNotifier->isEnabled() != on) m_writeNotifier->setEnabled(on);
}

void WebSocketConnection::onWritable()
{
    flush();
}

// ---- closing ----------------------------------------------------------------------

void WebSocketConnection::sendClose(quint16 code, const QString &reason)
{
    QByteArray payload;
    payload.append(char(code >> 8));
    payload.append(char(code & 0xFF));
    // A control frame carries at most 125 bytes; cut the reason on a character boundary.
    QByteArray r = reason.toUtf8();
    if (r.size() > 123) {
        qsizetype cut = 123;
        while (cut > 0 && (uchar(r.at(cut)) & 0xC0) == 0x80) --cut;
        r.truncate(cut);
    }
    payload += r;
    m_closeSent = true;
    queueFrame(Close, payload.constData(), payload.size());
}

void WebSocketConnection::close(quint16 code, const QString &reason)
{
    if (m_state != QAbstractSocket::ConnectedState) return;
    m_state = QAbstractSocket::ClosingState;
    m_closeCode = code;
    m_closeReason = reason;
    sendClose(code, reason);
    if (m_parser.hasError() || code == QWebSocketProtocol::CloseCodeTooMuchData) {
        // The rest of the input cannot be parsed (or is not wanted): read and
        // drop it until the peer closes, so our close is not lost to a TCP reset.
        m_discardInput = true;
    }
    // Parked under ReadHold, the peer's answer would wait for the release.
    resumeReading();
    m_closeTimer = new QTimer(this);
    m_closeTimer->setSingleShot(true);
    connect(m_closeTimer, &QTimer::timeout, this, &WebSocketConnection::abort);
    m_closeTimer->start(closeTimeoutMs);
}

void WebSocketConnection::abort()
{
    if (!isLive()) return;
    if (m_stream) {
        m_stream->disconnect(this);
        m_stream->abort(); // finish() then finds it closed and deletes it
    }
    if (m_state == QAbstractSocket::ConnectedState) m_closeCode = QWebSocketProtocol::CloseCodeAbnormalDisconnection;
    dropOutput();
    finish();
}

void WebSocketConnection::finish()
{
    if (!isLive()) return;
    // Unregister from the dispatcher before the descriptor number can be reused;
    // delete later, since we may be inside the notifier's own activated().
    for (QSocketNotifier *n : {m_readNotifier, m_writeNotifier}) {
        if (!n) continue;
        n->setEnabled(false);
        n->deleteLater();
    }
    m_readNotifier = nullptr;
    m_writeNotifier = nullptr;
    if (m_closeTimer) m_closeTimer->stop();
    if (m_stream) {
        // Let the socket send what it holds and its close_notify, then go; a
        // peer that does not read gets cut after closeTimeoutMs.
        QSslSocket *stream = m_stream;
        m_stream = nullptr;
        stream->disconnect(this);
        stream->setParent(nullptr);
        connect(stream, &QTcpSocket::disconnected, stream, &QObject::deleteLater);
        QTimer::singleShot(closeTimeoutMs, stream, &QTcpSocket::abort);
        stream->disconnectFromHost();
        if (stream->state() == QAbstractSocket::UnconnectedState) stream->deleteLater();
    } else {
        ::close(m_fd);
    }
    m_fd = -1;
    m_state = QAbstractSocket::UnconnectedState;
    m_in = QByteArray();
    QMetaObject::invokeMethod(this, &WebSocketConnection::disconnected, Qt::QueuedConnection);
}

} // namespace switchboard
