#include "ChannelActivity.h"

namespace switchboard {

void ChannelActivity::noteMessage(const QString &channelId, qint64 atMs)
{
    Window &w = m_channels[channelId];
    const qint64 second = atMs / 1000;
    const int slot = int(second % 60);
    // A slot that holds an older second is reused: its count is stale.
    if (w.seconds[slot] != second) {
        w.seconds[slot] = second;
        w.counts[slot] = 0;
    }
    ++w.counts[slot];
    w.last = qMax(w.last, atMs);
}

int ChannelActivity::perMinute(const QString &channelId, qint64 nowMs) const
{
    auto it = m_channels.constFind(channelId);
    if (it == m_channels.constEnd()) return 0;
    const qint64 now = nowMs / 1000;
    int sum = 0;
    for (int i = 0; i < 60; ++i) {
        if (now - it->seconds[i] < 60 && it->seconds[i] <= now) sum += it->counts[i];
    }
    return sum;
}

qint64 ChannelActivity::lastActivity(const QString &channelId) const
{
    auto it = m_channels.constFind(channelId);
    return it == m_channels.constEnd() ? 0 : it->last;
}

} // namespace switchboard
