#include "ResumeMerge.h"

namespace switchboard {

bool ResumeMerge::addReplayed(const ChatEventPtr &e, QList<ChatEventPtr> &out)
{
    if (m_next < 0) m_next = e->seq;
    if (e->seq < m_next) return false; // read twice: already delivered
    if (e->seq > m_next) m_gap = true; // a hole in the log: delivered, but not exact
    out.append(e);
    m_next = e->seq + 1;
    return !m_gap;
}

void ResumeMerge::addLive(const ChatEventPtr &e)
{
    if (e->seq <= m_upTo) return; // the replay carries it
    m_waiting.insert(e->seq, e);
}

QList<ChatEventPtr> ResumeMerge::finish()
{
    QList<ChatEventPtr> out;
    for (auto it = m_waiting.cbegin(); it != m_waiting.cend(); ++it) {
        if (it.key() < m_next) continue;
        out.append(it.value());
        m_next = it.key() + 1;
    }
    m_waiting.clear();
    return out;
}

} // namespace switchboard
