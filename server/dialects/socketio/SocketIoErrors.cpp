#include "SocketIoErrors.h"

#include "core/Metrics.h"

#include <QLoggingCategory>

namespace switchboard {

Q_LOGGING_CATEGORY(lcSocketIo, "switchboard.socketio")

QString SocketIoErrors::publicMessage(const CoreError &e)
{
    return e.publicMessage(lcSocketIo());
}

QString SocketIoErrors::chatErrorType(const CoreError &e)
{
    switch (e.code) {
    case CoreError::Unauthorized: return QStringLiteral("authentication");
    case CoreError::AccessDenied: return QStringLiteral("authorization");
    case CoreError::RateLimited: return QStringLiteral("rate_limit");
    case CoreError::Invalid:
    case CoreError::TooLarge:
    case CoreError::NotFound:
    case CoreError::Conflict: return QStringLiteral("validation");
    default: return QStringLiteral("server");
    }
}

SocketIoErrors::Command SocketIoErrors::command(const QString &nsp, const QString &event, const CoreError &e,
                                                const QString &prefix)
{
    ++Metrics::instance().errors;
    QString message = publicMessage(e);
    if (!prefix.isEmpty()) message = prefix + QStringLiteral(": ") + message;
    QJsonObject details;
    if (!e.field.isEmpty()) details.insert(QStringLiteral("field"), e.field);
    if (e.retryAfterMs > 0) details.insert(QStringLiteral("retryAfter"), double(e.retryAfterMs));

    Command c;
    c.event = details;
    c.event.insert(QStringLiteral("message"), message);
    c.event.insert(QStringLiteral("code"), e.codeName());
    c.event.insert(QStringLiteral("event"), event);
    if (nsp == QLatin1String("/chat")) c.event.insert(QStringLiteral("type"), chatErrorType(e));

    QJsonObject err = details;
    err.insert(QStringLiteral("code"), e.codeName());
    err.insert(QStringLiteral("message"), message);
    c.ack = QJsonObject{{QStringLiteral("ok"), false}, {QStringLiteral("error"), err}};
    return c;
}

SocketIoPacket SocketIoErrors::connectRefused(const QString &nsp, const QString &message, const QJsonValue &data)
{
    ++Metrics::instance().errors;
    return SocketIoPacket::connectError(nsp, message, data);
}

} // namespace switchboard
