#pragma once

#include "TrafficEvent.h"

#include <QList>
#include <QString>

namespace switchboard {

// Writes traffic events to a file: CSV for spreadsheets when the name ends
// in .csv, otherwise JSON Lines (one feed-format event per line).
class TrafficExporter
{
public:
    enum class Format { Csv, JsonLines };

    static Format formatFor(const QString &fileName);
    // Returns false and sets *error when the file cannot be written.
    static bool write(const QString &fileName, const QList<TrafficEvent> &events, QString *error);
    static QString csvField(const QString &value);
};

} // namespace switchboard
