#pragma once

#include "EventStamp.h"
#include "StoreStatus.h"

#include <QList>
#include <QSqlDatabase>
#include <QString>

namespace switchboard {

// The per-channel event log behind resume (docs/design.md#resume): every
// channel event gets the next number of its channel's sequence (channels.last_seq,
// bumped in the writing transaction, so it is gapless, survives crashes and is
// the same whichever process writes) and a global position (gid, commit order
// on one writer). The log keeps a bounded tail per channel; channels.log_floor_seq
// and log_floor_gid say how far it was pruned, so a resume beyond the tail is
// refused instead of replayed in part.
class ChannelEventLog
{
public:
    struct Entry
    {
        qint64 gid = 0;
        qint64 seq = 0;
        QString channelId;
        QString type;
        QByteArray payload;
        qint64 at = 0;
    };
    struct Floor
    {
        qint64 lastSeq = 0;  // the channel's newest sequence number (committed)
        qint64 floorSeq = 0; // events up to here are gone (pruned, or older than the log)
        qint64 floorGid = 0; // the global position of the newest pruned event
        bool exists = false;
    };

    // ---- writer thread, inside the transaction ----
    // Bumps the channel's sequence and returns the new number.
    static bool allocate(QSqlDatabase &db, const QString &channelId, qint64 *seq, StoreStatus *error);
    // Inserts the entry for stamp.seq and sets stamp.gid.
    static bool insert(QSqlDatabase &db, EventStamp &stamp, StoreStatus *error);
    // allocate() + insert(), unless the stamp says the write changed nothing.
    static bool append(QSqlDatabase &db, EventStamp &stamp, StoreStatus *error);
    // Where a sliced prune stands. In: the channel (by id) it goes on after.
    // Out: where the next slice goes on, the rows this one dropped, and
    // whether rows to drop are left.
    struct PruneSlice
    {
        QString afterChannelId;
        qint64 dropped = 0;
        bool more = false;
    };
    // Drops entries beyond keepCount per channel and older than minAt, but
    // always keeps each channel's newest entry; raises the floors. At most
    // maxRows entries go in one call (0: no limit), so a backlog never holds
    // the writer, and every commit queued behind it, for long. The channels
    // are walked by id from slice->afterChannelId on, so a backlog spread
    // over many slices costs one pass over the channels, not one per slice.
    static bool prune(QSqlDatabase &db, int keepCount, qint64 minAt, StoreStatus *error, int maxRows = 0,
                      PruneSlice *slice = nullptr);

    // ---- reads (owner thread) ----
    // Entries after afterSeq (and at most maxGid, unless negative), by sequence;
    // a failed read leaves `error` set (no rows and a failed read differ).
    static QList<Entry> since(QSqlDatabase &db, const QString &channelId, qint64 afterSeq, qint64 maxGid, int limit,
                              StoreStatus *error = nullptr);
    // Entries of these channels with afterGid < gid <= maxGid, by gid.
    static QList<Entry> sinceGid(QSqlDatabase &db, const QStringList &channelIds, qint64 afterGid, qint64 maxGid,
                                 int limit);
    static Floor floor(QSqlDatabase &db, const QString &channelId);
    static qint64 lastGid(QSqlDatabase &db);
};

} // namespace switchboard
