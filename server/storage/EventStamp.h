#pragma once

#include <QByteArray>
#include <QString>

#include <functional>
#include <memory>

namespace switchboard {

// A channel event to be logged in the same transaction as the write that
// causes it (ChannelEventLog). The core fills in what happened; the writer
// thread assigns the channel's next sequence number and the global position
// inside the transaction, so both are exactly as durable as the write, and a
// rolled-back write leaves no gap.
struct EventStamp
{
    QString channelId;
    QString type; // ChatEvent::typeName
    qint64 at = 0;
    // Builds the logged payload once the sequence is known (on the writer thread:
    // it must only touch what it captured by value).
    std::function<QByteArray(qint64 seq)> payload;
    bool skip = false; // the write turned out to change nothing: log nothing

    // Set by the writer inside the transaction; read after the commit callback.
    qint64 seq = 0;
    qint64 gid = 0;
};

using EventStampPtr = std::shared_ptr<EventStamp>;

} // namespace switchboard
