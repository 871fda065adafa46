#pragma once

#include <QList>
#include <QMap>
#include <QObject>

#include <functional>

namespace switchboard {

// Read-after-write for directory changes across nodes (docs/cluster.md
// "Directory read-after-write"): each directory notice a node publishes
// carries a token; every node that received it answers with that token once it
// re-read the rows. whenApplied() calls back once every notice handed out so
// far was acknowledged by as many nodes as Redis said received it (PUBLISH's
// count), or after timeoutMs (a node that stalls must not stall the writer).
// Nodes apply notices in the order they arrive, so the last token suffices.
class DirectorySync : public QObject
{
    Q_OBJECT
public:
    explicit DirectorySync(int timeoutMs, QObject *parent = nullptr);

    // A token for a notice about to be published.
    qint64 next();
    // Redis answered the PUBLISH: `receivers` other nodes will acknowledge (-1: it failed, none will).
    void published(qint64 token, int receivers);
    // One receiver re-read the notice's rows.
    void acknowledged(qint64 token);
    // `then` runs once every token handed out so far is settled (at once if none is in flight).
    void whenApplied(std::function<void()> then);

    int inFlight() const { return int(m_inFlight.size()); }
    int timedOut() const { return m_timedOut; }

private:
    struct Pending
    {
        int expected = -1; // unknown until PUBLISH answers
        int acks = 0;
    };
    void settleIfDone(qint64 token);
    void release();

    int m_timeoutMs;
    qint64 m_last = 0;
    int m_timedOut = 0;
    QMap<qint64, Pending> m_inFlight;
    QList<QPair<qint64, std::function<void()>>> m_waiters; // by token, ascending
};

} // namespace switchboard
