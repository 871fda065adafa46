#include "AdminClient.h"
#include "ServerProcess.h"
#include "TlsTrust.h"

#include <QApplication>
#include <QCryptographicHash>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

using namespace switchboard;

// TLS from Qt clients against the real server started with --tls-listen and a
// throwaway self-signed certificate: QWebSocket over wss trusting that
// certificate as its CA, and the admin console's feed link with a pinned
// fingerprint (right pin: linked; wrong pin: refused, saying why) or a CA file.
class tst_AdminTls : public QObject
{
    Q_OBJECT

    static constexpr const char *adminToken = "tls-admin-token";
    QTemporaryDir m_dir;
    ServerProcess m_server;
    quint16 m_tlsPort = 0;
    QString m_certFile;
    QSslCertificate m_cert;
    QByteArray m_fingerprint;

    QUrl wss(const QString &pathAndQuery) const
    {
        return QUrl(QStringLiteral("wss://127.0.0.1:%1%2").arg(m_tlsPort).arg(pathAndQuery));
    }

    // Opens the console's link with `trust` and waits until it is linked or refused.
    static AdminClient::LinkState link(AdminClient *client, const QUrl &url, const TlsTrust &trust)
    {
        client->setReconnectDelays(60000, 60000); // one attempt: a retry would only blur the outcome
        client->setTlsTrust(trust);
        QSignalSpy changed(client, &AdminClient::stateChanged);
        client->open(url, QString::fromLatin1(adminToken));
        const auto settled = [client] {
            const auto s = client->state();
            return s == AdminClient::LinkState::Connected || s == AdminClient::LinkState::Refused
                || s == AdminClient::LinkState::Reconnecting;
        };
        QTest::qWaitFor(settled, 15000); // the caller compares the state
        return client->state();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_certFile = m_dir.filePath(QStringLiteral("cert.pem"));
        const QString keyFile = m_dir.filePath(QStringLiteral("key.pem"));
        QProcess openssl;
        openssl.start(QStringLiteral("openssl"),
                      {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                       QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-keyout"), keyFile,
                       QStringLiteral("-out"), m_certFile, QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
                       QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1"),
                       QStringLiteral("-days"), QStringLiteral("1")});
        QVERIFY(openssl.waitForFinished(60000));
        QCOMPARE(openssl.exitCode(), 0);
        const QList<QSslCertificate> certs = QSslCertificate::fromPath(m_certFile);
        QCOMPARE(certs.size(), 1);
        m_cert = certs.first();
        m_fingerprint = m_cert.digest(QCryptographicHash::Sha256).toHex();

        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        m_tlsPort = probe.serverPort();
        probe.close();
        m_server.setExtraArguments({QStringLiteral("--tls-listen"), QStringLiteral("127.0.0.1:%1").arg(m_tlsPort),
                                    QStringLiteral("--tls-cert"), m_certFile, QStringLiteral("--tls-key"), keyFile});
        QString error;
        QVERIFY2(m_server.start(QString::fromLatin1(adminToken), &error), qPrintable(error));
    }

    void webSocketOverWssWithTheCaConfigured()
    {
        QString token, userId;
        QVERIFY(m_server.registerUser(QStringLiteral("tlsqt"), &token, &userId));
        QWebSocket ws;
        QSslConfiguration c = QSslConfiguration::defaultConfiguration();
        c.setCaCertificates({m_cert});
        ws.setSslConfiguration(c);
        QList<QSslError> sslErrors;
        connect(&ws, &QWebSocket::sslErrors, this, [&](const QList<QSslError> &e) { sslErrors = e; });
        QSignalSpy connected(&ws, &QWebSocket::connected);
        QStringList received;
        connect(&ws, &QWebSocket::textMessageReceived, this, [&](const QString &m) { received << m; });
        ws.open(wss(QStringLiteral("/ws?token=%1").arg(token)));
        QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 1, 10000);
        QVERIFY(sslErrors.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(!received.isEmpty(), 10000);
        QCOMPARE(QJsonDocument::fromJson(received.first().toUtf8()).object().value("type").toString(),
                 QStringLiteral("connection_established"));
        // A round trip on the encrypted link.
        ws.sendTextMessage(QStringLiteral("{\"type\":\"ping\"}"));
        QTRY_VERIFY_WITH_TIMEOUT(received.size() >= 2 && received.last().contains(QLatin1String("pong")), 10000);
        QSignalSpy closed(&ws, &QWebSocket::disconnected);
        ws.close();
        QTRY_COMPARE_WITH_TIMEOUT(closed.size(), 1, 10000);
        QCOMPARE(ws.closeCode(), QWebSocketProtocol::CloseCodeNormal);
    }

