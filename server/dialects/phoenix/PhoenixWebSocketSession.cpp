#include "PhoenixWebSocketSession.h"

#include "net/WebSocketConnection.h"

namespace switchboard {

PhoenixWebSocketSession::PhoenixWebSocketSession(ChatService *chat, PhoenixPresenceHub *hub,
                                                 WebSocketConnection *socket, const User &user,
                                                 const PhoenixConnection::Options &options, const Limits &limits,
                                                 QObject *parent)
    : WebSocketSession(chat, socket, QStringLiteral("phoenix"), limits, parent)
    , m_connection(chat, hub, this, this, options)
{
    setUser(user);
}

void PhoenixWebSocketSession::deliver(const ChatEventPtr &event)
{
    m_connection.deliver(event);
}

void PhoenixWebSocketSession::onTextFrame(const QString &text)
{
    m_connection.handleText(text.toUtf8());
}

void PhoenixWebSocketSession::onBinaryFrame(const QByteArray &data)
{
    m_connection.handleBinary(data);
}

void PhoenixWebSocketSession::onOversizedFrame(qint64 size)
{
    // The frame is not kept, so its push cannot be answered; closing (as
    // Phoenix's transport does) makes the client reconnect and rejoin at once
    // instead of waiting out a push timeout.
    close(QWebSocketProtocol::CloseCodeTooMuchData,
          QStringLiteral("frame of %1 bytes exceeds %2").arg(size).arg(limits().maxFrameBytes));
}

void PhoenixWebSocketSession::sendFrame(const QByteArray &frame, bool binary, const QString &event,
                                        const QString &channelId)
{
    if (socket()->state() != QAbstractSocket::ConnectedState) return;
    if (binary)
        sendBinary(frame, event, channelId);
    else
        sendText(frame, event, channelId);
}

void PhoenixWebSocketSession::closeTransport(int code, const QString &reason)
{
    close(quint16(code), reason);
}

void PhoenixWebSocketSession::closeUnauthorized(AuthLoss why, const QString &reason)
{
    Q_UNUSED(why);
    m_connection.pushUnauthorized(reason);
    close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("unauthorized"));
}

} // namespace switchboard
