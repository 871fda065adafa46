#include "AdminClient.h"

#include "AdminProtocol.h"
#include "AdminSnapshotAssembler.h"
#include "ChannelModel.h"
#include "ConnectionModel.h"
#include "NodeModel.h"
#include "TrafficModel.h"

#include <QCoreApplication>
#include <QUrlQuery>

namespace switchboard {

AdminClient::AdminClient(QObject *parent)
    : QObject(parent)
    , m_connections(new ConnectionModel(this))
    , m_channels(new ChannelModel(this))
    , m_nodes(new NodeModel(this))
    , m_traffic(new TrafficModel(this))
{
    m_reconnectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &AdminClient::connectSocket);
}

AdminClient::~AdminClient()
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
}

int AdminClient::reconnectIn() const
{
    return m_reconnectTimer.isActive() ? m_reconnectTimer.remainingTime() : -1;
}

void AdminClient::setReconnectDelays(int firstMs, int maxMs)
{
    m_firstDelayMs = qMax(1, firstMs);
    m_maxDelayMs = qMax(m_firstDelayMs, maxMs);
    m_nextDelayMs = m_firstDelayMs;
}

void AdminClient::open(const QUrl &url, const QString &token)
{
    close();
    m_url = url;
    m_token = token;
    m_wantOpen = true;
    m_refused = false;
    m_nextDelayMs = m_firstDelayMs;
    connectSocket();
}

void AdminClient::close()
{
    m_wantOpen = false;
    m_reconnectTimer.stop();
    if (m_socket) {
        QWebSocket *s = m_socket;
        m_socket = nullptr;
        s->disconnect(this);
        s->close(QWebSocketProtocol::CloseCodeNormal, QStringLiteral("console closed"));
        s->deleteLater();
    }
    failPending(tr("The link was closed."));
    if (m_state != LinkState::Refused) setState(LinkState::Disconnected, tr("Disconnected"));
}

void AdminClient::connectSocket()
{
    if (!m_wantOpen) return;
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
    }
    m_lastError.clear();
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    // Feed frames can be large (snapshots of thousands of connections).
    m_socket->setMaxAllowedIncomingMessageSize(64 * 1024 * 1024);
    connect(m_socket, &QWebSocket::connected, this, &AdminClient::onConnected);
    connect(m_socket, &QWebSocket::disconnected, this, &AdminClient::onDisconnected);
    connect(m_socket, &QWebSocket::textMessageReceived, this, &AdminClient::onTextMessage);
    connect(m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            [this](QAbstractSocket::SocketError) {
        if (!m_socket) return;
        const QString err = m_socket->errorString();
        // A refused upgrade (HTTP 401/403) means the token is wrong.
        if (err.contains(QLatin1String("401")) || err.contains(QLatin1String("403"))) {
            m_refused = true;
            m_lastError = tr("Refused: the admin token was not accepted.");
        } else if (m_lastError.isEmpty()) { // a certificate refusal said it better
            m_lastError = err;
        }
    });

    QString trustError;
    if (!m_trust.apply(m_socket, &trustError)) {
        // A setting the user must fix: retrying would fail the same way.
        m_refused = true;
        m_wantOpen = false;
        setState(LinkState::Refused, trustError);
        return;
    }
    connect(m_socket, &QWebSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
        if (!m_socket) return;
        QString why;
        if (m_trust.accept(m_socket, errors, &why)) return;
        // The same certificate would be refused again: no retries.
        m_refused = !m_trust.pinnedSha256.isEmpty();
        m_lastError = why;
    });

    QUrl url = m_url;
    QUrlQuery query(url);
    query.removeAllQueryItems(QStringLiteral("token"));
    query.addQueryItem(QStringLiteral("token"), QString::fromLatin1(QUrl::toPercentEncoding(m_token)));
    url.setQuery(query);
    setState(LinkState::Connecting, tr("Connecting to %1…").arg(m_url.toString()));
    m_socket->open(url);
}

void AdminClient::onConnected()
{
    // Linked, but the feed counts as up only once the snapshot is in.
    m_lastError.clear();
    if (!m_filter.enabled || !m_filter.isOpen() || m_filter.maxRate != TrafficFilter::DefaultMaxRate)
        send(AdminCommand::setTrafficFilter(m_filter));
}

void AdminClient::onDisconnected()
{
    QWebSocket *s = m_socket;
    if (!s) return;
    const auto code = s->closeCode();
    const QString reason = s->closeReason();
    if (code == QWebSocketProtocol::CloseCodePolicyViolated
        && reason.contains(QLatin1String("unauthorized"), Qt::CaseInsensitive))
        m_refused = true;
    if (m_refused && m_lastError.isEmpty()) m_lastError = tr("Refused: the admin token was not accepted.");
    m_socket = nullptr;
    m_assembler.clear(); // a snapshot cut short is no snapshot
    s->disconnect(this);
    s->deleteLater();
    failPending(tr("The link was lost before the server answered."));

    if (m_refused) {
        m_wantOpen = false;
        setState(LinkState::Refused, m_lastError);
        return;
    }
    if (!m_wantOpen) {
        setState(LinkState::Disconnected, tr("Disconnected"));
        return;
    }
    QString why = reason.isEmpty() ? m_lastError : reason;
    if (why.isEmpty()) why = tr("link lost");
    scheduleReconnect();
    setState(LinkState::Reconnecting,
             tr("Reconnecting in %1 s (%2)").arg((m_reconnectTimer.remainingTime() + 999) / 1000).arg(why));
}

