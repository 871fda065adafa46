#include "SendBudget.h"

namespace switchboard {

SendBudget &SendBudget::instance()
{
    static thread_local SendBudget budget;
    return budget;
}

SendBudget::Verdict SendBudget::verdict(qint64 own, qint64 ownLimit) const
{
    if (own > ownLimit) return Verdict::OverOwnCap;
    if (m_limit > 0 && m_total > m_limit && own > FairShare) return Verdict::OverBudget;
    return Verdict::Keep;
}

const char *SendBudget::reason(Verdict v)
{
    switch (v) {
    case Verdict::OverOwnCap: return "slow consumer: send queue full";
    case Verdict::OverBudget: return "slow consumer: server send budget exhausted";
    case Verdict::Keep: break;
    }
    return "";
}

} // namespace switchboard
