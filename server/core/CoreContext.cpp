#include "CoreContext.h"

#include "SharedLimits.h"
#include "Timestamp.h"

namespace switchboard {

CoreError CoreContext::checkRate(const QString &key, int limitPerMinute)
{
    qint64 retry = 0;
    const qint64 now = Timestamp::nowMs();
    // The cluster's count first: a refusal there must not spend a local token.
    if (sharedLimits && limitPerMinute > 0 && !sharedLimits->allow(key, limitPerMinute, 60000, now, &retry))
        return CoreError::rateLimited(retry);
    if (!limiter.allow(key, limitPerMinute, 60000, now, &retry)) return CoreError::rateLimited(retry);
    if (sharedLimits && limitPerMinute > 0) sharedLimits->used(key, 60000, now);
    return {};
}

void CoreContext::checkRateInOrder(QObject *caller, const QString &key, int limitPerMinute,
                                   std::function<void(const CoreError &)> then)
{
    if (!sharedLimits || limitPerMinute <= 0) return then(checkRate(key, limitPerMinute));
    qint64 retry = 0;
    const qint64 now = Timestamp::nowMs();
    // What this node knows refuses at once; only a likely "yes" asks the cluster.
    if (!sharedLimits->allow(key, limitPerMinute, 60000, now, &retry)) return then(CoreError::rateLimited(retry));
    if (!limiter.allow(key, limitPerMinute, 60000, now, &retry)) return then(CoreError::rateLimited(retry));
    auto resume = commits.hold(caller);
    sharedLimits->reserve(key, limitPerMinute, 60000, now,
                          [resume, then = std::move(then)](bool allowed, qint64 retryAfterMs) {
        resume([then, allowed, retryAfterMs] { then(allowed ? CoreError() : CoreError::rateLimited(retryAfterMs)); });
    });
}

} // namespace switchboard
