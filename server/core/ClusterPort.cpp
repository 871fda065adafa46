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

void ClusterPort::setConnectionQuota(ConnectionQuota *quota)
{
    m_core.connectionQuota = quota;
}

void ClusterPort::answerAfterDirectorySync(QObject *context)
{
    m_syncedContext = context;
    m_core.commits.setAnswerGate(context, m_directorySync);
}

void ClusterPort::setDirectorySync(std::function<void(std::function<void()>)> sync)
{
    m_directorySync = std::move(sync);
    m_core.commits.setAnswerGate(m_syncedContext, m_directorySync);
}

} // namespace switchboard
