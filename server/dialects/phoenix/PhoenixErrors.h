#pragma once

#include "core/CoreError.h"
#include "http/HttpResponse.h"

#include <QByteArray>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QString>

namespace switchboard {

Q_DECLARE_LOGGING_CATEGORY(lcPhoenix)

// The one place where Phoenix errors are made: error replies (and the push
// that may repeat one, e.g. message_error), and refused connects. Each call
// counts one error in Metrics::errors, and an Internal error's text reaches
// the log, never the client. The reply shapes are PhoenixPayloads'.
class PhoenixErrors
{
public:
    enum class FieldErrors { WhenInvalid, Always };

    // {reason, message} (+ retry_after for rate limits, + errors {field:[..]}
    // for validation, or always when asked).
    static QJsonObject reply(const CoreError &e, FieldErrors fieldErrors = FieldErrors::WhenInvalid);
    // A refused phx_join: seed 000 names the reason "Access denied".
    static QJsonObject joinReply(const CoreError &e);
    // An error the dialect found itself: {reason, message?}.
    static QJsonObject protocol(const QString &reason, const QString &message = QString());
    // A refused WebSocket connect (the error shape of docs/api/rest.md); message must be safe to show.
    static HttpResponse connectRefusal(int status, const QString &code, const QString &message);
    // A refused long-poll connect or batch: {"status": N}.
    static QByteArray longPollRefusal(int status);
    // What the client is told a core error was about.
    static QString publicMessage(const CoreError &e);
};

} // namespace switchboard
