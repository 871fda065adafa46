#include "TrafficFilter.h"
#include "AdminJson.h"
#include "TrafficEvent.h"

#include <QJsonArray>

namespace switchboard {

bool TrafficFilter::matches(const TrafficEvent &e) const
{
    if (!enabled) return false;
    if (!dialects.isEmpty() && !dialects.contains(e.dialect)) return false;
    if (!channel.isEmpty() && !e.channelId.contains(channel, Qt::CaseInsensitive)
        && !e.channelName.contains(channel, Qt::CaseInsensitive))
        return false;
    if (!user.isEmpty() && !e.userId.contains(user, Qt::CaseInsensitive)
        && !e.userName.contains(user, Qt::CaseInsensitive))
        return false;
    if (!event.isEmpty() && !e.event.contains(event, Qt::CaseInsensitive)) return false;
    return true;
}

QJsonObject TrafficFilter::toJson() const
{
    return {
        {"enabled", enabled}, {"dialects", QJsonArray::fromStringList(dialects)},
        {"channel", channel}, {"user", user},
        {"event", event},     {"max_rate", maxRate},
    };
}

TrafficFilter TrafficFilter::fromJson(const QJsonObject &o)
{
    TrafficFilter f;
    f.enabled = o.value(QLatin1String("enabled")).toBool(true);
    f.dialects = AdminJson::stringList(o.value(QLatin1String("dialects")));
    f.channel = o.value(QLatin1String("channel")).toString();
    f.user = o.value(QLatin1String("user")).toString();
    f.event = o.value(QLatin1String("event")).toString();
    const qint64 rate = o.contains(QLatin1String("max_rate")) ? AdminJson::count(o.value(QLatin1String("max_rate")))
                                                              : DefaultMaxRate;
    f.maxRate = int(qBound(qint64(1), rate, qint64(MaxRateLimit)));
    return f;
}

bool TrafficFilter::operator==(const TrafficFilter &o) const
{
    return enabled == o.enabled && dialects == o.dialects && channel == o.channel && user == o.user && event == o.event
        && maxRate == o.maxRate;
}

} // namespace switchboard
