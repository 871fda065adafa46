#include "ServerProcess.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTcpServer>
#include <QTimer>

using namespace switchboard;

QString ServerProcess::binary()
{
    const QString fromEnv = qEnvironmentVariable("SWITCHBOARD_SERVER");
    return fromEnv.isEmpty() ? QStringLiteral(SWITCHBOARD_SERVER_BINARY) : fromEnv;
}

ServerProcess::~ServerProcess()
{
    stop();
}

bool ServerProcess::start(const QString &adminToken, QString *error)
{
    // Ask the kernel for a free port (a restart keeps the one it had); the
    // tiny race with other tests is acceptable here.
    if (m_port == 0) {
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost, 0);
        m_port = probe.serverPort();
    }
    QStringList args{
        QStringLiteral("--listen"),
        QStringLiteral("127.0.0.1:%1").arg(m_port),
        QStringLiteral("--data-dir"),
        m_dataDir.path(),
        QStringLiteral("--rate-messages-per-minute"),
        QStringLiteral("0"),
        QStringLiteral("--fast-password-hashing"),
        QStringLiteral("true"),
    };
    if (!adminToken.isEmpty()) args << QStringLiteral("--admin-token") << adminToken;
    args << m_extraArgs;
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    if (!m_logging) {
        QObject::connect(&m_process, &QProcess::readyRead, [this] { m_log += m_process.readAll(); });
        m_logging = true;
    }
    m_process.start(binary(), args);
    if (!m_process.waitForStarted(5000)) {
        *error = QStringLiteral("cannot start %1: %2").arg(binary(), m_process.errorString());
        return false;
    }
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 15000) {
        QJsonObject body;
        if (request("GET", QStringLiteral("/readyz"), QString(), {}, &body) == 200) return true;
        if (m_process.state() != QProcess::Running) break;
        QEventLoop loop;
        QTimer::singleShot(100, &loop, &QEventLoop::quit);
        loop.exec();
    }
    *error = QStringLiteral("server did not become ready: ") + QString::fromUtf8(m_log.right(2000));
    return false;
}

void ServerProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning) return;
    m_process.terminate();
    if (!m_process.waitForFinished(5000)) m_process.kill();
    m_process.waitForFinished(2000);
}

QUrl ServerProcess::httpUrl(const QString &path) const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path));
}

QUrl ServerProcess::wsUrl(const QString &pathAndQuery) const
{
    return QUrl(QStringLiteral("ws://127.0.0.1:%1%2").arg(m_port).arg(pathAndQuery));
}

int ServerProcess::request(const QByteArray &method, const QString &path, const QString &token,
                           const QJsonObject &payload, QJsonObject *body)
{
    QNetworkAccessManager nam;
    QNetworkRequest req(httpUrl(path));
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!token.isEmpty()) req.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    const QByteArray data = payload.isEmpty() ? QByteArray() : QJsonDocument(payload).toJson(QJsonDocument::Compact);
    QNetworkReply *reply = nam.sendCustomRequest(req, method, data);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    loop.exec();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (body) *body = QJsonDocument::fromJson(reply->readAll()).object();
    reply->deleteLater();
    return status;
}

bool ServerProcess::registerUser(const QString &name, QString *token, QString *userId)
{
    QJsonObject body;
    const int status = request("POST", QStringLiteral("/api/v1/auth/register"), QString(),
                               {{"username", name}, {"password", QStringLiteral("correct horse battery")}}, &body);
    if (status != 201) return false;
    *token = body.value(QLatin1String("access_token")).toString();
    *userId = body.value(QLatin1String("user")).toObject().value(QLatin1String("id")).toString();
    return !token->isEmpty();
}
