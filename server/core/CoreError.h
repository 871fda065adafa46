#pragma once

#include <QLoggingCategory>
#include <QString>

namespace switchboard {

// Errors are values with codes; every dialect maps them to its own wire shape
// in one place (e.g. FlatJsonCodec::errorCodeFor), so no error is rendered two ways.
struct CoreError
{
    enum Code {
        None,
        Unauthorized,
        AccessDenied,
        NotFound,
        Invalid,
        Conflict,
        RateLimited,
        TooLarge,
        Internal,
        Unavailable
    };

    Code code = None;
    QString message;
    QString field;           // for Invalid: which input was wrong
    qint64 retryAfterMs = 0; // for RateLimited

    bool isError() const { return code != None; }
    explicit operator bool() const { return isError(); }

    static CoreError unauthorized(const QString &m) { return {Unauthorized, m, {}, 0}; }
    static CoreError accessDenied(const QString &m) { return {AccessDenied, m, {}, 0}; }
    static CoreError notFound(const QString &m) { return {NotFound, m, {}, 0}; }
    static CoreError invalid(const QString &field, const QString &m) { return {Invalid, m, field, 0}; }
    static CoreError conflict(const QString &m) { return {Conflict, m, {}, 0}; }
    static CoreError rateLimited(qint64 retryAfterMs)
    {
        return {RateLimited,
                QStringLiteral("Too many requests. Retry after %1 seconds.").arg((retryAfterMs + 999) / 1000),
                {},
                retryAfterMs};
    }
    static CoreError tooLarge(const QString &m) { return {TooLarge, m, {}, 0}; }
    static CoreError internal(const QString &m) { return {Internal, m, {}, 0}; }
    // A dependency is down (the database): nothing was done, the client may retry.
    static CoreError unavailable(const QString &m) { return {Unavailable, m, {}, 0}; }

    // What a client may read: the message, except for internal errors, whose
    // text (SQL, file names) goes to the dialect's log and never on the wire.
    QString publicMessage(const QLoggingCategory &log, const QString &generic = QStringLiteral("internal error")) const
    {
        if (code != Internal && code != None) return message;
        qCWarning(log).noquote() << "internal error:" << message;
        return generic;
    }

    // Stable snake_case name, used by REST and flat JSON.
    QString codeName() const
    {
        switch (code) {
        case None: return QStringLiteral("ok");
        case Unauthorized: return QStringLiteral("unauthorized");
        case AccessDenied: return QStringLiteral("access_denied");
        case NotFound: return QStringLiteral("not_found");
        case Invalid: return QStringLiteral("validation_error");
        case Conflict: return QStringLiteral("conflict");
        case RateLimited: return QStringLiteral("rate_limited");
        case TooLarge: return QStringLiteral("too_large");
        case Internal: return QStringLiteral("internal_error");
        case Unavailable: return QStringLiteral("unavailable");
        }
        return QString();
    }
};

} // namespace switchboard
