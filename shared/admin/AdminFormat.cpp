#include "AdminFormat.h"

#include <QDateTime>
#include <QLocale>

namespace switchboard {

namespace AdminFormat {

QString dateTime(qint64 ms)
{
    if (ms <= 0) return QString();
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QString timeOfDay(qint64 ms)
{
    if (ms <= 0) return QString();
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("HH:mm:ss.zzz"));
}

QString bytes(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1);
}

QString rate(double perSecond)
{
    return QLocale().toString(perSecond, 'f', 1);
}

} // namespace AdminFormat

} // namespace switchboard