void AdminClient::scheduleReconnect()
{
    m_reconnectTimer.start(m_nextDelayMs);
    m_nextDelayMs = qMin(m_nextDelayMs * 2, m_maxDelayMs);
}

void AdminClient::onTextMessage(const QString &text)
{
    AdminMessage m;
    QString code, message;
    if (!AdminProtocol::decode(text.toUtf8(), &m, &code, &message)) {
        Q_EMIT serverError(code, tr("Could not read a feed message: %1").arg(message));
        return;
    }
    apply(m);
}

void AdminClient::apply(const AdminMessage &m)
{
    switch (m.type) {
    case AdminMessage::Type::Snapshot:
        m_serverName = m.server;
        m_connections->reset(m.connections);
        m_channels->reset(m.channels);
        m_nodes->reset(m.hasNodes ? m.nodes : QList<NodeInfo>());
        m_stats = m.stats;
        m_nextDelayMs = m_firstDelayMs;
        setState(LinkState::Connected, tr("Connected to %1").arg(m_url.toString()));
        Q_EMIT snapshotApplied();
        Q_EMIT statsUpdated(m_stats);
        break;
    case AdminMessage::Type::Delta:
        // Removals first: an id may leave and a new connection reuse nothing of it.
        m_connections->remove(m.removedConnections);
        m_connections->upsert(m.connections);
        m_channels->remove(m.removedChannels);
        m_channels->upsert(m.channels);
        if (m.hasNodes) m_nodes->reset(m.nodes);
        if (m.hasStats) {
            m_stats = m.stats;
            Q_EMIT statsUpdated(m_stats);
        }
        break;
    case AdminMessage::Type::Traffic:
        m_trafficDropped += m.dropped;
        // A paused console drops what was already on the way.
        if (m_filter.enabled) m_traffic->append(m.traffic);
        Q_EMIT trafficArrived(int(m.traffic.size()), m.dropped);
        break;
    case AdminMessage::Type::Result: {
        AdminResult r = m.result;
        if (r.command.isEmpty()) r.command = m_pending.value(r.id);
        m_pending.remove(r.id);
        Q_EMIT commandFinished(r);
        break;
    }
    case AdminMessage::Type::Audit: Q_EMIT auditReceived(m.result); break;
    case AdminMessage::Type::Error:
        if (m.errorCode == QLatin1String(AdminProtocol::ErrorUnauthorized)) {
            m_refused = true;
            m_lastError = tr("Refused: %1").arg(m.errorMessage);
        }
        Q_EMIT serverError(m.errorCode, m.errorMessage);
        break;
    case AdminMessage::Type::SnapshotPart:
        // A big snapshot comes in slices; the models change once, with the whole.
        if (m_assembler.add(m)) apply(m_assembler.take());
        break;
    case AdminMessage::Type::Command:
    case AdminMessage::Type::Invalid: break;
    }
}

QString AdminClient::send(AdminCommand command)
{
    command.id = QStringLiteral("cmd-%1").arg(m_nextCommandId++);
    if (!m_socket || m_socket->state() != QAbstractSocket::ConnectedState) {
        Q_EMIT commandFinished(AdminResult::failure(command.id, command.name(), QStringLiteral("not_connected"),
                                                    tr("Not connected to a server.")));
        return command.id;
    }
    m_pending.insert(command.id, command.name());
    m_socket->sendTextMessage(QString::fromUtf8(AdminProtocol::encodeCommand(command)));
    return command.id;
}

void AdminClient::setTrafficFilter(const TrafficFilter &filter)
{
    if (filter == m_filter) return;
    m_filter = filter;
    if (m_socket && m_socket->state() == QAbstractSocket::ConnectedState)
        send(AdminCommand::setTrafficFilter(m_filter));
}

void AdminClient::failPending(const QString &why)
{
    const auto pending = m_pending;
    m_pending.clear();
    for (auto it = pending.cbegin(); it != pending.cend(); ++it)
        Q_EMIT commandFinished(AdminResult::failure(it.key(), it.value(), QStringLiteral("link_lost"), why));
}

void AdminClient::setState(LinkState state, const QString &detail)
{
    if (state == m_state && detail == m_detail) return;
    m_state = state;
    m_detail = detail;
    Q_EMIT stateChanged(state, detail);
}

} // namespace switchboard
