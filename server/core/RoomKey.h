#pragma once

#include <QString>

#include <utility>

namespace switchboard {

// The key of one user in one room (channel): "channel\nuser". One format for
// the ephemeral lane, the participation tracker and the cluster's presence
// mirror, whose keys pass between them. Ids never hold a newline.
struct RoomKey
{
    static QString of(const QString &channelId, const QString &userId)
    {
        return channelId + QLatin1Char('\n') + userId;
    }
    // {channel, user}
    static std::pair<QString, QString> split(const QString &key)
    {
        const qsizetype cut = key.indexOf(QLatin1Char('\n'));
        return {key.left(cut), key.mid(cut + 1)};
    }
};

} // namespace switchboard
