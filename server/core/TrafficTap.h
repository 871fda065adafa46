#pragma once

#include <QAtomicInt>

namespace switchboard {

// A process-wide switch: sessions report traffic only while somebody (the
// admin feed) watches, so an unwatched server pays one integer check per frame.
class TrafficTap
{
public:
    static bool isActive() { return s_watchers.loadRelaxed() > 0; }
    static void addWatcher() { s_watchers.ref(); }
    static void removeWatcher() { s_watchers.deref(); }

private:
    static QAtomicInt s_watchers;
};

} // namespace switchboard
