#include "AdminJson.h"

#include <QDateTime>
#include <QJsonArray>

#include <cmath>

namespace switchboard {

namespace AdminJson {

QJsonValue timeToJson(qint64 ms)
{
    if (ms <= 0) return QJsonValue();
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

qint64 timeFromJson(const QJsonValue &v)
{
    if (!v.isString()) return 0;
    const QDateTime t = QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
    return t.isValid() ? t.toMSecsSinceEpoch() : 0;
}

qint64 count(const QJsonValue &v)
{
    const double d = v.toDouble(0);
    if (!std::isfinite(d) || d < 0 || d > 9.0e15) return 0;
    return qint64(d);
}

double number(const QJsonValue &v)
{
    const double d = v.toDouble(0);
    return std::isfinite(d) ? d : 0.0;
}

QStringList stringList(const QJsonValue &v)
{
    QStringList out;
    const QJsonArray a = v.toArray();
    out.reserve(a.size());
    for (const QJsonValue &e : a) {
        if (e.isString()) out.append(e.toString());
    }
    return out;
}

} // namespace AdminJson

} // namespace switchboard
