#pragma once

#include "ChatEvent.h"

#include <QList>
#include <QMap>

namespace switchboard {

// Merges one channel's replay (events read back from the log) with the live
// events that reach the session while the replay is being delivered, so the
// client sees every event once, in sequence order, without a hole:
//   replay: must continue exactly after lastSeq (or, with lastSeq < 0, from
//           its first event on); a jump is a gap and makes the replay inexact;
//   live:   events up to the end of the replay are duplicates and dropped;
//           later ones wait and follow the replay, in order.
// Events without a sequence (typing, presence, read marks) are not merged.
class ResumeMerge
{
public:
    // upTo: the channel's sequence that the replay reaches (what was published
    // before the session subscribed); live events up to it are duplicates.
    ResumeMerge(qint64 lastSeq, qint64 upTo) : m_next(lastSeq < 0 ? -1 : lastSeq + 1), m_upTo(upTo) {}

    // Returns whether the event continues the sequence (false: a gap or a repeat).
    bool addReplayed(const ChatEventPtr &e, QList<ChatEventPtr> &out);
    void addLive(const ChatEventPtr &e);
    // The replay is over: the waiting live events, in order, without repeats.
    QList<ChatEventPtr> finish();

    bool exact() const { return !m_gap; }
    qint64 lastDelivered() const { return m_next - 1; }

private:
    qint64 m_next; // the sequence number expected next (-1: the first replayed sets it)
    qint64 m_upTo;
    bool m_gap = false;
    QMap<qint64, ChatEventPtr> m_waiting; // live, by sequence: a repeat replaces itself
};

} // namespace switchboard
