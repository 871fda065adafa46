#pragma once

#include "WebSocketFrameParser.h"

#include <QAbstractSocket>
#include <QByteArray>
#include <QHostAddress>
#include <QObject>
#include <QWebSocketProtocol>

class QSocketNotifier;
class QSslSocket;
class QTimer;

namespace switchboard {

// One server-side WebSocket on a raw, non-blocking TCP descriptor, after the
// handshake. It replaces a QWebSocket + QTcpSocket pair for two measured
// reasons (docs/design.md, the idle-memory goal): that pair costs ~15 KB per idle
// connection, and it toggles a write notifier (one epoll_ctl) per message.
// Here an idle connection is this object, one read notifier and the parser;
// frames queued during one event-loop pass go out in one send() per socket.
//
// The API mirrors the part of QWebSocket the server used, so sessions read the
// same. disconnected() is always emitted from the event loop, never from inside
// a send or close call, so fan-out loops never see a session vanish mid-way.
class WebSocketConnection : public QObject
{
    Q_OBJECT
public:
    // Takes ownership of fd. `input` holds bytes read past the handshake;
    // `output` is written first (the 101 response).
    WebSocketConnection(int fd, const QHostAddress &peer, quint16 peerPort, const QByteArray &input,
                        const QByteArray &output, qint64 maxMessageBytes, QObject *parent = nullptr);
    // Over TLS: the socket keeps the session of the HTTP stage and does the
    // records; frames go through it instead of the descriptor. Takes ownership.
    WebSocketConnection(QSslSocket *stream, const QHostAddress &peer, quint16 peerPort, const QByteArray &input,
                        const QByteArray &output, qint64 maxMessageBytes, QObject *parent = nullptr);
    ~WebSocketConnection() override;

    QAbstractSocket::SocketState state() const { return m_state; }
    QHostAddress peerAddress() const { return m_peer; }
    quint16 peerPort() const { return m_peerPort; }
    QByteArray userAgent() const { return m_userAgent; }
    void setUserAgent(const QByteArray &ua) { m_userAgent = ua; }
    void setMaxAllowedIncomingMessageSize(qint64 bytes) { m_parser.setMaxMessageBytes(bytes); }

    // A new connection is served in the event loop's background lane (after
    // every established client: EpollEventDispatcher::Lane) until its dialect
    // has attached a session to it; then it moves to the chat lane.
    void setEstablished();
    bool isEstablished() const { return m_established; }

    // Caps the kernel's send buffer (SO_SNDBUF), which otherwise grows to
    // net.ipv4.tcp_wmem's maximum (4 MB here) before bytesToWrite() moves.
    void setSendBufferSize(int bytes);

    // Bytes queued and not yet taken by the kernel.
    qint64 bytesToWrite() const;
    // The peer sent bytes this side has not read yet (the kernel holds them).
    // A liveness deadline that finds some was missed by the server, which is
    // behind on this socket, not by the client: under overload the chat lane
    // reached pongs after their timeout and dropped thousands of live clients.
    bool hasUnreadInput() const;

    qint64 sendTextMessage(const QString &text);
    // Text that is already UTF-8: the fan-out path, no conversion.
    qint64 sendText(const QByteArray &utf8);
    qint64 sendBinaryMessage(const QByteArray &data);
    void ping(const QByteArray &payload = QByteArray());

    // Starts the closing handshake; the socket is dropped when the peer
    // answers, or after closeTimeoutMs.
    // A quint16, not QWebSocketProtocol::CloseCode: applications use 4000-4999,
    // which that enum cannot hold.
    void close(quint16 code = QWebSocketProtocol::CloseCodeNormal, const QString &reason = QString());
    // Drops the connection at once, without a close frame.
    void abort();

    quint16 closeCode() const { return m_closeCode; }
    QString closeReason() const { return m_closeReason; }

    static constexpr int closeTimeoutMs = 5000;

    // Sends everything queued on every connection of this thread (what the
    // end-of-pass flush does); for tests and for shutdown.
    static void flushAll();

Q_SIGNALS:
    void textMessageReceived(const QString &message);
    void binaryMessageReceived(const QByteArray &message);
    void pong(const QByteArray &payload);
    void disconnected();

private:
    friend class WebSocketFlushQueue;
    void onReadable();
    // Under ReadHold: parks this connection (reads off) and says so; true
    // while it stays parked.
    bool parkIfHeld();
    void resumeReading();
    void onWritable();
    void consume(const char *data, qsizetype size);
    bool handleMessage(WebSocketFrameParser::Message &&m);
    void queueFrame(int opcode, const char *data, qsizetype size);
    void scheduleFlush();
    void flush();
    // Tells SendBudget how much this connection holds now.
    void account();
    void dropOutput();
    void setWriteInterest(bool on);
    void sendClose(quint16 code, const QString &reason);
    void finish(); // closes the descriptor and reports disconnected() from the loop
    bool isLive() const { return m_fd >= 0 || m_stream; }
    void start(const QByteArray &input, const QByteArray &output);
    void readStream();
    void flushStream();

    int m_fd;
    QSslSocket *m_stream = nullptr; // instead of m_fd for TLS
    QAbstractSocket::SocketState m_state = QAbstractSocket::ConnectedState;
    bool m_established = false;
    QHostAddress m_peer;
    quint16 m_peerPort;
    QByteArray m_userAgent;
    WebSocketFrameParser m_parser;
    QSocketNotifier *m_readNotifier = nullptr;
    QSocketNotifier *m_writeNotifier = nullptr; // created on the first EAGAIN
    QTimer *m_closeTimer = nullptr;             // created on close()
    QByteArray m_in;                            // an incomplete frame carried over to the next read
    QByteArray m_out;                           // frames the kernel has not taken yet, from m_outPos
    qsizetype m_outPos = 0;
    qint64 m_accounted = 0; // what SendBudget holds for this connection
    // Where this connection waits in the WebSocketFlushQueue.
    enum class FlushState : quint8 { None, Bulk, Urgent };
    FlushState m_flushState = FlushState::None;
    quint32 m_bulkEntries = 0; // entries in the bulk lane (stale ones included)
    bool m_closeSent = false;
    bool m_finishAfterFlush = false;
    bool m_discardInput = false;
    bool m_shutdownSent = false;
    bool m_readParked = false; // under ReadHold: reads are off until it is released
    quint16 m_closeCode = QWebSocketProtocol::CloseCodeNormal;
    QString m_closeReason;
};

} // namespace switchboard
