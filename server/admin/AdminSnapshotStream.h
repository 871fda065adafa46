#pragma once

#include "ChannelInfo.h"
#include "ConnectionInfo.h"
#include "NodeInfo.h"
#include "ServerStats.h"
#include "TrafficFilter.h"

#include <QByteArray>
#include <QHash>
#include <QString>

namespace switchboard {

// One console's snapshot, encoded a slice at a time: 10,000 connections are
// 3.8 MB of JSON, and building that in one pass stalled the loop for 200 ms.
// It holds copies of the feed's maps as they were when it began (implicitly
// shared: nothing is copied until the feed changes its own), so every part
// belongs to the same state, however many ticks run between the parts.
class AdminSnapshotStream
{
public:
    AdminSnapshotStream(const QHash<QString, ConnectionInfo> &connections, const QHash<QString, ChannelInfo> &channels,
                        const ServerStats &stats, const QString &server, int sliceSize);
    AdminSnapshotStream(const AdminSnapshotStream &) = delete;
    AdminSnapshotStream &operator=(const AdminSnapshotStream &) = delete;

    // In a cluster: the node list, sent whole (a handful of rows) with the
    // whole snapshot or its last part.
    void setNodes(const QList<NodeInfo> &nodes)
    {
        m_nodes = nodes;
        m_hasNodes = true;
    }

    // Small enough for one frame: then it goes out as a plain "snapshot",
    // which every console understands.
    bool fitsInOne() const;
    QByteArray whole() const;

    bool atEnd() const { return m_done; }
    // The next "snapshot_part": up to sliceSize connections and channels.
    QByteArray next();
    int partsSent() const { return m_part; }

private:
    const QHash<QString, ConnectionInfo> m_connections;
    const QHash<QString, ChannelInfo> m_channels;
    const ServerStats m_stats;
    const QString m_server;
    const int m_sliceSize;
    QHash<QString, ConnectionInfo>::const_iterator m_connection;
    QHash<QString, ChannelInfo>::const_iterator m_channel;
    QList<NodeInfo> m_nodes;
    bool m_hasNodes = false;
    int m_part = 0;
    bool m_done = false;
};

} // namespace switchboard
