#include "TrafficEvent.h"
#include "AdminJson.h"

namespace switchboard {

void TrafficEvent::setPayload(const QByteArray &raw, int limit)
{
    // Decode only what can be shown (4 bytes per character at most): a
    // megabyte frame must not cost a megabyte of UTF-16 conversion.
    const qsizetype budget = qsizetype(limit) * 4;
    QString text = QString::fromUtf8(raw.constData(), qMin(raw.size(), budget));
    truncated = raw.size() > budget || text.size() > limit;
    if (text.size() > limit) text.truncate(limit);
    // A cut in the middle of a surrogate pair would leave half a character.
    if (truncated && !text.isEmpty() && text.back().isHighSurrogate()) text.chop(1);
    payload = text;
}

QJsonObject TrafficEvent::toJson() const
{
    QJsonObject o{
        {"seq", double(seq)},
        {"time", AdminJson::timeToJson(time)},
        {"connection_id", connectionId},
        {"user_id", userId},
        {"user", userName},
        {"dialect", dialect},
        {"direction", directionName()},
        {"event", event},
        {"channel_id", channelId},
        {"channel", channelName},
        {"size", size},
        {"payload", payload},
    };
    if (truncated) o.insert(QLatin1String("truncated"), true);
    return o;
}

bool TrafficEvent::fromJson(const QJsonObject &o, TrafficEvent *out)
{
    const QString dir = o.value(QLatin1String("direction")).toString();
    if (dir != QLatin1String("in") && dir != QLatin1String("out")) return false;
    TrafficEvent e;
    e.seq = AdminJson::count(o.value(QLatin1String("seq")));
    e.time = AdminJson::timeFromJson(o.value(QLatin1String("time")));
    e.connectionId = o.value(QLatin1String("connection_id")).toString();
    e.userId = o.value(QLatin1String("user_id")).toString();
    e.userName = o.value(QLatin1String("user")).toString();
    e.dialect = o.value(QLatin1String("dialect")).toString();
    e.direction = dir == QLatin1String("in") ? Direction::In : Direction::Out;
    e.event = o.value(QLatin1String("event")).toString();
    e.channelId = o.value(QLatin1String("channel_id")).toString();
    e.channelName = o.value(QLatin1String("channel")).toString();
    e.size = int(AdminJson::count(o.value(QLatin1String("size"))));
    e.payload = o.value(QLatin1String("payload")).toString();
    e.truncated = o.value(QLatin1String("truncated")).toBool();
    *out = e;
    return true;
}

bool TrafficEvent::operator==(const TrafficEvent &o) const
{
    return seq == o.seq && time == o.time && connectionId == o.connectionId && userId == o.userId
        && userName == o.userName && dialect == o.dialect && direction == o.direction && event == o.event
        && channelId == o.channelId && channelName == o.channelName && size == o.size && payload == o.payload
        && truncated == o.truncated;
}

} // namespace switchboard
