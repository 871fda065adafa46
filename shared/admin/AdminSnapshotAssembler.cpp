#include "AdminSnapshotAssembler.h"

#include <utility>

namespace switchboard {

bool AdminSnapshotAssembler::add(const AdminMessage &part)
{
    if (part.type != AdminMessage::Type::SnapshotPart) return false;
    if (part.part == 0) {
        clear();
        m_gathered.type = AdminMessage::Type::Snapshot;
        m_gathered.protocol = part.protocol;
        m_gathered.server = part.server;
        m_gathered.trafficFilter = part.trafficFilter;
    } else if (part.part != m_next) {
        clear(); // a gap: what we have is not a snapshot of anything
        return false;
    }
    m_gathered.connections += part.connections;
    m_gathered.channels += part.channels;
    if (part.hasStats) {
        m_gathered.hasStats = true;
        m_gathered.stats = part.stats;
    }
    if (part.hasNodes) {
        m_gathered.hasNodes = true;
        m_gathered.nodes = part.nodes;
    }
    m_next = part.part + 1;
    if (!part.lastPart) return false;
    m_next = 0;
    return true;
}

AdminMessage AdminSnapshotAssembler::take()
{
    AdminMessage out = std::exchange(m_gathered, AdminMessage());
    m_next = 0;
    return out;
}

void AdminSnapshotAssembler::clear()
{
    m_gathered = AdminMessage();
    m_next = 0;
}

} // namespace switchboard
