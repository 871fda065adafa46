#include "JsonInput.h"

#include <QChar>

#include <cstring>

namespace switchboard {

namespace {
// The four hex digits of a backslash-u escape at `p` (at the backslash), or
// -1 if they are not there (QJsonDocument reports that itself).
int escapedUnit(const char *p, const char *end)
{
    if (end - p < 6 || p[0] != '\\' || p[1] != 'u') return -1;
    int v = 0;
    for (int i = 2; i < 6; ++i) {
        const char c = p[i];
        int d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -1;
        v = v * 16 + d;
    }
    return v;
}
} // namespace

qsizetype JsonInput::loneSurrogateEscapeAt(const QByteArray &utf8, qsizetype from)
{
    const char *const begin = utf8.constData();
    const char *const end = begin + utf8.size();
    const char *p = begin + qBound<qsizetype>(0, from, utf8.size());
    // Backslashes only mean something inside strings, and each one starts
    // an escape, so stepping from one escape to the next is enough.
    while (p < end && (p = static_cast<const char *>(std::memchr(p, '\\', size_t(end - p))))) {
        const int unit = escapedUnit(p, end);
        if (unit < 0) {
            p += qMin<qsizetype>(2, end - p);
            continue;
        }
        if (QChar::isLowSurrogate(char16_t(unit))) return p - begin;
        if (QChar::isHighSurrogate(char16_t(unit))) {
            const int next = escapedUnit(p + 6, end);
            if (next < 0 || !QChar::isLowSurrogate(char16_t(next))) return p - begin;
            p += 12;
            continue;
        }
        p += 6;
    }
    return -1;
}

QJsonDocument JsonInput::parse(const QByteArray &utf8, QJsonParseError *error)
{
    qsizetype at = loneSurrogateEscapeAt(utf8);
    if (at < 0) return QJsonDocument::fromJson(utf8, error);
    // Each such escape's four hex digits become "fffd": the same length, so
    // offsets in errors still point into the client's own text.
    QByteArray fixed = utf8;
    while (at >= 0) {
        std::memcpy(fixed.data() + at + 2, "fffd", 4);
        at = loneSurrogateEscapeAt(fixed, at + 6);
    }
    return QJsonDocument::fromJson(fixed, error);
}

} // namespace switchboard
