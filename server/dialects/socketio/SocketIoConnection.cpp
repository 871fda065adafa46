#include "SocketIoConnection.h"

#include "ChatNamespaceSession.h"
#include "core/ChatService.h"
#include "core/Metrics.h"
#include "DefaultNamespaceSession.h"
#include "EngineIoSocket.h"
#include "SocketIoCodec.h"
#include "SocketIoErrors.h"
#include "SocketIoRecovery.h"
#include "transport/TimerJitter.h"

#include <QNetworkCookie>

namespace switchboard {

namespace {
thread_local int t_unauthenticated = 0;
} // namespace

int SocketIoConnection::unauthenticatedCount()
{
    return t_unauthenticated;
}

SocketIoConnection::SocketIoConnection(EngineIoSocket *engine, ChatService *chat, int connectTimeoutMs, QObject *parent)
    : QObject(parent)
    , m_engine(engine)
    , m_chat(chat)
    ,
    // The reference server's connectTimeout: a session that never CONNECTs is dropped.
    m_connectTimer(
        engine->timers(),
        [this] {
    if (m_namespaces.isEmpty()) {
        ++Metrics::instance().httpRejections["connect_timeout"];
        close(QStringLiteral("connect timeout"));
    }
        })
, m_handshakeToken(handshakeToken(engine->handshakeRequest(), &m_tokenFromCookie))
, m_peer(engine->handshakeRequest().peer)
, m_userAgent(QString::fromUtf8(engine->handshakeRequest().header("User-Agent")))
{
    engine->setListener(this);
    ++t_unauthenticated;
    // Up to a tenth later, in 16 steps (16 queue lanes): a burst of sessions
    // that never CONNECT is not dropped in one pass.
    m_connectTimer.start(TimerJitter::later(connectTimeoutMs, 0.1, 16));
}

SocketIoConnection::~SocketIoConnection()
{
    if (!m_authenticated) --t_unauthenticated;
    if (m_engine) m_engine->setListener(nullptr);
    const auto sessions = m_namespaces;
    m_namespaces.clear();
    for (SocketIoNamespaceSession *s : sessions) {
        if (m_chat) m_chat->detachSession(s);
        delete s;
    }
}

bool SocketIoConnection::isKnownNamespace(const QString &nsp)
{
    return nsp == QLatin1String("/") || nsp == QLatin1String("/chat");
}

SocketIoNamespaceSession *SocketIoConnection::sessionFor(const QString &nsp) const
{
    for (SocketIoNamespaceSession *s : m_namespaces)
        if (s->nsp() == nsp) return s;
    return nullptr;
}

void SocketIoConnection::removeSession(SocketIoNamespaceSession *session)
{
    for (qsizetype i = 0; i < m_namespaces.size(); ++i) {
        if (m_namespaces.at(i) == session) {
            m_namespaces.remove(i);
            return;
        }
    }
}

void SocketIoConnection::sendRaw(const QByteArray &encoded)
{
    if (m_engine) m_engine->send(EngineIoPacket::message(encoded));
}

void SocketIoConnection::send(const SocketIoPacket &packet)
{
    sendRaw(SocketIoCodec::encode(packet));
}

void SocketIoConnection::close(const QString &reason)
{
    if (m_engine) m_engine->close(reason);
}

void SocketIoConnection::shutdown(const QString &reason)
{
    if (m_engine) m_engine->close(reason, QWebSocketProtocol::CloseCodeGoingAway);
}

void SocketIoConnection::kick(SocketIoNamespaceSession *session)
{
    if (sessionFor(session->nsp()) != session) return;
    send(SocketIoPacket::disconnect(session->nsp()));
    dropSession(session);
}

void SocketIoConnection::dropSession(SocketIoNamespaceSession *session)
{
    // A DISCONNECT either way (the client's or a kick): nothing to recover.
    session->forgetRecovery();
    removeSession(session);
    if (m_chat) m_chat->detachSession(session);
    Q_EMIT session->closed(session);
    session->deleteLater();
}

void SocketIoConnection::engineIoTransportChanged()
{
    for (SocketIoNamespaceSession *s : std::as_const(m_namespaces)) s->setTransport(m_engine->transportName());
}

void SocketIoConnection::engineIoClosed(const QString &reason)
{
    Q_UNUSED(reason);
    const auto sessions = m_namespaces;
    m_namespaces.clear();
    for (SocketIoNamespaceSession *s : sessions) {
        // The transport went away: recoverable from now on for the window.
        s->persistRecovery();
        if (m_chat) m_chat->detachSession(s);
        Q_EMIT s->closed(s);
        s->deleteLater();
    }
    deleteLater();
}

void SocketIoConnection::engineIoPacket(const EngineIoPacket &packet)
{
    if (packet.binary) {
        if (!m_awaitingBinary) {
            close(QStringLiteral("parse error")); // binary data without a binary packet
            return;
        }
        m_attachments.append(packet.data);
        if (m_attachments.size() == m_binaryPacket.attachments) dispatchBinary();
        return;
    }
    if (m_awaitingBinary) {
        close(QStringLiteral("parse error")); // text while attachments were due
        return;
    }
    m_lastPacket = packet.data;
    m_lastPacketSize = packet.data.size();
    const SocketIoCodec::Result r = SocketIoCodec::decode(packet.data);
    if (!r.ok()) {
        // As the reference server: an undecodable packet ends the connection.
        qInfo("socket.io: closing %s: %s", qPrintable(m_engine ? m_engine->sid() : QString()), qPrintable(r.detail));
        close(QStringLiteral("parse error"));
        return;
    }
    if (r.packet.isBinary() && r.packet.attachments > 0) {
        m_awaitingBinary = true;
        m_binaryPacket = r.packet;
        m_attachments.clear();
        return;
    }
    if (r.packet.isBinary()) {
        m_binaryPacket = r.packet;
        m_attachments.clear();
        dispatchBinary();
        return;
    }
    onPacket(r.packet);
    m_lastPacket = QByteArray(); // an idle connection keeps no copy of its last packet
}

void SocketIoConnection::dispatchBinary()
{
    m_awaitingBinary = false;
    const SocketIoPacket p = m_binaryPacket;
    m_binaryPacket = SocketIoPacket();
    m_attachments = QList<QByteArray>();
    SocketIoNamespaceSession *s = sessionFor(p.nsp);
    if (!s) {
        close(QStringLiteral("invalid state"));
        return;
    }
    if (p.type == SocketIoPacket::BinaryEvent) s->handleBinaryEvent(p.eventName(), p.id);
    // BINARY_ACK: the server never asks for acks, nothing waits for it.
}

void SocketIoConnection::onPacket(const SocketIoPacket &p)
{
    if (p.type == SocketIoPacket::Connect) {
        if (sessionFor(p.nsp)) {
            close(QStringLiteral("invalid state")); // CONNECT twice, as the reference server
            return;
        }
        onConnect(p);
        return;
    }
    SocketIoNamespaceSession *s = sessionFor(p.nsp);
    if (!s || p.type == SocketIoPacket::ConnectError) {
        // Events before CONNECT, or for a namespace never joined.
        close(QStringLiteral("invalid state"));
        return;
    }
    switch (p.type) {
    case SocketIoPacket::Disconnect: dropSession(s); break;
    case SocketIoPacket::Event:
        s->noteTraffic(Session::Direction::In, p.eventName(), QString(), m_lastPacketSize, m_lastPacket);
        s->handleEvent(p.eventName(), p.eventArgs(), p.id);
        break;
    case SocketIoPacket::Ack: break; // the server never asks for acks
    default: break;
    }
}

QByteArray SocketIoConnection::tokenFor(const QString &nsp, const QJsonValue &auth) const
{
    // The documented order (docs/api/socketio-default.md): auth.token, ?token=, Authorization: Bearer, cookie token.
    const QString fromAuth = auth.toObject().value(QLatin1String("token")).toString();
    if (!fromAuth.isEmpty()) return fromAuth.toUtf8();
    // Only seed 002 documents the cookie; "/" (seed 001) never takes it.
    if (m_tokenFromCookie && nsp != QLatin1String("/chat")) return QByteArray();
    return m_handshakeToken;
}

QByteArray SocketIoConnection::handshakeToken(const EngineIoHttpRequest &req, bool *fromCookie)
{
    *fromCookie = false;
    const QString fromQuery = req.query(QStringLiteral("token"));
    if (!fromQuery.isEmpty()) return fromQuery.toUtf8();
    const QByteArray authorization = req.header("Authorization").trimmed();
    if (authorization.size() > 7 && authorization.left(7).compare("Bearer ", Qt::CaseInsensitive) == 0)
        return authorization.mid(7).trimmed();
    for (const QByteArray &part : req.header("Cookie").split(';')) {
        const QByteArray kv = part.trimmed();
        if (!kv.startsWith("token=")) continue;
        *fromCookie = true;
        return QByteArray::fromPercentEncoding(kv.mid(6));
    }
    return QByteArray();
}

void SocketIoConnection::onConnect(const SocketIoPacket &p)
{
    if (!isKnownNamespace(p.nsp)) {
        send(SocketIoErrors::connectRefused(p.nsp, QStringLiteral("Invalid namespace")));
        return;
    }
    const QByteArray token = tokenFor(p.nsp, p.data);
    const Result<User> auth = token.isEmpty()
                                ? Result<User>::failure(CoreError::unauthorized(QStringLiteral("no token")))
                                : m_chat->authenticate(token);
    if (!auth.ok()) {
        send(SocketIoErrors::connectRefused(p.nsp, QStringLiteral("Authentication failed"),
                                            QJsonObject{{QStringLiteral("code"), QStringLiteral("unauthorized")},
                                                        {QStringLiteral("reason"),
                                                         SocketIoErrors::publicMessage(auth.error)}}));
        return;
    }

    SocketIoNamespaceSession *s = nullptr;
    if (p.nsp == QLatin1String("/chat"))
        s = new ChatNamespaceSession(this, m_chat);
    else
        s = new DefaultNamespaceSession(this, m_chat);
    s->setUser(auth.value);
    s->setToken(token);
    s->setTransport(m_engine->transportName());
    s->setRemoteAddress(m_peer);
    s->setUserAgent(m_userAgent);
    if (const CoreError e = m_chat->attachSession(s)) {
        send(SocketIoErrors::connectRefused(p.nsp, SocketIoErrors::publicMessage(e),
                                            QJsonObject{{QStringLiteral("code"), e.codeName()}}));
        delete s;
        return;
    }
    m_namespaces.append(s);
    m_connectTimer.stop();
    if (!m_authenticated) {
        m_authenticated = true;
        --t_unauthenticated;
        m_engine->setEstablished();
    }
    // Connection state recovery: the rooms come back now, the missed events
    // follow the CONNECT answer (queued by the core).
    SocketIoRecovery::connect(s, m_chat, p.data.toObject());
    send(SocketIoPacket::connect(p.nsp, s->id(), s->pid()));
    s->onConnected();
}

} // namespace switchboard
