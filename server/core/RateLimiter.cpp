#include "RateLimiter.h"

#include <cmath>

namespace switchboard {

bool RateLimiter::allow(const QString &key, int limit, qint64 windowMs, qint64 nowMs, qint64 *retryAfterMs)
{
    if (limit <= 0 || windowMs <= 0) return true; // 0 disables a limit
    auto it = m_buckets.find(key);
    if (it == m_buckets.end()) it = m_buckets.insert(key, {double(limit), nowMs, limit, windowMs});
    Bucket &b = *it;
    const double rate = double(limit) / double(windowMs); // tokens per ms
    b.tokens = std::min(double(limit), b.tokens + double(nowMs - b.updated) * rate);
    b.updated = nowMs;
    b.limit = limit;
    b.windowMs = windowMs;
    if (b.tokens >= 1.0) {
        b.tokens -= 1.0;
        return true;
    }
    if (retryAfterMs) *retryAfterMs = qint64(std::ceil((1.0 - b.tokens) / rate));
    return false;
}

void RateLimiter::prune(qint64 nowMs)
{
    for (auto it = m_buckets.begin(); it != m_buckets.end();) {
        const double rate = double(it->limit) / double(it->windowMs);
        if (it->tokens + double(nowMs - it->updated) * rate >= it->limit)
            it = m_buckets.erase(it);
        else
            ++it;
    }
}

} // namespace switchboard
