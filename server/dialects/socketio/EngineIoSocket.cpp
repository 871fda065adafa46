#include "EngineIoSocket.h"

#include "EngineIoCodec.h"

#include "core/Metrics.h"
#include "net/SendBudget.h"
#include "net/WebSocketConnection.h"
#include "transport/TimerJitter.h"

#include <QTimer>

#include <utility>

namespace switchboard {

EngineIoSocket::EngineIoSocket(const QString &sid, const EngineIoConfig &config, const EngineIoHttpRequest &handshake,
                               EngineIoTimerQueue *timers, QObject *parent)
    : QObject(parent)
    , m_sid(sid)
    , m_config(config)
    , m_handshake(handshake)
    , m_timers(timers)
    , m_pingTimer(timers, [this] { sendPing(); })
    , m_pongTimer(timers, [this] { onPongTimeout(); })
    , m_upgradeTimer(timers, [this] { abortUpgrade(); })
    , m_closeTimer(timers, [this] { finish(m_closeReason); })
{
    m_handshake.body.clear();
    m_handshake.connectionAlive = nullptr; // it would keep the handshake's connection state alive
}

EngineIoSocket::~EngineIoSocket()
{
    setQueued(0);
}

void EngineIoSocket::setQueued(qint64 bytes)
{
    SendBudget::instance().add(bytes - m_queuedBytes);
    m_queuedBytes = bytes;
}

QString EngineIoSocket::transportName() const
{
    return m_transport == Transport::WebSocket ? QStringLiteral("websocket") : QStringLiteral("polling");
}

void EngineIoSocket::startPolling(const EngineIoReply &handshakeReply)
{
    m_transport = Transport::Polling;
    EngineIoHandshake h;
    h.sid = m_sid;
    h.upgrades = QStringList{QStringLiteral("websocket")};
    h.pingInterval = m_config.pingInterval;
    h.pingTimeout = m_config.pingTimeout;
    h.maxPayload = m_config.maxPayload;
    respondText(handshakeReply, 200, EngineIoCodec::encodeOpen(h));
    schedulePing();
}

void EngineIoSocket::startWebSocket(WebSocketConnection *ws)
{
    m_transport = Transport::WebSocket;
    m_ws = ws;
    attachWsSignals(ws);
    EngineIoHandshake h;
    h.sid = m_sid;
    h.pingInterval = m_config.pingInterval;
    h.pingTimeout = m_config.pingTimeout;
    h.maxPayload = m_config.maxPayload;
    ws->sendText(EngineIoCodec::encodeOpen(h));
    schedulePing();
}

void EngineIoSocket::attachWsSignals(WebSocketConnection *ws)
{
    ws->setParent(this);
    ws->setMaxAllowedIncomingMessageSize(quint64(m_config.maxPayload));
    // One set of handlers for both roles: the pointer decides, so that a probe
    // socket turns into the main one without rewiring.
    connect(ws, &WebSocketConnection::textMessageReceived, this, [this, ws](const QString &text) {
        if (ws == m_ws)
            onWsText(text);
        else if (ws == m_probe)
            onProbeText(text);
    });
    connect(ws, &WebSocketConnection::binaryMessageReceived, this, [this, ws](const QByteArray &bytes) {
        if (ws == m_ws)
            onWsBinary(bytes);
        else if (ws == m_probe)
            abortUpgrade(); // nothing but 2probe / 5 belongs on a probe
    });
    connect(ws, &WebSocketConnection::disconnected, this, [this, ws] {
        if (ws == m_ws)
            finish(QStringLiteral("transport close"));
        else if (ws == m_probe)
            abortUpgrade();
    });
}

void EngineIoSocket::handlePollGet(const EngineIoReply &reply, const std::function<bool()> &alive)
{
    if (m_state == State::Closed) {
        respondText(reply, 400, QByteArray());
        return;
    }
    if (m_hasHeldGet && m_heldGetAlive && !m_heldGetAlive()) {
        // The previous poll's connection dropped (network blip, aborted
        // request): it is no longer in flight, so this one is not a duplicate.
        m_hasHeldGet = false;
        m_heldGet = nullptr;
        m_heldGetAlive = nullptr;
    }
    if (m_hasHeldGet) {
        // The reference server treats an overlapping GET as a broken client.
        respondText(reply, 400, QByteArray("{\"code\":3,\"message\":\"Bad request\"}"));
        protocolError(QStringLiteral("overlapping GET"));
        return;
    }
    if (m_probed && !m_probe.isNull() && m_queue.isEmpty()) {
        // Mid-upgrade, after 3probe: the client pauses polling once its
        // poll in flight returns, and it may have sent this one before it
        // saw 3probe (our noop to the last one can overtake the probe's
        // reply). Held, it would wait for the next ping, past the upgrade
        // timeout, and the client would stay paused for good. Every poll in
        // this window is answered at once, as the reference server's
        // 100 ms noop check does.
        respondText(reply, 200, QByteArray("6"));
        return;
    }
    m_heldGet = reply;
    m_heldGetAlive = alive;
    m_hasHeldGet = true;
    flushPolling();
}

void EngineIoSocket::handlePollPost(const QByteArray &body, const EngineIoReply &reply)
{
    if (m_state != State::Open) {
        respondText(reply, 400, QByteArray("{\"code\":1,\"message\":\"Session ID unknown\"}"));
        return;
    }
    if (body.size() > m_config.maxPayload) {
        respondText(reply, 413, QByteArray("{\"code\":3,\"message\":\"Payload too large\"}"));
        protocolError(QStringLiteral("payload too large"));
        return;
    }
    const EngineIoCodec::PayloadResult r = EngineIoCodec::decodePayload(body);
    if (!r.ok()) {
        respondText(reply, 400, QByteArray("{\"code\":3,\"message\":\"Bad request\"}"));
        protocolError(QStringLiteral("parse error"));
        return;
    }
    for (const EngineIoPacket &p : r.packets) {
        if (m_state != State::Open) break;
        onPacket(p);
    }
    // A packet that broke the protocol (an "open" from the client, ...) is a
    // bad request; anything else, including the client's own close, is "ok".
    if (m_protocolError)
        respondText(reply, 400, QByteArray("{\"code\":3,\"message\":\"Bad request\"}"));
    else
        respondText(reply, 200, QByteArray("ok"));
}

void EngineIoSocket::beginUpgrade(WebSocketConnection *ws)
{
    if (m_state != State::Open || m_transport != Transport::Polling || !m_probe.isNull()) {
        ws->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("upgrade not possible"));
        ws->deleteLater();
        return;
    }
    m_probe = ws;
    m_probed = false;
    attachWsSignals(ws);
    m_upgradeTimer.start(m_config.upgradeTimeout);
}

