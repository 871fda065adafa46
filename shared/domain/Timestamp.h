#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QUuid>

namespace switchboard {

// Times travel as milliseconds since the epoch inside the server and as
// ISO 8601 UTC with milliseconds on every wire (docs/api/README.md).
namespace Timestamp {

inline qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

namespace detail {
// 1970..9999: four-digit years, no proleptic-calendar corner cases (Qt's has
// no year 0); QDateTime formats the rest.
constexpr qint64 kIsoFastEnd = 253402300800000; // 10000-01-01T00:00:00Z
constexpr qint64 kIsoFastBegin = 0;

// "yyyy-MM-ddTHH:mm:ss.zzzZ" into 24 bytes; ms within [kIsoFastBegin, kIsoFastEnd).
inline void formatIso(char *out, qint64 ms)
{
    // Howard Hinnant's days-to-civil: a few integer operations instead of
    // QDateTime's calendar and QString::asprintf machinery.
    const qint64 days = ms / 86400000;
    const qint64 rest = ms % 86400000;
    const qint64 z = days + 719468;
    const qint64 era = z / 146097;
    const qint64 doe = z - era * 146097;
    const qint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const qint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const qint64 mp = (5 * doy + 2) / 153;
    const int day = int(doy - (153 * mp + 2) / 5 + 1);
    const int month = int(mp < 10 ? mp + 3 : mp - 9);
    const int year = int(yoe + era * 400 + (month <= 2));
    const int msPart = int(rest % 1000);
    const int secs = int(rest / 1000);
    auto two = [](char *p, int v) {
        p[0] = char('0' + v / 10);
        p[1] = char('0' + v % 10);
    };
    two(out, year / 100);
    two(out + 2, year % 100);
    out[4] = '-';
    two(out + 5, month);
    out[7] = '-';
    two(out + 8, day);
    out[10] = 'T';
    two(out + 11, secs / 3600);
    out[13] = ':';
    two(out + 14, secs / 60 % 60);
    out[16] = ':';
    two(out + 17, secs % 60);
    out[19] = '.';
    out[20] = char('0' + msPart / 100);
    two(out + 21, msPart % 100);
    out[23] = 'Z';
}
} // namespace detail

inline QString toIso(qint64 ms)
{
    if (ms < detail::kIsoFastBegin || ms >= detail::kIsoFastEnd)
        return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
    char buf[24];
    detail::formatIso(buf, ms);
    return QString::fromLatin1(buf, 24);
}

// The same text appended as bytes (JSON writers).
inline void appendIso(QByteArray &out, qint64 ms)
{
    if (ms < detail::kIsoFastBegin || ms >= detail::kIsoFastEnd) {
        out += toIso(ms).toLatin1();
        return;
    }
    char buf[24];
    detail::formatIso(buf, ms);
    out.append(buf, 24);
}

inline QString nowIso()
{
    return toIso(nowMs());
}

inline QString newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

// A UUID version 7 (RFC 9562): the first 48 bits are the milliseconds since the
// epoch, the other 74 free bits random. For rows inserted at a high rate
// (messages): their primary-key index then grows at its right edge, so a
// commit dirties a few index pages instead of one random page per row.
inline QString newTimeOrderedId(qint64 ms = nowMs())
{
    QUuid u = QUuid::createUuid(); // version 4: random bits and the RFC variant
    u.data1 = uint(quint64(ms) >> 16);
    u.data2 = ushort(ms & 0xffff);
    u.data3 = ushort((u.data3 & 0x0fff) | 0x7000);
    return u.toString(QUuid::WithoutBraces);
}

inline bool isUuid(const QString &s)
{
    return s.size() == 36 && !QUuid::fromString(s).isNull();
}

} // namespace Timestamp

} // namespace switchboard
