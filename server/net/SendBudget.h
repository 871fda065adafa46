#pragma once

#include <QtGlobal>

namespace switchboard {

// The bytes queued for sending, summed over every connection of the thread
// (WebSocket output buffers and the polling transports' queues). Each
// connection also has its own cap (--max-send-queue-bytes); that one alone does
// not bound the total: 19,000 slow readers at 4 MB each would be 76 GB. When
// the total passes --max-total-send-queue-bytes, connections holding more than
// a fair share are cut off as slow consumers; ones below it keep going, so a
// reader that keeps up is never the one that pays.
class SendBudget
{
public:
    static constexpr qint64 FairShare = 64 * 1024;

    // The budget of the calling thread (the server's connections all live on one).
    static SendBudget &instance();

    void add(qint64 delta) { m_total += delta; }
    qint64 total() const { return m_total; }
    void setLimit(qint64 bytes) { m_limit = qMax<qint64>(0, bytes); } // 0: no shared limit
    qint64 limit() const { return m_limit; }

    enum class Verdict {
        Keep,
        OverOwnCap, // its own cap: closed with 1008 (the frame goes after what it holds)
        OverBudget, // the shared budget: aborted at once, so the memory comes back now
    };
    // Whether a connection holding `own` queued bytes, with its own cap
    // `ownLimit`, must be cut off now.
    Verdict verdict(qint64 own, qint64 ownLimit) const;
    static const char *reason(Verdict v);

private:
    qint64 m_total = 0;
    qint64 m_limit = 0;
};

} // namespace switchboard
