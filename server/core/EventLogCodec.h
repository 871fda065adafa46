#pragma once

#include "ChatEvent.h"

#include <QByteArray>

namespace switchboard {

// How a channel event is kept in the event log (storage/ChannelEventLog): the
// message as it was at that moment (so a replay shows what a live client saw,
// an edit after it included), the reaction, and who acted and on whom, by id.
// Not a client format: dialects encode the ChatEvent rebuilt from it.
class EventLogCodec
{
public:
    static QByteArray encode(const Message &message, const Reaction &reaction, const QString &actorId,
                             const QString &subjectId);

    struct Decoded
    {
        Message message;
        Reaction reaction;
        QString actorId, subjectId;
        bool ok = false;
    };
    static Decoded decode(const QByteArray &payload);
};

} // namespace switchboard
