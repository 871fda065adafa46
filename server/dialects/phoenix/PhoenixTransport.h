#pragma once

#include <QByteArray>
#include <QString>

namespace switchboard {

// What a PhoenixConnection needs from the transport under it (WebSocket or
// long-poll): deliver one encoded frame, or end the connection.
class PhoenixTransport
{
public:
    virtual ~PhoenixTransport() = default;
    // `event`/`channelId` label the frame for the traffic tap.
    virtual void sendFrame(const QByteArray &frame, bool binary, const QString &event, const QString &channelId) = 0;
    virtual void closeTransport(int code, const QString &reason) = 0;
};

} // namespace switchboard
