#pragma once

#include <QJsonValue>
#include <QVariant>

namespace switchboard {

// Whether two JSON values mean the same. QJsonValue's == is not enough: Qt 6.4
// keeps an object's keys in an order that depends on how they were written (a
// key parsed from an escape sorts by UTF-16 unit, the same key from raw UTF-8
// by code point), and == walks both in that order. So an object with the keys
// U+1F60D and U+FFFD, both written as escapes, and its own re-encoding (raw
// UTF-8) compare unequal; as maps they are equal.
inline bool sameJson(const QJsonValue &a, const QJsonValue &b)
{
    return a == b || (a.type() == b.type() && a.toVariant() == b.toVariant());
}

} // namespace switchboard
