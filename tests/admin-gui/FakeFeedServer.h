#pragma once

#include "AdminProtocol.h"

#include <QList>
#include <QObject>
#include <QUrl>
#include <QWebSocketServer>

class QWebSocket;

namespace switchboard {

// A stand-in for the server's /admin/ws in the console's unit tests: checks
// the token the same way (wrong token: an error message, then close 1008
// "unauthorized"), sends a snapshot, records commands and answers them.
class FakeFeedServer : public QObject
{
    Q_OBJECT
public:
    explicit FakeFeedServer(const QString &token, QObject *parent = nullptr);
    ~FakeFeedServer() override;

    QUrl url() const;
    void setSnapshot(const QList<ConnectionInfo> &connections, const QList<ChannelInfo> &channels,
                     const ServerStats &stats);
    void broadcast(const QByteArray &message);
    void dropClients();

    int connectionAttempts() const { return m_attempts; }
    int clientCount() const { return int(m_clients.size()); }
    const QList<AdminCommand> &commands() const { return m_commands; }
    QList<AdminCommand> commandsOf(AdminCommand::Kind kind) const;
    void setAnswer(bool ok, const QString &errorCode = QString())
    {
        m_answerOk = ok;
        m_answerCode = errorCode;
    }

Q_SIGNALS:
    void commandReceived(const AdminCommand &command);

private:
    void onNewConnection();

    QWebSocketServer m_server;
    QString m_token;
    QList<QWebSocket *> m_clients;
    QList<AdminCommand> m_commands;
    QList<ConnectionInfo> m_connections;
    QList<ChannelInfo> m_channels;
    ServerStats m_stats;
    int m_attempts = 0;
    bool m_answerOk = true;
    QString m_answerCode;
};

} // namespace switchboard
