#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace switchboard {

// One frame or event seen on a client connection, as the live traffic view
// shows it. The payload is trimmed so a huge frame costs the feed little.
struct TrafficEvent
{
    enum class Direction { In, Out };

    static constexpr int DefaultPayloadLimit = 256; // characters kept of a payload

    qint64 seq = 0;  // server-wide, increasing; gaps mean events were dropped
    qint64 time = 0; // ms since epoch
    QString connectionId;
    QString userId;
    QString userName;
    QString dialect;
    Direction direction = Direction::In;
    QString event; // dialect-level event name, e.g. "message:send", "phx_join"
    QString channelId;
    QString channelName;
    int size = 0;    // bytes on the wire
    QString payload; // trimmed
    bool truncated = false;

    QString directionName() const { return direction == Direction::In ? QStringLiteral("in") : QStringLiteral("out"); }
    // Keeps at most `limit` characters of a UTF-8 payload and says whether it cut.
    void setPayload(const QByteArray &raw, int limit = DefaultPayloadLimit);

    QJsonObject toJson() const;
    static bool fromJson(const QJsonObject &o, TrafficEvent *out);

    bool operator==(const TrafficEvent &o) const;
    bool operator!=(const TrafficEvent &o) const { return !(*this == o); }
};

} // namespace switchboard
