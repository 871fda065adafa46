#include "ShutdownSignal.h"

namespace switchboard {

std::atomic<bool> ShutdownSignal::s_pending{false};

} // namespace switchboard
