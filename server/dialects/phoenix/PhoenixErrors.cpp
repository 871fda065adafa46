#include "PhoenixErrors.h"

#include "core/Metrics.h"
#include "PhoenixLongPollCodec.h"
#include "PhoenixPayloads.h"

namespace switchboard {

Q_LOGGING_CATEGORY(lcPhoenix, "switchboard.phoenix")

QString PhoenixErrors::publicMessage(const CoreError &e)
{
    return e.publicMessage(lcPhoenix());
}

QJsonObject PhoenixErrors::reply(const CoreError &e, FieldErrors fieldErrors)
{
    ++Metrics::instance().errors;
    CoreError shown = e;
    shown.message = publicMessage(e);
    QJsonObject o = PhoenixPayloads::error(shown);
    if (fieldErrors == FieldErrors::Always) o.insert("errors", PhoenixPayloads::fieldErrors(shown));
    return o;
}

QJsonObject PhoenixErrors::joinReply(const CoreError &e)
{
    ++Metrics::instance().errors;
    CoreError shown = e;
    shown.message = publicMessage(e);
    return PhoenixPayloads::joinError(shown);
}

QJsonObject PhoenixErrors::protocol(const QString &reason, const QString &message)
{
    ++Metrics::instance().errors;
    QJsonObject o{{"reason", reason}};
    if (!message.isEmpty()) o.insert("message", message);
    return o;
}

HttpResponse PhoenixErrors::connectRefusal(int status, const QString &code, const QString &message)
{
    ++Metrics::instance().errors;
    return HttpResponse::error(status, code, message);
}

QByteArray PhoenixErrors::longPollRefusal(int status)
{
    ++Metrics::instance().errors;
    return PhoenixLongPollCodec::statusResponse(status);
}

} // namespace switchboard
