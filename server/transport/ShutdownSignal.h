#pragma once

#include <atomic>

namespace switchboard {

// "A termination signal has arrived": set inside the SIGTERM/SIGINT handler
// (a lock-free atomic store is async-signal-safe), read by the sessions. The
// signal reaches the event loop through a self-pipe, behind every event that
// was ready before it; in a close storm each of those detaches a session and
// fans its leave out to everyone, so SIGTERM waited for seconds. Sessions that
// see it pending leave that work to Server::shutdown, which does it cheaply.
class ShutdownSignal
{
public:
    static void raise() noexcept { s_pending.store(true, std::memory_order_relaxed); }
    static bool pending() noexcept { return s_pending.load(std::memory_order_relaxed); }

private:
    static std::atomic<bool> s_pending;
    static_assert(std::atomic<bool>::is_always_lock_free, "must be safe to set from a signal handler");
};

} // namespace switchboard
