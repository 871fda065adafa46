#pragma once

#include <QByteArray>
#include <QCoreApplication>
#include <QList>
#include <QSslError>
#include <QString>

class QWebSocket;

namespace switchboard {

// How the console trusts a wss:// server beyond the system's CAs: a CA file
// (PEM) for a private CA, or the SHA-256 fingerprint of the server's own
// (typically self-signed) certificate. A pin decides alone: no CA is trusted,
// and the handshake goes on only if every certificate the verification
// complains about is the pinned one.
class TlsTrust
{
    Q_DECLARE_TR_FUNCTIONS(TlsTrust)
public:
    QString caFile;
    QString pinnedSha256; // hex, colons and case ignored

    bool isEmpty() const { return caFile.isEmpty() && pinnedSha256.isEmpty(); }
    // "AB:CD:..." or "abcd..." -> "abcd...", empty if it is not 64 hex digits.
    static QByteArray normalizedPin(const QString &pin);

    // Configures the socket before open(); false with *error if the CA file is unusable.
    bool apply(QWebSocket *socket, QString *error) const;
    // Called from QWebSocket::sslErrors: ignores the errors when the pin
    // allows it, else returns false with a message for the user.
    bool accept(QWebSocket *socket, const QList<QSslError> &errors, QString *error) const;
};

} // namespace switchboard
