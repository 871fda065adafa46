#include "Channel.h"
#include "Timestamp.h"

namespace switchboard {

QString Channel::typeName() const
{
    switch (type) {
    case Type::Public: return QStringLiteral("public");
    case Type::Private: return QStringLiteral("private");
    case Type::Dm: return QStringLiteral("dm");
    }
    return QString();
}

bool Channel::parseType(const QString &s, Type *out)
{
    if (s == QLatin1String("public"))
        *out = Type::Public;
    else if (s == QLatin1String("private"))
        *out = Type::Private;
    else if (s == QLatin1String("dm"))
        *out = Type::Dm;
    else
        return false;
    return true;
}

QJsonObject Channel::toJson() const
{
    return {
        {"id", id},
        {"workspace_id", workspaceId},
        {"name", name},
        {"type", typeName()},
        {"description", description},
        {"created_by", createdBy.isEmpty() ? QJsonValue() : QJsonValue(createdBy)},
        {"created_at", Timestamp::toIso(createdAt)},
    };
}

} // namespace switchboard
