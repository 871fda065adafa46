#include "FakeFeedServer.h"

#include <QUrlQuery>
#include <QWebSocket>

using namespace switchboard;

FakeFeedServer::FakeFeedServer(const QString &token, QObject *parent)
    : QObject(parent)
    , m_server(QStringLiteral("fake-feed"), QWebSocketServer::NonSecureMode)
    , m_token(token)
{
    m_server.listen(QHostAddress::LocalHost, 0);
    connect(&m_server, &QWebSocketServer::newConnection, this, &FakeFeedServer::onNewConnection);
}

FakeFeedServer::~FakeFeedServer()
{
    // The sockets' slots use our members: cut them loose before those go.
    const auto clients = m_clients;
    m_clients.clear();
    for (QWebSocket *c : clients) {
        c->disconnect(this);
        c->abort();
        delete c;
    }
}

QUrl FakeFeedServer::url() const
{
    return QUrl(QStringLiteral("ws://127.0.0.1:%1/admin/ws").arg(m_server.serverPort()));
}

void FakeFeedServer::setSnapshot(const QList<ConnectionInfo> &connections, const QList<ChannelInfo> &channels,
                                 const ServerStats &stats)
{
    m_connections = connections;
    m_channels = channels;
    m_stats = stats;
}

void FakeFeedServer::broadcast(const QByteArray &message)
{
    for (QWebSocket *c : qAsConst(m_clients)) c->sendTextMessage(QString::fromUtf8(message));
}

void FakeFeedServer::dropClients()
{
    const auto clients = m_clients;
    m_clients.clear();
    for (QWebSocket *c : clients) {
        c->close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("server restarting"));
        c->deleteLater();
    }
}

QList<AdminCommand> FakeFeedServer::commandsOf(AdminCommand::Kind kind) const
{
    QList<AdminCommand> out;
    for (const AdminCommand &c : m_commands) {
        if (c.kind == kind) out.append(c);
    }
    return out;
}

void FakeFeedServer::onNewConnection()
{
    while (QWebSocket *socket = m_server.nextPendingConnection()) {
        ++m_attempts;
        const QString token =
            QUrlQuery(socket->requestUrl()).queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded);
        if (token != m_token) {
            socket->sendTextMessage(
                QString::fromUtf8(AdminProtocol::encodeError(QLatin1String(AdminProtocol::ErrorUnauthorized),
                                                             QStringLiteral("wrong admin token"))));
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("unauthorized"));
            connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
            continue;
        }
        m_clients.append(socket);
        connect(socket, &QWebSocket::disconnected, this, [this, socket] {
            m_clients.removeAll(socket);
            socket->deleteLater();
        });
        connect(socket, &QWebSocket::textMessageReceived, this, [this, socket](const QString &text) {
            AdminCommand command;
            QString code, message;
            if (!AdminProtocol::decodeCommand(text.toUtf8(), &command, &code, &message)) {
                socket->sendTextMessage(QString::fromUtf8(AdminProtocol::encodeError(code, message)));
                return;
            }
            m_commands.append(command);
            Q_EMIT commandReceived(command);
            if (command.kind == AdminCommand::Kind::SetTrafficFilter) return;
            AdminResult r = m_answerOk ? AdminResult::success(command.id, command.name(),
                                                              QStringLiteral("done: ") + command.name())
                                       : AdminResult::failure(command.id, command.name(), m_answerCode,
                                                              QStringLiteral("refused by the fake"));
            r.by = QStringLiteral("127.0.0.1:1");
            socket->sendTextMessage(QString::fromUtf8(AdminProtocol::encodeResult(r)));
            broadcast(AdminProtocol::encodeAudit(r));
        });
        socket->sendTextMessage(
            QString::fromUtf8(AdminProtocol::encodeSnapshot(m_connections, m_channels, m_stats, TrafficFilter(),
                                                            QStringLiteral("fake/1"))));
    }
}
