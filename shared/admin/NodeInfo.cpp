#include "NodeInfo.h"
#include "AdminJson.h"

namespace switchboard {

QJsonObject NodeInfo::toJson() const
{
    return {
        {"id", id},
        {"listen", listen},
        {"started", AdminJson::timeToJson(started)},
        {"connections", double(connections)},
        {"live", live},
        {"self", self},
        {"down_since", AdminJson::timeToJson(downSince)},
        {"reachable", reachable},
    };
}

bool NodeInfo::fromJson(const QJsonObject &o, NodeInfo *out)
{
    const QJsonValue idValue = o.value(QLatin1String("id"));
    if (!idValue.isString() || idValue.toString().isEmpty()) return false;
    NodeInfo n;
    n.id = idValue.toString();
    n.listen = o.value(QLatin1String("listen")).toString();
    n.started = AdminJson::timeFromJson(o.value(QLatin1String("started")));
    n.connections = AdminJson::count(o.value(QLatin1String("connections")));
    n.live = o.value(QLatin1String("live")).toBool(true);
    n.self = o.value(QLatin1String("self")).toBool(false);
    n.downSince = AdminJson::timeFromJson(o.value(QLatin1String("down_since")));
    n.reachable = o.value(QLatin1String("reachable")).toBool(true);
    *out = n;
    return true;
}

bool NodeInfo::operator==(const NodeInfo &o) const
{
    return id == o.id && listen == o.listen && started == o.started && connections == o.connections && live == o.live
        && self == o.self && downSince == o.downSince && reachable == o.reachable;
}

} // namespace switchboard
