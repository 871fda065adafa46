#pragma once

#include "PhoenixConnection.h"
#include "PhoenixTransport.h"
#include "transport/WebSocketSession.h"

namespace switchboard {

// A Phoenix socket at /socket/websocket: frames in and out of one
// WebSocketConnection, the protocol in PhoenixConnection. The shared WebSocketSession
// idle timer is the heartbeat timeout (clients heartbeat every 30 s).
class PhoenixWebSocketSession : public WebSocketSession, private PhoenixTransport
{
    Q_OBJECT
public:
    PhoenixWebSocketSession(ChatService *chat, PhoenixPresenceHub *hub, WebSocketConnection *socket, const User &user,
                            const PhoenixConnection::Options &options, const Limits &limits, QObject *parent = nullptr);

    void deliver(const ChatEventPtr &event) override;
    // phx_error on every joined topic, then close 1008 "unauthorized".
    void closeUnauthorized(AuthLoss why, const QString &reason) override;

protected:
    void onTextFrame(const QString &text) override;
    void onBinaryFrame(const QByteArray &data) override;
    void onOversizedFrame(qint64 size) override;

private:
    void sendFrame(const QByteArray &frame, bool binary, const QString &event, const QString &channelId) override;
    void closeTransport(int code, const QString &reason) override;

    PhoenixConnection m_connection;
};

} // namespace switchboard
