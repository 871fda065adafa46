#include "AdminSnapshotStream.h"

#include "AdminProtocol.h"

namespace switchboard {

AdminSnapshotStream::AdminSnapshotStream(const QHash<QString, ConnectionInfo> &connections,
                                         const QHash<QString, ChannelInfo> &channels, const ServerStats &stats,
                                         const QString &server, int sliceSize)
    : m_connections(connections)
    , m_channels(channels)
    , m_stats(stats)
    , m_server(server)
    , m_sliceSize(qMax(1, sliceSize))
    , m_connection(m_connections.constBegin())
    , m_channel(m_channels.constBegin())
{
}

bool AdminSnapshotStream::fitsInOne() const
{
    return m_connections.size() + m_channels.size() <= m_sliceSize;
}

QByteArray AdminSnapshotStream::whole() const
{
    return AdminProtocol::encodeSnapshot(m_connections.values(), m_channels.values(), m_stats, TrafficFilter(),
                                         m_server, m_hasNodes ? &m_nodes : nullptr);
}

QByteArray AdminSnapshotStream::next()
{
    QList<ConnectionInfo> connections;
    QList<ChannelInfo> channels;
    int room = m_sliceSize;
    for (; room > 0 && m_connection != m_connections.constEnd(); ++m_connection, --room)
        connections.append(*m_connection);
    for (; room > 0 && m_channel != m_channels.constEnd(); ++m_channel, --room) channels.append(*m_channel);
    m_done = m_connection == m_connections.constEnd() && m_channel == m_channels.constEnd();
    return AdminProtocol::encodeSnapshotPart(m_part++, m_done, connections, channels, m_done ? &m_stats : nullptr,
                                             TrafficFilter(), m_server, m_done && m_hasNodes ? &m_nodes : nullptr);
}

} // namespace switchboard
