#pragma once

#include "AdminMessage.h"

namespace switchboard {

// Puts a sliced snapshot ("snapshot_part" 0..n) back together, so that a
// console applies it as one snapshot: models are replaced once, with the
// whole, never shown half-filled. A part 0 starts over (a new snapshot
// replaces one still arriving); a part out of order drops what was gathered.
class AdminSnapshotAssembler
{
public:
    // True when `part` completed a snapshot: take() it.
    bool add(const AdminMessage &part);
    // The assembled snapshot, as a Type::Snapshot message; resets.
    AdminMessage take();
    bool inProgress() const { return m_next > 0; }
    void clear();

private:
    AdminMessage m_gathered;
    int m_next = 0; // the part expected next; 0: none under way
};

} // namespace switchboard
