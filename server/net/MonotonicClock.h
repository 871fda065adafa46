#pragma once

#include <QDeadlineTimer>

namespace switchboard {

// The loop's clock in nanoseconds (CLOCK_MONOTONIC through Qt), shared by the
// dispatcher and the send queue so that their stage timings compare.
inline qint64 monotonicNs()
{
    return QDeadlineTimer::current(Qt::PreciseTimer).deadlineNSecs();
}

} // namespace switchboard
