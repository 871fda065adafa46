#pragma once

#include <QFile>
#include <QProcess>
#include <QStringList>
#include <QTcpServer>
#include <QTemporaryDir>

namespace switchboard {

// A throwaway redis-server on 127.0.0.1 for one test: no persistence, its own
// port, started and killed by the test itself (never a shared instance).
class RedisServerProcess
{
public:
    static QString binary() { return QStringLiteral("/usr/bin/redis-server"); }
    static bool available() { return QFile::exists(binary()); }

    ~RedisServerProcess() { stop(); }

    // Picks a free port on the first start; later starts reuse it (a restart).
    bool start(const QStringList &extraArgs = {})
    {
        if (m_port == 0) m_port = freePort();
        if (m_port == 0 || !m_dir.isValid()) return false;
        m_extraArgs = extraArgs;
        m_process.setProgram(binary());
        m_process.setArguments(QStringList{QStringLiteral("--port"), QString::number(m_port), QStringLiteral("--bind"),
                                           QStringLiteral("127.0.0.1"), QStringLiteral("--save"), QString(),
                                           QStringLiteral("--appendonly"), QStringLiteral("no"),
                                           QStringLiteral("--dir"), m_dir.path(), QStringLiteral("--daemonize"),
                                           QStringLiteral("no")}
                               + extraArgs);
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.start();
        if (!m_process.waitForStarted(10000)) return false;
        // Its own log line says when it listens; no polling of the port.
        QByteArray log;
        while (!log.contains("Ready to accept connections")) {
            if (!m_process.waitForReadyRead(10000)) return false;
            log += m_process.readAll();
        }
        return true;
    }

    bool restart() { return start(m_extraArgs); }

    // SIGKILL: no goodbye to the clients, as in a crash.
    void kill()
    {
        if (m_process.state() == QProcess::NotRunning) return;
        m_process.kill();
        m_process.waitForFinished(10000);
    }

    void stop() { kill(); }

    quint16 port() const { return m_port; }
    QString url(const QString &suffix = QString()) const
    {
        return QStringLiteral("redis://127.0.0.1:%1%2").arg(m_port).arg(suffix);
    }
    QString urlWithAuth(const QString &userInfo, const QString &suffix = QString()) const
    {
        return QStringLiteral("redis://%1@127.0.0.1:%2%3").arg(userInfo).arg(m_port).arg(suffix);
    }

private:
    static quint16 freePort()
    {
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost, 0)) return 0;
        return probe.serverPort();
    }

    QProcess m_process;
    QTemporaryDir m_dir;
    QStringList m_extraArgs;
    quint16 m_port = 0;
};

} // namespace switchboard
