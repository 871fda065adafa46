#include "ChatClient.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QTest>

using namespace switchboard;

ChatClient::ChatClient(const QString &name, QObject *parent) : QObject(parent), m_name(name)
{
    connect(&m_socket, &QWebSocket::textMessageReceived, this,
            [this](const QString &text) { m_received.append(QJsonDocument::fromJson(text.toUtf8()).object()); });
}

bool ChatClient::open(const QUrl &url, const QString &readyType, int timeoutMs)
{
    m_socket.open(url);
    if (readyType == QLatin1String("pong")) {
        // Workspace JSON says nothing first: a ping answered means the session is up.
        QElapsedTimer t;
        t.start();
        while (m_socket.state() != QAbstractSocket::ConnectedState && t.elapsed() < timeoutMs) QTest::qWait(10);
        send({{"type", "ping"}});
    }
    return !waitFor([&](const QJsonObject &m) { return m.value(QLatin1String("type")).toString() == readyType; },
                    timeoutMs)
                .isEmpty();
}

void ChatClient::send(const QJsonObject &message)
{
    m_socket.sendTextMessage(QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
}

QJsonObject ChatClient::waitFor(const std::function<bool(const QJsonObject &)> &match, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    int checked = 0;
    for (;;) {
        for (; checked < m_received.size(); ++checked) {
            if (match(m_received.at(checked))) return m_received.at(checked);
        }
        if (t.elapsed() > timeoutMs) return QJsonObject();
        QTest::qWait(10);
    }
}

bool ChatClient::waitForDisconnect(int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (m_socket.state() != QAbstractSocket::UnconnectedState && t.elapsed() < timeoutMs) QTest::qWait(10);
    return m_socket.state() == QAbstractSocket::UnconnectedState;
}
