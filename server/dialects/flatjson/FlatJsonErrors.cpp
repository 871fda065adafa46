#include "FlatJsonErrors.h"

#include "FlatJsonCodec.h"
#include "core/Metrics.h"

#include <QLoggingCategory>

namespace switchboard {

Q_LOGGING_CATEGORY(lcFlatJson, "switchboard.flatjson")

QString FlatJsonErrors::publicMessage(const CoreError &e)
{
    return e.publicMessage(lcFlatJson(), QStringLiteral("Internal server error"));
}

QByteArray FlatJsonErrors::fromCore(const CoreError &e, const QString &fallback)
{
    QString details = e.field.isEmpty() ? QString() : QStringLiteral("field: %1").arg(e.field);
    if (e.code == CoreError::RateLimited) details = QStringLiteral("retry_after_ms: %1").arg(e.retryAfterMs);
    return protocol(FlatJsonCodec::errorCodeFor(e, fallback), publicMessage(e), details);
}

QByteArray FlatJsonErrors::protocol(const QString &code, const QString &message, const QString &details)
{
    ++Metrics::instance().errors;
    return FlatJsonCodec::error(code, message, details);
}

HttpResponse FlatJsonErrors::handshakeRefusal(const CoreError &e)
{
    int status = 500;
    switch (e.code) {
    case CoreError::Unauthorized: status = 401; break;
    case CoreError::AccessDenied: status = 403; break;
    case CoreError::RateLimited: status = 429; break;
    case CoreError::Unavailable: status = 503; break;
    default: break;
    }
    ++Metrics::instance().errors;
    return HttpResponse::error(status, e.codeName(), publicMessage(e));
}

} // namespace switchboard
