#pragma once

#include "core/ChatService.h"
#include "EngineIoSocket.h"
#include "SocketIoPacket.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QVarLengthArray>

namespace switchboard {

class SocketIoNamespaceSession;

// The Socket.IO v5 layer over one Engine.IO session: decodes packets, routes
// them to one core Session per connected namespace, reassembles binary
// packets, and enforces the reference server's connection rules
// (socket.io-protocol v5, "Connection to a namespace"): CONNECT first, unknown namespace -> CONNECT_ERROR,
// anything undecodable or out of order closes the connection.
class SocketIoConnection : public QObject, private EngineIoSocketListener
{
    Q_OBJECT
public:
    SocketIoConnection(EngineIoSocket *engine, ChatService *chat, int connectTimeoutMs, QObject *parent = nullptr);
    ~SocketIoConnection() override;

    EngineIoSocket *engine() const { return m_engine; }
    ChatService *chat() const { return m_chat; }

    // Sends one encoded Socket.IO packet (one Engine.IO message).
    void sendRaw(const QByteArray &encoded);
    void send(const SocketIoPacket &packet);
    // The server leaves a namespace: DISCONNECT to the client, session gone.
    void kick(SocketIoNamespaceSession *session);
    void close(const QString &reason);
    // Server shutdown: close the transport ("going away") rather than DISCONNECT,
    // so that clients reconnect by themselves once the server is back.
    void shutdown(const QString &reason);

    static bool isKnownNamespace(const QString &nsp);
    // Connections of this thread that have not sent a successful CONNECT yet.
    static int unauthenticatedCount();

private:
    void engineIoPacket(const EngineIoPacket &packet) override;
    void engineIoTransportChanged() override;
    void engineIoClosed(const QString &reason) override;
    void onPacket(const SocketIoPacket &packet);
    void onConnect(const SocketIoPacket &packet);
    void dispatchBinary();
    void dropSession(SocketIoNamespaceSession *session);
    QByteArray tokenFor(const QString &nsp, const QJsonValue &auth) const;
    static QByteArray handshakeToken(const EngineIoHttpRequest &handshake, bool *fromCookie);
    SocketIoNamespaceSession *sessionFor(const QString &nsp) const;
    void removeSession(SocketIoNamespaceSession *session);

    QPointer<EngineIoSocket> m_engine;
    // Guarded: at server teardown the core may go before its sessions.
    QPointer<ChatService> m_chat;
    // At most one session per known namespace ("/" and "/chat"): inline, where
    // a QHash would allocate ~1.7 KB of spans per idle connection.
    QVarLengthArray<SocketIoNamespaceSession *, 2> m_namespaces;
    EngineIoTimer m_connectTimer;
    // From the handshake request, which the engine does not keep: the token
    // it carried (?token=, Bearer, cookie; usually none), peer and user agent.
    // The flag comes first: handshakeToken() sets it while the token is built.
    bool m_tokenFromCookie = false; // then it is good for "/chat" only (seed 002)
    QByteArray m_handshakeToken;
    QHostAddress m_peer;
    QString m_userAgent;

    // A BINARY_EVENT / BINARY_ACK waiting for its attachments.
    bool m_awaitingBinary = false;
    SocketIoPacket m_binaryPacket;
    QList<QByteArray> m_attachments;
    QByteArray m_lastPacket;      // for the traffic tap
    bool m_authenticated = false; // a namespace CONNECT succeeded (unauthenticatedCount)
    qint64 m_lastPacketSize = 0;
};

} // namespace switchboard
