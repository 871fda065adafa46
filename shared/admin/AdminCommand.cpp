#include "AdminCommand.h"
#include "AdminProtocol.h"

namespace switchboard {

namespace {

struct KindName
{
    AdminCommand::Kind kind;
    const char *name;
};
const KindName kindNames[] = {
    {AdminCommand::Kind::Disconnect, "disconnect"},
    {AdminCommand::Kind::SystemMessage, "system_message"},
    {AdminCommand::Kind::RemoveFromChannel, "remove_from_channel"},
    {AdminCommand::Kind::DisableUser, "disable_user"},
    {AdminCommand::Kind::SetTrafficFilter, "traffic_filter"},
    {AdminCommand::Kind::DisconnectUser, "disconnect_user"},
};

bool refuse(QString *code, QString *message, const char *c, const QString &m)
{
    if (code) *code = QLatin1String(c);
    if (message) *message = m;
    return false;
}

// A required id field: a non-empty string of sane length.
bool readId(const QJsonObject &o, const char *field, QString *out, QString *code, QString *message)
{
    const QJsonValue v = o.value(QLatin1String(field));
    if (!v.isString() || v.toString().trimmed().isEmpty())
        return refuse(code, message, AdminProtocol::ErrorBadRequest,
                      QStringLiteral("missing or empty string field \"%1\"").arg(QLatin1String(field)));
    if (v.toString().size() > 200)
        return refuse(code, message, AdminProtocol::ErrorBadRequest,
                      QStringLiteral("field \"%1\" is too long").arg(QLatin1String(field)));
    *out = v.toString();
    return true;
}

bool readText(const QJsonObject &o, const char *field, int limit, bool required, QString *out, QString *code,
              QString *message)
{
    const QJsonValue v = o.value(QLatin1String(field));
    if (v.isUndefined() || v.isNull()) {
        if (required)
            return refuse(code, message, AdminProtocol::ErrorBadRequest,
                          QStringLiteral("missing field \"%1\"").arg(QLatin1String(field)));
        out->clear();
        return true;
    }
    if (!v.isString())
        return refuse(code, message, AdminProtocol::ErrorBadRequest,
                      QStringLiteral("field \"%1\" must be a string").arg(QLatin1String(field)));
    const QString s = v.toString();
    if (required && s.trimmed().isEmpty())
        return refuse(code, message, AdminProtocol::ErrorBadRequest,
                      QStringLiteral("field \"%1\" is empty").arg(QLatin1String(field)));
    if (s.size() > limit)
        return refuse(code, message, AdminProtocol::ErrorTooLarge,
                      QStringLiteral("field \"%1\" is longer than %2 characters").arg(QLatin1String(field)).arg(limit));
    *out = s;
    return true;
}

} // namespace

QString AdminCommand::kindName(Kind k)
{
    for (const KindName &kn : kindNames) {
        if (kn.kind == k) return QLatin1String(kn.name);
    }
    return QString();
}

bool AdminCommand::parseKind(const QString &name, Kind *out)
{
    for (const KindName &kn : kindNames) {
        if (name == QLatin1String(kn.name)) {
            *out = kn.kind;
            return true;
        }
    }
    return false;
}

QJsonObject AdminCommand::toJson() const
{
    QJsonObject o{{"type", "command"}, {"id", id}, {"command", name()}};
    switch (kind) {
    case Kind::Disconnect:
        o.insert(QLatin1String("connection_id"), connectionId);
        o.insert(QLatin1String("reason"), text);
        if (!node.isEmpty()) o.insert(QLatin1String("node"), node);
        break;
    case Kind::DisconnectUser:
        o.insert(QLatin1String("user_id"), userId);
        o.insert(QLatin1String("reason"), text);
        break;
    case Kind::SystemMessage:
        if (everyone)
            o.insert(QLatin1String("everyone"), true);
        else
            o.insert(QLatin1String("channel_id"), channelId);
        o.insert(QLatin1String("text"), text);
        break;
    case Kind::RemoveFromChannel:
        o.insert(QLatin1String("user_id"), userId);
        o.insert(QLatin1String("channel_id"), channelId);
        break;
    case Kind::DisableUser:
        o.insert(QLatin1String("user_id"), userId);
        o.insert(QLatin1String("reason"), text);
        break;
    case Kind::SetTrafficFilter: o.insert(QLatin1String("filter"), filter.toJson()); break;
    }
    return o;
}

bool AdminCommand::fromJson(const QJsonObject &o, AdminCommand *out, QString *code, QString *message)
{
    AdminCommand c;
    const QJsonValue idValue = o.value(QLatin1String("id"));
    if (!idValue.isUndefined() && !idValue.isString())
        return refuse(code, message, AdminProtocol::ErrorBadRequest, QStringLiteral("\"id\" must be a string"));
    c.id = idValue.toString().left(64);
    const QJsonValue nameValue = o.value(QLatin1String("command"));
    if (!nameValue.isString())
        return refuse(code, message, AdminProtocol::ErrorBadRequest, QStringLiteral("missing field \"command\""));
    if (!parseKind(nameValue.toString(), &c.kind))
        return refuse(code, message, AdminProtocol::ErrorUnknownCommand,
                      QStringLiteral("unknown command \"%1\"").arg(nameValue.toString().left(64)));

    switch (c.kind) {
    case Kind::Disconnect:
        if (!readId(o, "connection_id", &c.connectionId, code, message)
            || !readText(o, "reason", MaxReasonLength, false, &c.text, code, message)
            || !readText(o, "node", 200, false, &c.node, code, message))
            return false;
        break;
    case Kind::DisconnectUser:
        if (!readId(o, "user_id", &c.userId, code, message)
            || !readText(o, "reason", MaxReasonLength, false, &c.text, code, message))
            return false;
        break;
    case Kind::SystemMessage: {
        c.everyone = o.value(QLatin1String("everyone")).toBool(false);
        const bool hasChannel = o.contains(QLatin1String("channel_id"));
        if (c.everyone == hasChannel)
            return refuse(code, message, AdminProtocol::ErrorBadRequest,
                          QStringLiteral("give either \"channel_id\" or \"everyone\": true"));
        if (hasChannel && !readId(o, "channel_id", &c.channelId, code, message)) return false;
        if (!readText(o, "text", MaxTextLength, true, &c.text, code, message)) return false;
        break;
    }
    case Kind::RemoveFromChannel:
        if (!readId(o, "user_id", &c.userId, code, message) || !readId(o, "channel_id", &c.channelId, code, message))
            return false;
        break;
    case Kind::DisableUser:
        if (!readId(o, "user_id", &c.userId, code, message)
            || !readText(o, "reason", MaxReasonLength, false, &c.text, code, message))
            return false;
        break;
    case Kind::SetTrafficFilter: {
        const QJsonValue f = o.value(QLatin1String("filter"));
        if (!f.isObject())
            return refuse(code, message, AdminProtocol::ErrorBadRequest,
                          QStringLiteral("\"filter\" must be an object"));
        c.filter = TrafficFilter::fromJson(f.toObject());
        break;
    }
    }
    *out = c;
    return true;
}

AdminCommand AdminCommand::disconnect(const QString &connectionId, const QString &reason, const QString &node)
{
    AdminCommand c;
    c.kind = Kind::Disconnect;
    c.connectionId = connectionId;
    c.text = reason;
    c.node = node;
    return c;
}

AdminCommand AdminCommand::disconnectUser(const QString &userId, const QString &reason)
{
    AdminCommand c;
    c.kind = Kind::DisconnectUser;
    c.userId = userId;
    c.text = reason;
    return c;
}

AdminCommand AdminCommand::systemMessage(const QString &channelId, const QString &text)
{
    AdminCommand c;
    c.kind = Kind::SystemMessage;
    c.channelId = channelId;
    c.text = text;
    return c;
}

AdminCommand AdminCommand::systemMessageToEveryone(const QString &text)
{
    AdminCommand c;
    c.kind = Kind::SystemMessage;
    c.everyone = true;
    c.text = text;
    return c;
}

AdminCommand AdminCommand::removeFromChannel(const QString &userId, const QString &channelId)
{
    AdminCommand c;
    c.kind = Kind::RemoveFromChannel;
    c.userId = userId;
    c.channelId = channelId;
    return c;
}

AdminCommand AdminCommand::disableUser(const QString &userId, const QString &reason)
{
    AdminCommand c;
    c.kind = Kind::DisableUser;
    c.userId = userId;
    c.text = reason;
    return c;
}

AdminCommand AdminCommand::setTrafficFilter(const TrafficFilter &filter)
{
    AdminCommand c;
    c.kind = Kind::SetTrafficFilter;
    c.filter = filter;
    return c;
}

} // namespace switchboard