void EngineIoSocket::onProbeText(const QString &text)
{
    if (!m_probed && text == QLatin1String("2probe")) {
        m_probed = true;
        m_probe->sendTextMessage(QStringLiteral("3probe"));
        // Release the held GET so that the client can pause polling (a
        // GET that comes later is answered at once: handlePollGet()).
        if (m_hasHeldGet) releaseHeldGet(QByteArray("6"));
        return;
    }
    if (m_probed && text == QLatin1String("5")) {
        finishUpgrade();
        return;
    }
    abortUpgrade();
}

void EngineIoSocket::setEstablished()
{
    m_established = true;
    if (m_ws) m_ws->setEstablished();
}

void EngineIoSocket::finishUpgrade()
{
    m_upgradeTimer.stop();
    m_ws = m_probe;
    m_probe = nullptr;
    if (m_established && m_ws) m_ws->setEstablished();
    m_transport = Transport::WebSocket;
    if (m_hasHeldGet) releaseHeldGet(QByteArray("6"));
    const QList<EngineIoPacket> queued = m_queue;
    m_queue.clear();
    setQueued(0);
    for (const EngineIoPacket &p : queued) writeWs(p);
    Q_EMIT transportChanged(m_transport);
    if (m_listener) m_listener->engineIoTransportChanged();
}

