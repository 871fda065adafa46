#pragma once

#include <QString>

namespace switchboard {

// Where log lines go and which are kept: stderr with timestamps, or, when
// stderr is the journal ($JOURNAL_STREAM names it), "<N>" sd-daemon priority
// prefixes and no timestamp (the journal adds its own).
class LogSetup
{
public:
    static void install();
    // debug, info, warning or error; applied again on reload.
    static void setLevel(const QString &level);
    static bool toJournal();
};

} // namespace switchboard
