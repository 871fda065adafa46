#pragma once

#include <QJsonObject>
#include <QString>

namespace switchboard {

struct Workspace
{
    QString id;
    QString name;
    QString ownerId;
    bool isDefault = false;
    qint64 createdAt = 0;

    bool isValid() const { return !id.isEmpty(); }
    QJsonObject toJson() const;
};

} // namespace switchboard
