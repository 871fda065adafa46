#include "TlsContext.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSslCertificate>
#include <QSslKey>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

namespace switchboard {

namespace {

bool readFile(const QString &path, const char *what, QByteArray *out, QString *error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1 %2: %3").arg(QLatin1String(what), path, f.errorString());
        return false;
    }
    *out = f.readAll();
    return true;
}

// Qt cannot tell whether a private key belongs to a certificate; OpenSSL can.
bool keyMatchesCertificate(const QByteArray &certDer, const QByteArray &keyPem)
{
    const auto *p = reinterpret_cast<const unsigned char *>(certDer.constData());
    X509 *cert = d2i_X509(nullptr, &p, long(certDer.size()));
    BIO *bio = BIO_new_mem_buf(keyPem.constData(), int(keyPem.size()));
    EVP_PKEY *key = bio ? PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr) : nullptr;
    const bool ok = cert && key && X509_check_private_key(cert, key) == 1;
    EVP_PKEY_free(key);
    BIO_free(bio);
    X509_free(cert);
    return ok;
}

} // namespace

TlsContext::TlsContext(const QString &certFile, const QString &keyFile, QObject *parent)
    : QObject(parent)
    , m_certFile(certFile)
    , m_keyFile(keyFile)
{
}

bool TlsContext::read(QSslConfiguration *out, QString *error) const
{
    QByteArray certPem, keyPem;
    if (!readFile(m_certFile, "--tls-cert", &certPem, error)) return false;
    if (!readFile(m_keyFile, "--tls-key", &keyPem, error)) return false;
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certPem, QSsl::Pem);
    if (chain.isEmpty() || chain.first().isNull()) {
        *error = QStringLiteral("--tls-cert %1 holds no PEM certificate").arg(m_certFile);
        return false;
    }
    QSslKey key;
    for (QSsl::KeyAlgorithm alg : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa, QSsl::Dh}) {
        key = QSslKey(keyPem, alg, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull()) break;
    }
    if (key.isNull()) {
        *error = QStringLiteral("--tls-key %1 holds no unencrypted PEM private key").arg(m_keyFile);
        return false;
    }
    if (!keyMatchesCertificate(chain.first().toDer(), keyPem)) {
        *error = QStringLiteral("--tls-key %1 does not belong to --tls-cert %2").arg(m_keyFile, m_certFile);
        return false;
    }
    QSslConfiguration c = QSslConfiguration::defaultConfiguration();
    c.setProtocol(QSsl::TlsV1_2OrLater);
    c.setLocalCertificateChain(chain);
    c.setPrivateKey(key);
    c.setPeerVerifyMode(QSslSocket::VerifyNone); // no client certificates
    c.setAllowedNextProtocols({QSslConfiguration::NextProtocolHttp1_1});
    *out = c;
    return true;
}

bool TlsContext::load(QString *error)
{
    return read(&m_configuration, error);
}

bool TlsContext::reloadCertificates(QString *error)
{
    QSslConfiguration next;
    if (!read(&next, error)) return false; // the old certificate stays
    m_configuration = next;
    Q_EMIT configurationChanged();
    return true;
}

QByteArray TlsContext::fingerprint() const
{
    const QList<QSslCertificate> chain = m_configuration.localCertificateChain();
    return chain.isEmpty() ? QByteArray() : chain.first().digest(QCryptographicHash::Sha256).toHex();
}

} // namespace switchboard
