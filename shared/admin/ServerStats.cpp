#include "ServerStats.h"
#include "AdminJson.h"

namespace switchboard {

int ServerStats::totalConnections() const
{
    int n = 0;
    for (int v : connectionsByDialect) n += v;
    return n;
}

QJsonObject ServerStats::toJson() const
{
    QJsonObject byDialect;
    for (auto it = connectionsByDialect.cbegin(); it != connectionsByDialect.cend(); ++it)
        byDialect.insert(it.key(), it.value());
    return {
        {"time", AdminJson::timeToJson(time)},
        {"started_at", AdminJson::timeToJson(startedAt)},
        {"connections", totalConnections()},
        {"connections_by_dialect", byDialect},
        {"channels", channels},
        {"admin_consoles", adminConsoles},
        {"messages_in", double(messagesIn)},
        {"deliveries_out", double(deliveriesOut)},
        {"errors", double(errors)},
        {"messages_in_per_sec", messagesInPerSec},
        {"deliveries_out_per_sec", deliveriesOutPerSec},
        {"errors_per_sec", errorsPerSec},
        {"storage_latency_ms", storageLatencyMs},
        {"storage_latency_max_ms", storageLatencyMaxMs},
        {"traffic_dropped", double(trafficDropped)},
    };
}

ServerStats ServerStats::fromJson(const QJsonObject &o)
{
    ServerStats s;
    s.time = AdminJson::timeFromJson(o.value(QLatin1String("time")));
    s.startedAt = AdminJson::timeFromJson(o.value(QLatin1String("started_at")));
    const QJsonObject byDialect = o.value(QLatin1String("connections_by_dialect")).toObject();
    for (auto it = byDialect.begin(); it != byDialect.end(); ++it)
        s.connectionsByDialect.insert(it.key(), int(AdminJson::count(it.value())));
    s.channels = int(AdminJson::count(o.value(QLatin1String("channels"))));
    s.adminConsoles = int(AdminJson::count(o.value(QLatin1String("admin_consoles"))));
    s.messagesIn = AdminJson::count(o.value(QLatin1String("messages_in")));
    s.deliveriesOut = AdminJson::count(o.value(QLatin1String("deliveries_out")));
    s.errors = AdminJson::count(o.value(QLatin1String("errors")));
    s.messagesInPerSec = AdminJson::number(o.value(QLatin1String("messages_in_per_sec")));
    s.deliveriesOutPerSec = AdminJson::number(o.value(QLatin1String("deliveries_out_per_sec")));
    s.errorsPerSec = AdminJson::number(o.value(QLatin1String("errors_per_sec")));
    s.storageLatencyMs = AdminJson::number(o.value(QLatin1String("storage_latency_ms")));
    s.storageLatencyMaxMs = AdminJson::number(o.value(QLatin1String("storage_latency_max_ms")));
    s.trafficDropped = AdminJson::count(o.value(QLatin1String("traffic_dropped")));
    return s;
}

bool ServerStats::operator==(const ServerStats &o) const
{
    return time == o.time && startedAt == o.startedAt && connectionsByDialect == o.connectionsByDialect
        && channels == o.channels && adminConsoles == o.adminConsoles && messagesIn == o.messagesIn
        && deliveriesOut == o.deliveriesOut && errors == o.errors
        && qFuzzyCompare(1 + messagesInPerSec, 1 + o.messagesInPerSec)
        && qFuzzyCompare(1 + deliveriesOutPerSec, 1 + o.deliveriesOutPerSec)
        && qFuzzyCompare(1 + errorsPerSec, 1 + o.errorsPerSec)
        && qFuzzyCompare(1 + storageLatencyMs, 1 + o.storageLatencyMs)
        && qFuzzyCompare(1 + storageLatencyMaxMs, 1 + o.storageLatencyMaxMs) && trafficDropped == o.trafficDropped;
}

} // namespace switchboard
