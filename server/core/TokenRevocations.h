#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>

namespace switchboard {

// Logged-out tokens, in memory: the SHA-256 of each token with the time it would
// expire anyway. A digest rather than a "jti": every token has one, including tokens
// issued before revocation existed and tokens minted by other tools. Entries are
// dropped once expired, so the list never outgrows the tokens still alive.
// AccountManager persists the same entries (revoked_tokens) and reloads them at start.
class TokenRevocations
{
public:
    // Lower-case hex SHA-256 of the token as presented.
    static QByteArray digest(QByteArrayView token);

    void load(const QHash<QByteArray, qint64> &entries) { m_expiry = entries; }
    // expiresAtSecs: the token's "exp" (revoked for good if it had none: 0 here means never).
    void revoke(const QByteArray &digest, qint64 expiresAtSecs);
    bool isRevoked(const QByteArray &digest, qint64 nowSecs) const;
    // Drops expired entries; returns how many.
    int prune(qint64 nowSecs);
    qsizetype size() const { return m_expiry.size(); }

private:
    QHash<QByteArray, qint64> m_expiry;
};

} // namespace switchboard
