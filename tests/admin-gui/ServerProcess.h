#pragma once

#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QUrl>

namespace switchboard {

// The real switchboard-server for end-to-end tests: a free 127.0.0.1 port, a
// fresh data directory, the admin token set, rate limits off. Also a small
// synchronous REST client for setting up users.
class ServerProcess
{
public:
    static QString binary();

    ~ServerProcess();
    bool start(const QString &adminToken, QString *error);
    // Flags added to the next start() (e.g. --tls-listen).
    void setExtraArguments(const QStringList &args) { m_extraArgs = args; }
    void stop();
    bool isRunning() const { return m_process.state() == QProcess::Running; }
    quint16 port() const { return m_port; }
    QUrl httpUrl(const QString &path) const;
    QUrl wsUrl(const QString &pathAndQuery) const;
    QByteArray log() const { return m_log; }

    // Synchronous REST call; returns the HTTP status, the body in *body.
    int request(const QByteArray &method, const QString &path, const QString &token, const QJsonObject &payload,
                QJsonObject *body);
    // Registers a user; returns {token, user}.
    bool registerUser(const QString &name, QString *token, QString *userId);

private:
    QProcess m_process;
    QTemporaryDir m_dataDir;
    quint16 m_port = 0;
    QByteArray m_log;
    QStringList m_extraArgs;
    bool m_logging = false;
};

} // namespace switchboard
