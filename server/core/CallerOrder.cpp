#include "CallerOrder.h"

namespace switchboard {

void CallerOrder::run(QObject *caller, Work work)
{
    auto it = caller ? m_lanes.find(caller) : m_lanes.end();
    if (it == m_lanes.end() || it->second.draining) return work();
    it->second.entries.push_back({++m_nextId, true, std::move(work)});
}

std::function<void(CallerOrder::Work)> CallerOrder::hold(QObject *caller)
{
    if (!caller) return [](Work work) { work(); };
    const quint64 id = ++m_nextId;
    m_lanes[caller].entries.push_back({id, false, {}});
    return [this, life = std::weak_ptr<int>(m_life), caller, id](Work work) {
        if (life.expired()) return;
        fill(caller, id, std::move(work));
    };
}

void CallerOrder::fill(QObject *caller, quint64 id, Work work)
{
    auto it = m_lanes.find(caller);
    if (it == m_lanes.end()) return;
    for (Entry &e : it->second.entries)
        if (e.id == id) {
            e.ready = true;
            e.work = std::move(work);
            break;
        }
    if (!it->second.draining) drain(caller);
}

void CallerOrder::drain(QObject *caller)
{
    // Work may open or fill slots of other callers (the map may rehash): look
    // the lane up again after each piece.
    for (;;) {
        auto it = m_lanes.find(caller);
        if (it == m_lanes.end()) return;
        Lane &lane = it->second;
        if (lane.entries.empty()) {
            m_lanes.erase(it);
            return;
        }
        if (!lane.entries.front().ready) return;
        Work work = std::move(lane.entries.front().work);
        lane.entries.pop_front();
        lane.draining = true;
        work();
        it = m_lanes.find(caller);
        if (it != m_lanes.end()) it->second.draining = false;
    }
}

} // namespace switchboard
