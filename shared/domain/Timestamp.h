#pragma once

#include <QDateTime>
#include <QString>
#include <QUuid>

// Times travel as milliseconds since the epoch inside the server and as
// ISO 8601 UTC with milliseconds on every wire (CONTRACT.md).
namespace Timestamp {

inline qint64 nowMs() { return QDateTime::currentMSecsSinceEpoch(); }

inline QString toIso(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

inline QString nowIso() { return toIso(nowMs()); }

inline QString newId() { return QUuid::createUuid().toString(QUuid::WithoutBraces); }

inline bool isUuid(const QString &s)
{
    return s.size() == 36 && !QUuid::fromString(s).isNull();
}

} // namespace Timestamp
