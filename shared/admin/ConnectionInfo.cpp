#include "ConnectionInfo.h"
#include "AdminJson.h"

#include <QJsonArray>

namespace switchboard {

QJsonObject ConnectionInfo::toJson() const
{
    QJsonObject o{
        {"id", id},
        {"user_id", userId},
        {"user", userName},
        {"dialect", dialect},
        {"transport", transport},
        {"remote_address", remoteAddress},
        {"user_agent", userAgent},
        {"connected_at", AdminJson::timeToJson(connectedAt)},
        {"channels", QJsonArray::fromStringList(channels)},
        {"messages_in", double(messagesIn)},
        {"messages_out", double(messagesOut)},
        {"bytes_in", double(bytesIn)},
        {"bytes_out", double(bytesOut)},
        {"send_queue_bytes", double(sendQueueBytes)},
    };
    if (!node.isEmpty()) o.insert(QLatin1String("node"), node);
    return o;
}

bool ConnectionInfo::fromJson(const QJsonObject &o, ConnectionInfo *out)
{
    const QJsonValue idValue = o.value(QLatin1String("id"));
    if (!idValue.isString() || idValue.toString().isEmpty()) return false;
    ConnectionInfo c;
    c.id = idValue.toString();
    c.userId = o.value(QLatin1String("user_id")).toString();
    c.userName = o.value(QLatin1String("user")).toString();
    c.dialect = o.value(QLatin1String("dialect")).toString();
    c.transport = o.value(QLatin1String("transport")).toString();
    c.remoteAddress = o.value(QLatin1String("remote_address")).toString();
    c.userAgent = o.value(QLatin1String("user_agent")).toString();
    c.connectedAt = AdminJson::timeFromJson(o.value(QLatin1String("connected_at")));
    c.channels = AdminJson::stringList(o.value(QLatin1String("channels")));
    c.messagesIn = AdminJson::count(o.value(QLatin1String("messages_in")));
    c.messagesOut = AdminJson::count(o.value(QLatin1String("messages_out")));
    c.bytesIn = AdminJson::count(o.value(QLatin1String("bytes_in")));
    c.bytesOut = AdminJson::count(o.value(QLatin1String("bytes_out")));
    c.sendQueueBytes = AdminJson::count(o.value(QLatin1String("send_queue_bytes")));
    c.node = o.value(QLatin1String("node")).toString();
    *out = c;
    return true;
}

bool ConnectionInfo::operator==(const ConnectionInfo &o) const
{
    return id == o.id && userId == o.userId && userName == o.userName && dialect == o.dialect
        && transport == o.transport && remoteAddress == o.remoteAddress && userAgent == o.userAgent
        && connectedAt == o.connectedAt && channels == o.channels && messagesIn == o.messagesIn
        && messagesOut == o.messagesOut && bytesIn == o.bytesIn && bytesOut == o.bytesOut
        && sendQueueBytes == o.sendQueueBytes && node == o.node;
}

} // namespace switchboard
