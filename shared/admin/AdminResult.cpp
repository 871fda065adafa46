#include "AdminResult.h"
#include "AdminJson.h"

#include <QDateTime>

namespace switchboard {

QJsonObject AdminResult::toJson(const char *type) const
{
    QJsonObject o{
        {"type", QLatin1String(type)},         {"command", command}, {"ok", ok}, {"message", message},
        {"time", AdminJson::timeToJson(time)},
    };
    if (!id.isEmpty()) o.insert(QLatin1String("id"), id);
    if (!by.isEmpty()) o.insert(QLatin1String("by"), by);
    if (!ok) o.insert(QLatin1String("error"), QJsonObject{{"code", errorCode}, {"message", message}});
    return o;
}

AdminResult AdminResult::fromJson(const QJsonObject &o)
{
    AdminResult r;
    r.id = o.value(QLatin1String("id")).toString();
    r.command = o.value(QLatin1String("command")).toString();
    r.ok = o.value(QLatin1String("ok")).toBool(false);
    r.message = o.value(QLatin1String("message")).toString();
    r.time = AdminJson::timeFromJson(o.value(QLatin1String("time")));
    r.by = o.value(QLatin1String("by")).toString();
    if (!r.ok) {
        const QJsonObject e = o.value(QLatin1String("error")).toObject();
        r.errorCode = e.value(QLatin1String("code")).toString();
        if (r.message.isEmpty()) r.message = e.value(QLatin1String("message")).toString();
    }
    return r;
}

AdminResult AdminResult::success(const QString &id, const QString &command, const QString &message)
{
    AdminResult r;
    r.id = id;
    r.command = command;
    r.ok = true;
    r.message = message;
    r.time = QDateTime::currentMSecsSinceEpoch();
    return r;
}

AdminResult AdminResult::failure(const QString &id, const QString &command, const QString &code, const QString &message)
{
    AdminResult r;
    r.id = id;
    r.command = command;
    r.ok = false;
    r.errorCode = code;
    r.message = message;
    r.time = QDateTime::currentMSecsSinceEpoch();
    return r;
}

} // namespace switchboard
