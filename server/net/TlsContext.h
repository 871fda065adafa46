#pragma once

#include <QObject>
#include <QSslConfiguration>
#include <QString>

namespace switchboard {

// The server's certificate and key (PEM files) as the TLS listeners use them.
// load() reads both and checks that the key belongs to the certificate;
// reloadCertificates() does the same for a SIGHUP and keeps the certificate in
// use when the new files do not load, so a bad deploy never takes TLS down.
class TlsContext : public QObject
{
    Q_OBJECT
public:
    TlsContext(const QString &certFile, const QString &keyFile, QObject *parent = nullptr);

    bool load(QString *error);
    bool reloadCertificates(QString *error);

    // TLS 1.2 or later, OpenSSL's default ciphers, ALPN http/1.1, no client certificates.
    QSslConfiguration configuration() const { return m_configuration; }
    // SHA-256 of the leaf certificate (DER), hex: what clients pin.
    QByteArray fingerprint() const;

Q_SIGNALS:
    // New connections use the new configuration; open ones keep their session.
    void configurationChanged();

private:
    bool read(QSslConfiguration *out, QString *error) const;

    QString m_certFile;
    QString m_keyFile;
    QSslConfiguration m_configuration;
};

} // namespace switchboard