void EngineIoSocket::abortUpgrade()
{
    m_upgradeTimer.stop();
    m_probed = false;
    if (WebSocketConnection *probe = m_probe.data()) {
        m_probe = nullptr;
        probe->setParent(nullptr);
        connect(probe, &WebSocketConnection::disconnected, probe, &QObject::deleteLater);
        QTimer::singleShot(5000, probe, &QObject::deleteLater);
        probe->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("upgrade failed"));
    }
}

void EngineIoSocket::onWsText(const QString &text)
{
    const EngineIoCodec::PacketResult r = EngineIoCodec::decodeText(text.toUtf8());
    if (!r.ok()) {
        protocolError(QStringLiteral("parse error"));
        return;
    }
    onPacket(r.packet);
}

void EngineIoSocket::onWsBinary(const QByteArray &bytes)
{
    onPacket(EngineIoCodec::decodeBinaryFrame(bytes));
}

void EngineIoSocket::onPacket(const EngineIoPacket &packet)
{
    if (m_state != State::Open) return;
    switch (packet.type) {
    case EngineIoPacket::Pong:
        m_pongTimer.stop();
        schedulePing();
        break;
    case EngineIoPacket::Ping:
        // v4 clients never ping; answering is harmless and helps v3-style tools.
        send(EngineIoPacket::make(EngineIoPacket::Pong, packet.data));
        break;
    case EngineIoPacket::Close: finish(QStringLiteral("transport close")); break;
    case EngineIoPacket::Message:
        Q_EMIT packetReceived(packet);
        if (m_listener) m_listener->engineIoPacket(packet);
        break;
    case EngineIoPacket::Noop: break;
    case EngineIoPacket::Open:
    case EngineIoPacket::Upgrade: protocolError(QStringLiteral("parse error")); break;
    }
}

void EngineIoSocket::send(const EngineIoPacket &packet)
{
    if (m_state != State::Open) return;
    if (m_transport == Transport::WebSocket && m_ws) {
        writeWs(packet);
        return;
    }
    m_queue.append(packet);
    setQueued(m_queuedBytes + packet.data.size() + 1);
    // A client that does not poll fast enough is cut off, not buffered forever.
    if (const auto v = SendBudget::instance().verdict(m_queuedBytes, m_config.maxSendQueueBytes);
        v != SendBudget::Verdict::Keep) {
        m_queue.clear();
        setQueued(0);
        cutOff(v);
        return;
    }
    flushPolling();
}

void EngineIoSocket::writeWs(const EngineIoPacket &packet)
{
    if (!m_ws) return;
    if (packet.binary)
        m_ws->sendBinaryMessage(packet.data);
    else
        m_ws->sendText(EngineIoCodec::encodeFrame(packet));
    // The same caps over WebSocket: a reader that stops reading is cut off.
    const auto v = SendBudget::instance().verdict(m_ws->bytesToWrite(), m_config.maxSendQueueBytes);
    if (v != SendBudget::Verdict::Keep) cutOff(v);
}

void EngineIoSocket::cutOff(SendBudget::Verdict verdict)
{
    ++Metrics::instance().httpRejections["slow_reader"];
    // Over the shared budget the WebSocket's buffer is let go at once (see WebSocketSession).
    if (verdict == SendBudget::Verdict::OverBudget && m_ws) m_ws->abort();
    protocolError(QString::fromLatin1(SendBudget::reason(verdict)));
}

void EngineIoSocket::flushPolling()
{
    if (!m_hasHeldGet || m_queue.isEmpty()) return;
    const QByteArray body = EngineIoCodec::encodePayload(m_queue);
    bool closing = false;
    for (const EngineIoPacket &p : std::as_const(m_queue)) closing |= p.type == EngineIoPacket::Close;
    m_queue.clear();
    setQueued(0);
    releaseHeldGet(body);
    if (closing) finish(m_closeReason);
}

void EngineIoSocket::schedulePing()
{
    if (m_state == State::Open) m_pingTimer.start(pingDelay(m_config.pingInterval));
}

