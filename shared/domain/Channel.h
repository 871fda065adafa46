#pragma once

#include <QJsonObject>
#include <QString>

namespace switchboard {

struct Channel
{
    enum class Type { Public, Private, Dm };

    QString id;
    QString workspaceId;
    QString name;
    Type type = Type::Public;
    QString description;
    QString createdBy;
    qint64 createdAt = 0;

    bool isValid() const { return !id.isEmpty(); }
    bool isPublic() const { return type == Type::Public; }
    QString typeName() const;
    static bool parseType(const QString &s, Type *out);
    QJsonObject toJson() const;
};

} // namespace switchboard
