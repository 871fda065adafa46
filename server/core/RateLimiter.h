#pragma once

#include <QHash>
#include <QString>

namespace switchboard {

// Token buckets keyed by strings ("msg:<user>:<channel>"): `limit` actions per
// `windowMs`, refilled continuously so bursts up to `limit` are allowed.
class RateLimiter
{
public:
    // Returns true if allowed; otherwise *retryAfterMs says when one more will be.
    bool allow(const QString &key, int limit, qint64 windowMs, qint64 nowMs, qint64 *retryAfterMs = nullptr);
    // Drops buckets that are full again, so memory follows activity.
    void prune(qint64 nowMs);
    int size() const { return int(m_buckets.size()); }

private:
    struct Bucket
    {
        double tokens = 0;
        qint64 updated = 0;
        int limit = 0;
        qint64 windowMs = 0;
    };
    QHash<QString, Bucket> m_buckets;
};

} // namespace switchboard
