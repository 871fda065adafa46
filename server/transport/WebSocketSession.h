#pragma once

#include "core/CoreError.h"
#include "core/Session.h"

#include <QTimer>
#include <QWebSocketProtocol>

namespace switchboard {

class ChatService;
class WebSocketConnection;

// A Session over one WebSocketConnection: what every WebSocket dialect shares. It
// bounds what a client may send (frame size) and what we buffer for it (a
// reader too slow to take its messages is cut off, not buffered forever),
// closes idle connections, and detaches from the core when the socket goes.
class WebSocketSession : public Session
{
    Q_OBJECT
public:
    struct Limits
    {
        qint64 maxFrameBytes = 16 * 1024;    // larger frames get the dialect's error
        qint64 hardFrameBytes = 1024 * 1024; // larger ones close the socket (1009)
        qint64 maxSendQueueBytes = 4 * 1024 * 1024;
        int idleTimeoutMs = 0; // 0: no idle timeout
    };

    WebSocketSession(ChatService *chat, WebSocketConnection *socket, const QString &dialect, const Limits &limits,
                     QObject *parent = nullptr);
    ~WebSocketSession() override;

    void disconnectWithReason(const QString &reason) override;
    void goingAway() override { close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("server shutting down")); }
    // Shutdown, first half: the close frame (1001) goes out and nothing more
    // is sent, but the session stays attached until goingAway(). Closing every
    // socket before detaching any keeps a mass shutdown linear: each detach
    // fans a leave out to the sessions still attached, and those are closing
    // by then (dropped at once, not encoded into frames for dying sockets).
    void closeForShutdown()
    {
        closeSocket(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("server shutting down"));
    }
    qint64 sendQueueBytes() const override;
    WebSocketConnection *socket() const { return m_socket; }
    ChatService *chat() const { return m_chat; }
    const Limits &limits() const { return m_limits; }
    // Milliseconds until the idle timeout; -1 without one.
    int idleRemainingMs() const { return m_idle && m_idle->isActive() ? m_idle->remainingTime() : -1; }

    // Attaches to the core; on failure sends nothing and returns the error.
    CoreError start();
    void close(quint16 code, const QString &reason); // a QWebSocketProtocol::CloseCode or 4000-4999

protected:
    // A frame within maxFrameBytes.
    virtual void onTextFrame(const QString &text) = 0;
    virtual void onBinaryFrame(const QByteArray &data);
    // A frame over maxFrameBytes: the dialect answers in its own error format.
    virtual void onOversizedFrame(qint64 size) = 0;
    virtual void onStarted() {}
    // The client sent nothing for idleTimeoutMs. Default: close with 1001; a
    // dialect may send its own error first and close with its own code.
    virtual void onIdleTimeout();

    // Sends one text frame; event/channel label it for the traffic tap.
    void sendText(const QByteArray &utf8, const QString &event, const QString &channelId = QString());
    void sendBinary(const QByteArray &data, const QString &event, const QString &channelId = QString());
    void touch(); // resets the idle timer
    // Names the frame being handled for the traffic tap (called from onTextFrame);
    // frames a dialect does not label are reported without a name.
    void labelIncoming(const QString &event, const QString &channelId = QString());

private:
    void closeSocket(quint16 code, const QString &reason);
    void onDisconnected();
    bool checkBackpressure();
    void handleIncoming(qint64 size, const QByteArray &payload, const std::function<void()> &handle);

    ChatService *m_chat;
    WebSocketConnection *m_socket;
    Limits m_limits;
    QTimer *m_idle = nullptr;
    bool m_attached = false;
    bool m_closing = false;
    bool m_detachDeferred = false; // disconnected while a shutdown was pending
    bool m_inPending = false;
    qint64 m_inSize = 0;
    QByteArray m_inPayload;
};

} // namespace switchboard
