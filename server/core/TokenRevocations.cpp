#include "TokenRevocations.h"

#include <QCryptographicHash>

#include <limits>

namespace switchboard {

QByteArray TokenRevocations::digest(QByteArrayView token)
{
    return QCryptographicHash::hash(token, QCryptographicHash::Sha256).toHex();
}

void TokenRevocations::revoke(const QByteArray &digest, qint64 expiresAtSecs)
{
    m_expiry.insert(digest, expiresAtSecs > 0 ? expiresAtSecs : std::numeric_limits<qint64>::max());
}

bool TokenRevocations::isRevoked(const QByteArray &digest, qint64 nowSecs) const
{
    const auto it = m_expiry.constFind(digest);
    return it != m_expiry.constEnd() && nowSecs < *it;
}

int TokenRevocations::prune(qint64 nowSecs)
{
    int dropped = 0;
    for (auto it = m_expiry.begin(); it != m_expiry.end();) {
        if (*it <= nowSecs) {
            it = m_expiry.erase(it);
            ++dropped;
        } else {
            ++it;
        }
    }
    return dropped;
}

} // namespace switchboard