    void webSocketWithoutTrustIsRefused()
    {
        QWebSocket ws;
        QList<QSslError> sslErrors;
        connect(&ws, &QWebSocket::sslErrors, this, [&](const QList<QSslError> &e) { sslErrors = e; });
        QSignalSpy failed(&ws, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error));
        ws.open(wss(QStringLiteral("/ws?token=x")));
        QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 10000);
        QVERIFY(!sslErrors.isEmpty());
        QVERIFY(ws.state() != QAbstractSocket::ConnectedState);
    }

    void adminConsoleWithTheRightPinConnects()
    {
        AdminClient client;
        TlsTrust trust;
        // Written the way openssl prints it: colons, upper case.
        QByteArray colons;
        for (int i = 0; i < m_fingerprint.size(); i += 2) colons += (i ? ":" : "") + m_fingerprint.mid(i, 2).toUpper();
        trust.pinnedSha256 = QString::fromLatin1(colons);
        QCOMPARE(link(&client, wss(QStringLiteral("/admin/ws")), trust), AdminClient::LinkState::Connected);
        QVERIFY(client.serverName().startsWith(QLatin1String("switchboard")));
    }

    void adminConsoleWithAWrongPinIsRefused()
    {
        AdminClient client;
        TlsTrust trust;
        trust.pinnedSha256 = QString(64, QLatin1Char('a'));
        QCOMPARE(link(&client, wss(QStringLiteral("/admin/ws")), trust), AdminClient::LinkState::Refused);
        QVERIFY2(client.stateDetail().contains(QLatin1String("does not match the pinned fingerprint")),
                 qPrintable(client.stateDetail()));
        QVERIFY2(client.stateDetail().contains(QString::fromLatin1(m_fingerprint)), qPrintable(client.stateDetail()));
        QCOMPARE(client.reconnectIn(), -1); // no retries with the same certificate
    }

    void adminConsoleWithTheCaFileConnects()
    {
        AdminClient client;
        TlsTrust trust;
        trust.caFile = m_certFile;
        QCOMPARE(link(&client, wss(QStringLiteral("/admin/ws")), trust), AdminClient::LinkState::Connected);
    }

    void adminConsoleWithoutTrustDoesNotLink()
    {
        AdminClient client;
        const auto state = link(&client, wss(QStringLiteral("/admin/ws")), TlsTrust());
        QVERIFY(state != AdminClient::LinkState::Connected);
        QVERIFY2(!client.stateDetail().isEmpty(), qPrintable(client.stateDetail()));
    }

    void aMalformedPinIsRefusedBeforeConnecting()
    {
        AdminClient client;
        TlsTrust trust;
        trust.pinnedSha256 = QStringLiteral("not-a-fingerprint");
        client.setTlsTrust(trust);
        client.open(wss(QStringLiteral("/admin/ws")), QString::fromLatin1(adminToken));
        QCOMPARE(client.state(), AdminClient::LinkState::Refused);
        QVERIFY(client.stateDetail().contains(QLatin1String("64 hexadecimal digits")));
    }
};

QTEST_MAIN(tst_AdminTls)
#include "tst_admintls.moc"
