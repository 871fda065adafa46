#include "WebSocketSession.h"

#include "net/SendBudget.h"

#include "core/ChatService.h"
#include "core/Metrics.h"
#include "core/TrafficTap.h"

#include "net/SendBudget.h"
#include "net/WebSocketConnection.h"

#include "ShutdownSignal.h"
#include "TimerJitter.h"

namespace switchboard {

WebSocketSession::WebSocketSession(ChatService *chat, WebSocketConnection *socket, const QString &dialect,
                                   const Limits &limits, QObject *parent)
    : Session(dialect, QStringLiteral("websocket"), parent)
    , m_chat(chat)
    , m_socket(socket)
    , m_limits(limits)
{
    m_socket->setParent(this);
    m_socket->setMaxAllowedIncomingMessageSize(m_limits.hardFrameBytes);
    setRemoteAddress(m_socket->peerAddress());
    setUserAgent(QString::fromUtf8(m_socket->userAgent()));
    connect(m_socket, &WebSocketConnection::disconnected, this, &WebSocketSession::onDisconnected);
    connect(m_socket, &WebSocketConnection::textMessageReceived, this, [this](const QString &text) {
        touch();
        const qint64 size = text.size(); // UTF-16 units; exact UTF-8 size only when it matters
        const bool tap = TrafficTap::isActive();
        handleIncoming(size, tap ? text.left(512).toUtf8() : QByteArray(), [&] {
            if (size > m_limits.maxFrameBytes / 4 && text.toUtf8().size() > m_limits.maxFrameBytes)
                return onOversizedFrame(text.toUtf8().size());
            onTextFrame(text);
        });
    });
    connect(m_socket, &WebSocketConnection::binaryMessageReceived, this, [this](const QByteArray &data) {
        touch();
        handleIncoming(data.size(), TrafficTap::isActive() ? data.left(512) : QByteArray(), [&] {
            if (data.size() > m_limits.maxFrameBytes) return onOversizedFrame(data.size());
            onBinaryFrame(data);
        });
    });
    if (m_limits.idleTimeoutMs > 0) {
        m_idle = new QTimer(this);
        m_idle->setSingleShot(true);
        // Precise: a coarse timer may fire 5 % early, and its rounding to a
        // shared grid would gather the jittered deadlines into bursts again.
        m_idle->setTimerType(Qt::PreciseTimer);
        connect(m_idle, &QTimer::timeout, this, [this] {
            // Heard from, only not read yet: the server is behind, not the client.
            if (m_socket && m_socket->hasUnreadInput()) return touch();
            onIdleTimeout();
        });
        touch();
    }
}

WebSocketSession::~WebSocketSession()
{
    if (m_attached) m_chat->detachSession(this);
}

CoreError WebSocketSession::start()
{
    CoreError e = m_chat->attachSession(this);
    if (e) return e;
    m_attached = true;
    m_socket->setEstablished();
    onStarted();
    return {};
}

void WebSocketSession::onBinaryFrame(const QByteArray &data)
{
    onTextFrame(QString::fromUtf8(data));
}

void WebSocketSession::handleIncoming(qint64 size, const QByteArray &payload, const std::function<void()> &handle)
{
    m_inPending = true;
    m_inSize = size;
    m_inPayload = payload;
    handle();
    if (m_inPending) labelIncoming(QString());
}

void WebSocketSession::labelIncoming(const QString &event, const QString &channelId)
{
    if (!m_inPending) return;
    m_inPending = false;
    noteTraffic(Direction::In, event, channelId, m_inSize, m_inPayload);
    m_inPayload.clear();
}

void WebSocketSession::onIdleTimeout()
{
    close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("idle timeout"));
}

void WebSocketSession::touch()
{
    // Up to a tenth later, never earlier: connections opened (or last heard
    // from) in one burst do not all time out in one pass.
    if (m_idle) m_idle->start(TimerJitter::later(m_limits.idleTimeoutMs, 0.1));
}

qint64 WebSocketSession::sendQueueBytes() const
{
    return m_socket ? m_socket->bytesToWrite() : 0;
}

bool WebSocketSession::checkBackpressure()
{
    if (m_closing) return false;
    // 1008: the client does not read fast enough; buffering more would let one
    // slow reader (or many, SendBudget) eat the server's memory.
    const auto verdict = SendBudget::instance().verdict(m_socket->bytesToWrite(), m_limits.maxSendQueueBytes);
    if (verdict == SendBudget::Verdict::Keep) return true;
    ++Metrics::instance().httpRejections["slow_reader"];
    // Over the shared budget there is no waiting for a close frame that would
    // queue behind megabytes the peer does not read: the memory is needed now.
    if (verdict == SendBudget::Verdict::OverBudget) m_socket->abort();
    close(QWebSocketProtocol::CloseCodePolicyViolated, QString::fromLatin1(SendBudget::reason(verdict)));
    return false;
}

void WebSocketSession::sendText(const QByteArray &utf8, const QString &event, const QString &channelId)
{
    if (!checkBackpressure()) return;
    m_socket->sendText(utf8);
    noteTraffic(Direction::Out, event, channelId, utf8.size(), utf8);
}

void WebSocketSession::sendBinary(const QByteArray &data, const QString &event, const QString &channelId)
{
    if (!checkBackpressure()) return;
    m_socket->sendBinaryMessage(data);
    noteTraffic(Direction::Out, event, channelId, data.size(), data);
}

void WebSocketSession::close(quint16 code, const QString &reason)
{
    // Closing first: whatever the detach fans out reaches us as dropped.
    closeSocket(code, reason);
    if (m_attached) {
        m_attached = false;
        m_chat->detachSession(this);
    }
    if (m_detachDeferred) {
        m_detachDeferred = false;
        Q_EMIT closed(this);
        deleteLater();
    }
}

void WebSocketSession::closeSocket(quint16 code, const QString &reason)
{
    if (m_closing) return;
    m_closing = true;
    // The connection drops a peer that never answers the close handshake.
    m_socket->close(code, reason);
}

void WebSocketSession::disconnectWithReason(const QString &reason)
{
    close(QWebSocketProtocol::CloseCodePolicyViolated, reason);
}

void WebSocketSession::onDisconnected()
{
    if (m_attached && ShutdownSignal::pending()) {
        // SIGTERM is waiting behind this close: detaching now would fan our
        // leave out to every session still attached. Go quiet instead and let
        // Server::shutdown detach us (goingAway) once everyone is closing.
        m_closing = true;
        m_detachDeferred = true;
        return;
    }
    if (m_attached) {
        m_attached = false;
        m_chat->detachSession(this);
    }
    Q_EMIT closed(this);
    deleteLater();
}

} // namespace switchboard
