#include "RestErrors.h"

#include "core/Metrics.h"

#include <QJsonObject>
#include <QLoggingCategory>

namespace switchboard {

Q_LOGGING_CATEGORY(lcRest, "switchboard.rest")

int RestErrors::statusFor(CoreError::Code code)
{
    switch (code) {
    case CoreError::None: return 200;
    case CoreError::Unauthorized: return 401;
    case CoreError::AccessDenied: return 403;
    case CoreError::NotFound: return 404;
    case CoreError::Invalid: return 422;
    case CoreError::Conflict: return 409;
    case CoreError::RateLimited: return 429;
    case CoreError::TooLarge: return 413;
    case CoreError::Internal: return 500;
    case CoreError::Unavailable: return 503;
    }
    return 500;
}

HttpResponse RestErrors::response(const CoreError &e)
{
    ++Metrics::instance().errors;
    const QString message = e.publicMessage(lcRest());
    QJsonObject err{{"code", e.codeName()}, {"message", message}};
    if (!e.field.isEmpty()) err.insert("field", e.field);
    if (e.code == CoreError::RateLimited) err.insert("retry_after", e.retryAfterMs);
    HttpResponse r = HttpResponse::json(statusFor(e.code), QJsonObject{{"error", err}});
    if (e.code == CoreError::RateLimited) r.setHeader("Retry-After", QByteArray::number((e.retryAfterMs + 999) / 1000));
    return r;
}

HttpResponse RestErrors::protocol(int status, const QString &code, const QString &message)
{
    ++Metrics::instance().errors;
    return HttpResponse::error(status, code, message);
}

} // namespace switchboard
