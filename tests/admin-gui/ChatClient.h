#pragma once

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QWebSocket>

#include <functional>

namespace switchboard {

// A chat client speaking one of the plain JSON dialects over QWebSocket
// (flat JSON /ws, workspace JSON /ws/{workspace}), keeping every message it
// receives so a test can wait for one.
class ChatClient : public QObject
{
    Q_OBJECT
public:
    explicit ChatClient(const QString &name, QObject *parent = nullptr);

    bool open(const QUrl &url, const QString &readyType, int timeoutMs = 5000);
    void send(const QJsonObject &message);
    // Waits until a received message matches; returns it (empty on timeout).
    QJsonObject waitFor(const std::function<bool(const QJsonObject &)> &match, int timeoutMs = 5000);
    bool waitForDisconnect(int timeoutMs = 5000);

    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    QWebSocket &socket() { return m_socket; }
    const QString &name() const { return m_name; }

private:
    QString m_name;
    QWebSocket m_socket;
    QList<QJsonObject> m_received;
};

} // namespace switchboard
