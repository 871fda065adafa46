#pragma once

#include <QJsonObject>
#include <QString>

namespace switchboard {

struct Reaction
{
    QString id;
    QString messageId;
    QString userId;
    QString emoji;
    qint64 createdAt = 0;

    bool isValid() const { return !id.isEmpty(); }
    QJsonObject toJson() const;
};

} // namespace switchboard
