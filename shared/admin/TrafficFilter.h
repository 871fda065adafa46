#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace switchboard {

struct TrafficEvent;

// What a console wants to see of the live traffic. The server applies it
// before anything is encoded (so a narrow filter is cheap), and the console
// applies the same rules to the history it already holds.
struct TrafficFilter
{
    static constexpr int DefaultMaxRate = 200; // events per second per console
    static constexpr int MaxRateLimit = 2000;  // what a console may ask for at most

    bool enabled = true;  // false: the console gets no traffic at all (paused)
    QStringList dialects; // exact names; empty = every dialect
    QString channel;      // substring of channel id or name, case-insensitive
    QString user;         // substring of user id or name
    QString event;        // substring of event name
    int maxRate = DefaultMaxRate;

    bool matches(const TrafficEvent &e) const;
    bool isOpen() const { return dialects.isEmpty() && channel.isEmpty() && user.isEmpty() && event.isEmpty(); }

    QJsonObject toJson() const;
    // Clamps max_rate into 1..MaxRateLimit; unknown fields are ignored.
    static TrafficFilter fromJson(const QJsonObject &o);

    bool operator==(const TrafficFilter &o) const;
    bool operator!=(const TrafficFilter &o) const { return !(*this == o); }
};

} // namespace switchboard
