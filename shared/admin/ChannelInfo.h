#pragma once

#include <QJsonObject>
#include <QString>

namespace switchboard {

// One channel as the admin feed shows it: membership and how busy it is.
struct ChannelInfo
{
    QString id;
    QString workspaceId;
    QString workspaceName;
    QString name;
    QString type; // public, private, dm
    int members = 0;
    int onlineMembers = 0;        // members with at least one live connection
    double messagesPerMinute = 0; // over the last minute
    qint64 lastActivity = 0;      // ms since epoch of the last message, 0 = never

    bool isValid() const { return !id.isEmpty(); }
    QJsonObject toJson() const;
    static bool fromJson(const QJsonObject &o, ChannelInfo *out);

    bool operator==(const ChannelInfo &o) const;
    bool operator!=(const ChannelInfo &o) const { return !(*this == o); }
};

} // namespace switchboard
