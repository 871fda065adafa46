#pragma once

#include <QJsonObject>
#include <QString>

namespace switchboard {

struct User
{
    QString id;
    QString username;
    QString email;
    QString displayName;
    QString avatarUrl;
    qint64 createdAt = 0;
    bool disabled = false;

    bool isValid() const { return !id.isEmpty(); }
    // The name people see: the display name if set, else the username.
    QString name() const { return displayName.isEmpty() ? username : displayName; }
    QJsonObject toJson() const;
};

} // namespace switchboard
