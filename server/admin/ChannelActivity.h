#pragma once

#include <QHash>
#include <QString>

#include <array>

namespace switchboard {

// Messages per minute and last activity per channel, from the committed
// events the admin feed sees. Sixty one-second buckets per channel: memory
// stays fixed however busy a channel gets.
class ChannelActivity
{
public:
    void noteMessage(const QString &channelId, qint64 atMs);
    // Messages in the last 60 seconds before nowMs.
    int perMinute(const QString &channelId, qint64 nowMs) const;
    qint64 lastActivity(const QString &channelId) const;
    void forget(const QString &channelId) { m_channels.remove(channelId); }

private:
    struct Window
    {
        std::array<int, 60> counts{};
        std::array<qint64, 60> seconds{};
        qint64 last = 0;
    };
    QHash<QString, Window> m_channels;
};

} // namespace switchboard
