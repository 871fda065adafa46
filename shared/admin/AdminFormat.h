#pragma once

#include <QString>

namespace switchboard {

// How the shared models show numbers and times, in one place so the
// tables, the details panes and the overview agree.
namespace AdminFormat {

QString dateTime(qint64 ms);    // local "yyyy-MM-dd HH:mm:ss", empty for 0
QString timeOfDay(qint64 ms);   // local "HH:mm:ss.zzz"
QString bytes(qint64 bytes);    // "1.5 KiB"
QString rate(double perSecond); // "12.3"

} // namespace AdminFormat

} // namespace switchboard
