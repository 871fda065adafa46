#pragma once

#include <QtGlobal>

#include <deque>
#include <functional>
#include <memory>
#include <unordered_map>

class QObject;

namespace switchboard {

// Keeps one caller's commands in the order it sent them while one of them
// waits for an answer from outside the loop (a cluster's exact rate count in
// Redis, CoreContext::checkRateInOrder). A caller is a session (or any
// context object); without one (nullptr) nothing is ever held.
//
// hold() opens a slot in the caller's order; its work is given later with
// fill(). Work the caller starts meanwhile (run()) waits behind the slot, and
// once the slot is filled everything runs in the order it came. Work that a
// filled slot runs itself (its commit) goes at once: it is the slot's turn.
class CallerOrder
{
public:
    using Work = std::function<void()>;

    CallerOrder() = default;
    CallerOrder(const CallerOrder &) = delete;
    CallerOrder &operator=(const CallerOrder &) = delete;

    // Runs `work` now, or behind the caller's open slots.
    void run(QObject *caller, Work work);

    // Opens a slot and returns the function that fills it (call it exactly
    // once, now or later; it does nothing once this CallerOrder is gone).
    std::function<void(Work)> hold(QObject *caller);

    // Whether run(caller, ...) would wait rather than run at once.
    bool waits(QObject *caller) const
    {
        if (!caller || m_lanes.empty()) return false;
        const auto it = m_lanes.find(caller);
        return it != m_lanes.end() && !it->second.draining;
    }

    // Callers with open slots or work waiting behind one.
    int waitingCallers() const { return int(m_lanes.size()); }

private:
    struct Entry
    {
        quint64 id = 0;
        bool ready = false;
        Work work;
    };
    struct Lane
    {
        std::deque<Entry> entries;
        bool draining = false;
    };
    void fill(QObject *caller, quint64 id, Work work);
    void drain(QObject *caller);

    // Keyed by address: a caller freed while its slot is open keeps its lane
    // until the slot is filled (the answers then find it gone, ContextGuard).
    std::unordered_map<QObject *, Lane> m_lanes;
    quint64 m_nextId = 0;
    std::shared_ptr<int> m_life = std::make_shared<int>(0);
};

} // namespace switchboard