int EngineIoSocket::pingDelay(int pingInterval)
{
    // Every ping jittered into [0.9, 1.0) of the interval, minus the queue's
    // slack: sockets opened in one burst spread their pings over a tenth of
    // the interval instead of all coming due in one pass, and no ping comes
    // later than the interval the client was promised. 32 steps: 32 lanes
    // in the timer queue, not one per socket.
    const int latest = int(pingInterval - EngineIoTimerQueue::slackFor(pingInterval));
    return TimerJitter::earlier(latest, 0.1, 32);
}

void EngineIoSocket::sendPing()
{
    send(EngineIoPacket::make(EngineIoPacket::Ping));
    m_pongTimer.start(m_config.pingTimeout);
}

void EngineIoSocket::onPongTimeout()
{
    // A pong that the loop has not read yet is still a pong: the server is
    // behind on this socket, not the client (WebSocketConnection::hasUnreadInput).
    if (m_ws && m_ws->hasUnreadInput()) return m_pongTimer.start(m_config.pingTimeout);
    protocolError(QStringLiteral("ping timeout"));
}

void EngineIoSocket::close(const QString &reason, QWebSocketProtocol::CloseCode code)
{
    if (m_state != State::Open) return;
    m_closeReason = reason;
    m_closeCode = code;
    if (m_transport == Transport::WebSocket) {
        finish(reason);
        return;
    }
    // Polling: the close packet goes out with the next GET; give the client
    // one ping period to come and fetch it.
    m_queue.append(EngineIoPacket::make(EngineIoPacket::Close));
    m_state = State::Closing;
    m_pingTimer.stop();
    m_pongTimer.stop();
    abortUpgrade();
    if (m_hasHeldGet) {
        flushPolling();
    } else {
        m_closeTimer.start(m_config.pingInterval);
    }
}

void EngineIoSocket::protocolError(const QString &reason)
{
    if (m_state == State::Closed) return;
    m_protocolError = true;
    if (m_transport == Transport::Polling && m_hasHeldGet) releaseHeldGet(QByteArray("1"));
    finish(reason);
}

void EngineIoSocket::finish(const QString &reason)
{
    if (m_state == State::Closed) return;
    m_state = State::Closed;
    for (EngineIoTimer *t : {&m_pingTimer, &m_pongTimer, &m_upgradeTimer, &m_closeTimer}) t->stop();
    if (m_hasHeldGet) releaseHeldGet(QByteArray("6"));
    m_queue.clear();
    setQueued(0);
    abortUpgrade();
    if (WebSocketConnection *ws = m_ws.data()) {
        m_ws = nullptr;
        ws->setParent(nullptr);
        if (ws->state() == QAbstractSocket::UnconnectedState) {
            ws->deleteLater();
        } else {
            connect(ws, &WebSocketConnection::disconnected, ws, &QObject::deleteLater);
            QTimer::singleShot(5000, ws, &QObject::deleteLater);
            ws->close(m_closeCode, reason.left(100));
        }
    }
    Q_EMIT closed(reason);
    if (EngineIoSocketListener *listener = std::exchange(m_listener, nullptr)) listener->engineIoClosed(reason);
    deleteLater();
}

void EngineIoSocket::respondText(const EngineIoReply &reply, int status, const QByteArray &body)
{
    if (!reply) return;
    EngineIoHttpResponse r;
    r.status = status;
    const bool json = body.startsWith('{');
    r.headers.append({QByteArrayLiteral("Content-Type"),
                      json ? QByteArrayLiteral("application/json") : QByteArrayLiteral("text/plain; charset=UTF-8")});
    r.body = body;
    reply(r);
}

void EngineIoSocket::releaseHeldGet(const QByteArray &body)
{
    // Moved out first: answering may run code that polls again.
    EngineIoReply reply = std::move(m_heldGet);
    m_heldGet = nullptr;
    m_heldGetAlive = nullptr;
    m_hasHeldGet = false;
    respondText(reply, 200, body);
}

} // namespace switchboard
