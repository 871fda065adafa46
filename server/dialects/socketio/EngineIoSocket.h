#pragma once

#include "EngineIoConfig.h"
#include "EngineIoHttp.h"
#include "EngineIoPacket.h"
#include "net/SendBudget.h"
#include "EngineIoSocketListener.h"
#include "EngineIoTimer.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QWebSocketProtocol>

namespace switchboard {

class WebSocketConnection;

// One Engine.IO v4 session (engine.io-protocol v4): its transport (long-polling,
// WebSocket, or polling being upgraded), the heartbeat, and the outgoing
// queue. Upper layers see only packets in and out, and one closed() signal.
class EngineIoSocket : public QObject
{
    Q_OBJECT
public:
    enum class Transport { Polling, WebSocket };

    // `timers` runs the session's heartbeat and timeouts; it must outlive the
    // session or detach it (EngineIoTimerQueue's destructor does).
    EngineIoSocket(const QString &sid, const EngineIoConfig &config, const EngineIoHttpRequest &handshake,
                   EngineIoTimerQueue *timers, QObject *parent = nullptr);
    ~EngineIoSocket() override;

    const QString &sid() const { return m_sid; }
    Transport transport() const { return m_transport; }
    QString transportName() const;
    // The request that opened the session: query (token, app params), headers
    // (Authorization, Cookie, User-Agent) and peer address. The server keeps it
    // only while its connection() handlers run, then releases it: an idle
    // session must not carry its handshake's URL and headers (idle memory, docs/design.md).
    const EngineIoHttpRequest &handshakeRequest() const { return m_handshake; }
    void releaseHandshake()
    {
        // The peer stays: the sessions share its address (a fresh QHostAddress would allocate).
        m_handshake.method = QByteArray();
        m_handshake.url = QUrl();
        m_handshake.headers = {};
    }
    bool isOpen() const { return m_state == State::Open; }
    bool isUpgrading() const { return !m_probe.isNull(); }
    qint64 queuedBytes() const { return m_queuedBytes; }
    // Called after each signal below; one at most, cleared with nullptr.
    void setListener(EngineIoSocketListener *listener) { m_listener = listener; }
    // The server's shared timer queue, for the layers above (connect timeout).
    EngineIoTimerQueue *timers() const { return m_timers; }
    // Milliseconds until the next ping is due; -1 when none is scheduled.
    qint64 pingDueInMs() const { return m_pingTimer.remainingMs(); }
    // The (jittered) delay of one ping: within [0.9, 1.0] of the interval,
    // its slack in the timer queue included.
    static int pingDelay(int pingInterval);

    // Starts the session over polling: the open packet is the first thing the
    // handshake GET returns.
    void startPolling(const EngineIoReply &handshakeReply);
    // Starts the session over a WebSocket (upgrades: []).
    void startWebSocket(WebSocketConnection *ws);

    // Long-polling requests for this sid (the server checked sid and transport).
    void handlePollGet(const EngineIoReply &reply, const std::function<bool()> &alive = {});
    void handlePollPost(const QByteArray &body, const EngineIoReply &reply);
    // A WebSocket that asks to take over this polling session.
    void beginUpgrade(WebSocketConnection *ws);
    // A namespace session is attached: its WebSocket (now or after an
    // upgrade) is served in the chat lane (WebSocketConnection::setEstablished).
    void setEstablished();

    void send(const EngineIoPacket &packet);
    // Server-side close: a close packet over polling, a close frame over WS
    // (with `code`: 1000, or 1001 when the server is going away).
    void close(const QString &reason, QWebSocketProtocol::CloseCode code = QWebSocketProtocol::CloseCodeNormal);

Q_SIGNALS:
    void packetReceived(const EngineIoPacket &packet);
    void transportChanged(EngineIoSocket::Transport transport);
    // Emitted once, whoever closed; the object deletes itself afterwards.
    void closed(const QString &reason);

private:
    enum class State { Open, Closing, Closed };

    void onPacket(const EngineIoPacket &packet);
    void onWsText(const QString &text);
    void onWsBinary(const QByteArray &bytes);
    void onProbeText(const QString &text);
    void finishUpgrade();
    void abortUpgrade();
    void flushPolling();
    void writeWs(const EngineIoPacket &packet);
    void schedulePing();
    void sendPing();
    void protocolError(const QString &reason);
    // A slow consumer (SendBudget's verdict): counted and closed.
    void cutOff(SendBudget::Verdict verdict);
    void setQueued(qint64 bytes);
    void finish(const QString &reason);
    void respondText(const EngineIoReply &reply, int status, const QByteArray &body);
    void releaseHeldGet(const QByteArray &body);
    void attachWsSignals(WebSocketConnection *ws);
    void onPongTimeout();

    QString m_sid;
    EngineIoConfig m_config;
    EngineIoHttpRequest m_handshake;
    Transport m_transport = Transport::Polling;
    State m_state = State::Open;

    QList<EngineIoPacket> m_queue;
    qint64 m_queuedBytes = 0;
    EngineIoReply m_heldGet;
    std::function<bool()> m_heldGetAlive;
    bool m_hasHeldGet = false;

    QPointer<WebSocketConnection> m_ws;
    QPointer<WebSocketConnection> m_probe;
    bool m_probed = false; // 3probe sent: polls are answered at once until "5"
    bool m_established = false;
    bool m_protocolError = false;

    // Shared-queue timers, not QTimers: an idle session has one of them running
    // (ping, or pong), and none costs an object or a dispatcher registration.
    EngineIoSocketListener *m_listener = nullptr;
    EngineIoTimerQueue *m_timers;
    EngineIoTimer m_pingTimer;
    EngineIoTimer m_pongTimer;
    EngineIoTimer m_upgradeTimer;
    EngineIoTimer m_closeTimer;
    QString m_closeReason;
    QWebSocketProtocol::CloseCode m_closeCode = QWebSocketProtocol::CloseCodeNormal;
};

} // namespace switchboard
