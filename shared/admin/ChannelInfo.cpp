#include "ChannelInfo.h"
#include "AdminJson.h"

namespace switchboard {

QJsonObject ChannelInfo::toJson() const
{
    return {
        {"id", id},
        {"workspace_id", workspaceId},
        {"workspace", workspaceName},
        {"name", name},
        {"type", type},
        {"members", members},
        {"online_members", onlineMembers},
        {"messages_per_minute", messagesPerMinute},
        {"last_activity", AdminJson::timeToJson(lastActivity)},
    };
}

bool ChannelInfo::fromJson(const QJsonObject &o, ChannelInfo *out)
{
    const QJsonValue idValue = o.value(QLatin1String("id"));
    if (!idValue.isString() || idValue.toString().isEmpty()) return false;
    ChannelInfo c;
    c.id = idValue.toString();
    c.workspaceId = o.value(QLatin1String("workspace_id")).toString();
    c.workspaceName = o.value(QLatin1String("workspace")).toString();
    c.name = o.value(QLatin1String("name")).toString();
    c.type = o.value(QLatin1String("type")).toString();
    c.members = int(AdminJson::count(o.value(QLatin1String("members"))));
    c.onlineMembers = int(AdminJson::count(o.value(QLatin1String("online_members"))));
    c.messagesPerMinute = AdminJson::number(o.value(QLatin1String("messages_per_minute")));
    c.lastActivity = AdminJson::timeFromJson(o.value(QLatin1String("last_activity")));
    *out = c;
    return true;
}

bool ChannelInfo::operator==(const ChannelInfo &o) const
{
    return id == o.id && workspaceId == o.workspaceId && workspaceName == o.workspaceName && name == o.name
        && type == o.type && members == o.members && onlineMembers == o.onlineMembers
        && qFuzzyCompare(1 + messagesPerMinute, 1 + o.messagesPerMinute) && lastActivity == o.lastActivity;
}

} // namespace switchboard
