#pragma once

#include <QJsonValue>
#include <QVariant>

namespace switchboard {

// Whether two JSON values mean the same, as maps. QJsonValue's == is not it:
// Qt 6.4 keeps an object's keys in an order that depends on how they were
// written (a key parsed from an escape sorts by UTF-16 unit, the same key from
// raw UTF-8 by code point), and == walks both in that order. So an object with
// the keys U+1F60D and U+FFFD, both written as escapes, and its own
// re-encoding (raw UTF-8) compare unequal. The same Qt bug can make value()
// miss such a key after the trip (valid JSON does it too), so keys are not
// looked up here: the server only ever looks up its protocol's ASCII keys,
// which sort the same either way, and relays the rest by iteration.
inline bool sameJson(const QJsonValue &a, const QJsonValue &b)
{
    return a == b || (a.type() == b.type() && a.toVariant() == b.toVariant());
}

} // namespace switchboard
