#include "ShutdownSignal.h"

std::atomic<bool> ShutdownSignal::s_pending{false};
