#include "CoreContext.h"

#include "Timestamp.h"

namespace switchboard {

CoreError CoreContext::checkRate(const QString &key, int limitPerMinute)
{
    qint64 retry = 0;
    if (!limiter.allow(key, limitPerMinute, 60000, Timestamp::nowMs(), &retry)) return CoreError::rateLimited(retry);
    return {};
}

} // namespace switchboard
