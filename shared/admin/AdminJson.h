#pragma once

#include <QJsonValue>
#include <QStringList>

namespace switchboard {

// Small, forgiving readers for the admin feed's JSON: a console must not
// trip over a field of the wrong type, it just shows the default.
namespace AdminJson {

// Times are ISO 8601 UTC with milliseconds on the wire (docs/api/README.md); 0 means "never".
QJsonValue timeToJson(qint64 ms);
qint64 timeFromJson(const QJsonValue &v);

// Non-negative integer counters; anything else reads as 0.
qint64 count(const QJsonValue &v);
double number(const QJsonValue &v);
QStringList stringList(const QJsonValue &v);

} // namespace AdminJson

} // namespace switchboard
