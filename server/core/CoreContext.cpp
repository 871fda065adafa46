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

} // namespace switchboard
