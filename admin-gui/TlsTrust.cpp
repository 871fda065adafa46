#include "TlsTrust.h"

#include <QCryptographicHash>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QWebSocket>

namespace switchboard {

QByteArray TlsTrust::normalizedPin(const QString &pin)
{
    QByteArray hex = pin.trimmed().toLatin1().toLower();
    hex.replace(':', "");
    if (hex.size() != 64) return {};
    for (char c : hex)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return {};
    return hex;
}

bool TlsTrust::apply(QWebSocket *socket, QString *error) const
{
    if (isEmpty()) return true;
    QSslConfiguration c = QSslConfiguration::defaultConfiguration();
    c.setProtocol(QSsl::TlsV1_2OrLater);
    if (!pinnedSha256.isEmpty()) {
        if (normalizedPin(pinnedSha256).isEmpty()) {
            *error = tr("The pinned fingerprint must be 64 hexadecimal digits (SHA-256).");
            return false;
        }
        // Trust nothing, so every handshake comes to accept() for the pin check.
        c.setCaCertificates({});
    } else {
        const QList<QSslCertificate> cas = QSslCertificate::fromPath(caFile, QSsl::Pem);
        if (cas.isEmpty()) {
            *error = tr("No PEM certificate could be read from the CA file %1.").arg(caFile);
            return false;
        }
        c.setCaCertificates(cas);
    }
    socket->setSslConfiguration(c);
    return true;
}

bool TlsTrust::accept(QWebSocket *socket, const QList<QSslError> &errors, QString *error) const
{
    const QByteArray pin = normalizedPin(pinnedSha256);
    if (pin.isEmpty() || errors.isEmpty()) {
        *error = errors.isEmpty() ? QString()
                                  : tr("The server's certificate is not trusted: %1").arg(errors.first().errorString());
        return false;
    }
    // With no CA trusted, the server's own certificate is always among them; a
    // chain with any other certificate in error is not the pinned server.
    for (const QSslError &e : errors) {
        const QByteArray got = e.certificate().digest(QCryptographicHash::Sha256).toHex();
        if (got != pin) {
            *error = tr("Refused: the server's certificate (SHA-256 %1) does not match the pinned fingerprint %2.")
                         .arg(QString::fromLatin1(got), QString::fromLatin1(pin));
            return false;
        }
    }
    socket->ignoreSslErrors(errors);
    return true;
}

} // namespace switchboard
