#pragma once

#include "EventStamp.h"

#include <QString>
#include <QStringList>

namespace switchboard {

// One message insert as plain values, so the writer can put the inserts of a
// batch into a few multi-row statements (MessageBatchWriter) instead of running
// each write on its own.
struct MessageRow
{
    QString id, channelId, userId, content;
    QString threadId, replyToId, forwardedFromId; // empty: NULL
    QString metadata, attachments, mentions;      // JSON text; empty: NULL
    qint64 createdAt = 0;
    qint64 seq = 0;      // used when there is no stamp
    QStringList uploads; // message_uploads rows (our own files)
    EventStampPtr stamp; // the creation event: gives the message its number
};

} // namespace switchboard
