#include "ClusterPort.h"

#include "CoreContext.h"

namespace switchboard {

ClusterPort::ClusterPort(CoreContext &core, QObject *parent) : QObject(parent), m_core(core) {}

PresenceManager *ClusterPort::presence() const
{
    return &m_core.presence;
}

ParticipationTracker *ClusterPort::participation() const
{
    return m_core.participation;
}

void ClusterPort::setSharedLimits(SharedLimits *limits)
{
    m_core.sharedLimits = limits;
}

} // namespace switchboard
