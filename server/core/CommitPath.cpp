#include "CommitPath.h"

#include "storage/Store.h"

#include <QLoggingCategory>

namespace switchboard {

Q_LOGGING_CATEGORY(lcCommit, "switchboard.commit")

struct CommitPath::Tally::State
{
    int queued = 0;
    int completed = 0;
    bool sealed = false; // every write is queued: the last completion finishes
    StoreStatus first;
    std::function<void(const StoreStatus &)> finished;

    void maybeFinish()
    {
        if (!sealed || completed != queued || !finished) return;
        auto f = std::move(finished);
        finished = nullptr;
        f(first);
    }
};

std::function<void(const StoreStatus &)> CommitPath::Tally::next()
{
    ++m_state->queued;
    return [state = m_state](const StoreStatus &s) {
        if (!s.ok() && state->first.ok()) state->first = s;
        ++state->completed;
        state->maybeFinish();
    };
}

void CommitPath::run(const std::function<void(Store &, Tally &)> &write,
                     std::function<void(const StoreStatus &)> finished)
{
    if (!m_store) return finished(StoreStatus::unavailable(QStringLiteral("storage is closed")));
    Tally tally;
    tally.m_state = std::make_shared<Tally::State>();
    tally.m_state->finished = std::move(finished);
    write(*m_store, tally);
    // A closed store answers at once; otherwise the commits come in later passes.
    tally.m_state->sealed = true;
    tally.m_state->maybeFinish();
}

CoreError CommitPath::errorFor(const StoreStatus &status, const CoreError &onConflict)
{
    if (status.kind == StoreStatus::Conflict) return onConflict;
    qCWarning(lcCommit) << "write failed:" << status.text;
    if (status.kind == StoreStatus::Unavailable)
        return CoreError::unavailable(QStringLiteral("storage unavailable, nothing was saved; try again later"));
    return CoreError::internal(QStringLiteral("internal error"));
}

} // namespace switchboard
