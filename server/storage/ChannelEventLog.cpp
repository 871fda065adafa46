#include "ChannelEventLog.h"

#include "SqliteStatement.h"
#include "StoreWriter.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <limits>

namespace switchboard {

namespace {

bool run(QSqlQuery &q, StoreStatus *error)
{
    if (q.exec()) return true;
    *error = StoreStatus::fromSqlError(q.lastError());
    return false;
}

// One statement with bound values on the writer: SQLite's own API when there
// (these run for every message), else a cached QSqlQuery. first: column 0 of row 1.
bool writeStatement(QSqlDatabase &db, const char *sql, const QVariantList &binds, qint64 *first, StoreStatus *error)
{
    if (SqliteStatement *st = StoreWriter::sqliteStatement(db, sql)) {
        int i = 1;
        for (const QVariant &v : binds) {
            if (v.typeId() == QMetaType::QString)
                st->bindText(i++, v.toString());
            else if (v.typeId() == QMetaType::QByteArray)
                st->bindText(i++, QString::fromUtf8(v.toByteArray()));
            else
                st->bindInt(i++, v.toLongLong());
        }
        QString text;
        if (st->exec(&text, first)) return true;
        *error = StoreStatus::fromSqliteCode(st->lastErrorCode(), text);
        return false;
    }
    QSqlQuery &q = StoreWriter::prepared(db, QString::fromLatin1(sql));
    int i = 0;
    for (const QVariant &v : binds)
        q.bindValue(i++, v.typeId() == QMetaType::QByteArray ? QVariant(QString::fromUtf8(v.toByteArray())) : v);
    if (!run(q, error)) return false;
    if (first && q.next()) *first = q.value(0).toLongLong();
    q.finish();
    return true;
}

ChannelEventLog::Entry entryFrom(const QSqlQuery &q)
{
    return {q.value(0).toLongLong(), q.value(1).toLongLong(),        q.value(2).toString(),
            q.value(3).toString(),   q.value(4).toString().toUtf8(), q.value(5).toLongLong()};
}

// A channel's oldest entry (the one right above its floor) is older than the bound value.
constexpr char kOldestTooOld[] = "SELECT 1 FROM channel_events o WHERE o.channel_id = c.id"
                                 " AND o.seq = c.log_floor_seq + 1 AND o.created_at < ?";

// Drops a channel's entries up to cut and raises its floor past them.
bool dropThrough(QSqlDatabase &db, const QString &channelId, qint64 cut, StoreStatus *error)
{
    QSqlQuery q(db);
    q.prepare("SELECT MAX(gid) FROM channel_events WHERE channel_id = ? AND seq <= ?");
    q.addBindValue(channelId);
    q.addBindValue(cut);
    if (!run(q, error)) return false;
    const qint64 gid = q.next() ? q.value(0).toLongLong() : 0;
    q.prepare("DELETE FROM channel_events WHERE channel_id = ? AND seq <= ?");
    q.addBindValue(channelId);
    q.addBindValue(cut);
    if (!run(q, error)) return false;
    q.prepare("UPDATE channels SET log_floor_seq = ?, log_floor_gid = CASE WHEN log_floor_gid > ? THEN log_floor_gid"
              " ELSE ? END WHERE id = ?");
    q.addBindValue(cut);
    q.addBindValue(gid);
    q.addBindValue(gid);
    q.addBindValue(channelId);
    return run(q, error);
}

} // namespace

bool ChannelEventLog::allocate(QSqlDatabase &db, const QString &channelId, qint64 *seq, StoreStatus *error)
{
    // The row lock taken here is held to the commit: concurrent writers of one
    // channel (other processes on PostgreSQL) take turns, and a rollback undoes it.
    *seq = 0;
    static const char kBump[] = "UPDATE channels SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq";
    if (!writeStatement(db, kBump, {channelId}, seq, error)) return false;
    if (*seq > 0) return true;
    *error = StoreStatus::failed(QStringLiteral("no such channel %1").arg(channelId));
    return false;
}

bool ChannelEventLog::insert(QSqlDatabase &db, EventStamp &stamp, StoreStatus *error)
{
    static const char kInsert[] = "INSERT INTO channel_events (channel_id, seq, type, payload, created_at)"
                                  " VALUES (?, ?, ?, ?, ?) RETURNING gid";
    const QByteArray payload = stamp.payload ? stamp.payload(stamp.seq) : QByteArray("{}");
    return writeStatement(db, kInsert, {stamp.channelId, stamp.seq, stamp.type, payload, stamp.at}, &stamp.gid, error);
}

bool ChannelEventLog::append(QSqlDatabase &db, EventStamp &stamp, StoreStatus *error)
{
    if (stamp.skip) return true;
    return allocate(db, stamp.channelId, &stamp.seq, error) && insert(db, stamp, error);
}

bool ChannelEventLog::prune(QSqlDatabase &db, int keepCount, qint64 minAt, StoreStatus *error, int maxRows,
                            PruneSlice *slice)
{
    PruneSlice local;
    if (!slice) slice = &local;
    slice->dropped = 0;
    slice->more = false;
    const qint64 limit = maxRows > 0 ? maxRows : std::numeric_limits<qint64>::max();
    struct Candidate
    {
        QString channelId;
        qint64 lastSeq;
        qint64 floorSeq;
        bool oldestTooOld;
    };
    QList<Candidate> candidates;
    {
        // Only channels with something to cut: more entries than kept, or an
        // oldest entry (the one right above the floor, one index lookup) that
        // is too old. Each candidate drops at least one row, so a slice never
        // needs more candidates than rows. In id order, from the cursor on.
        QSqlQuery q(db);
        q.setForwardOnly(true);
        q.prepare(QStringLiteral("SELECT c.id, c.last_seq, c.log_floor_seq, EXISTS (%1) FROM channels c"
                                 " WHERE c.id > COALESCE(?, '') AND c.last_seq > c.log_floor_seq + 1"
                                 " AND (c.last_seq - c.log_floor_seq > ? OR EXISTS (%1)) ORDER BY c.id LIMIT ?")
                      .arg(QLatin1String(kOldestTooOld)));
        q.addBindValue(minAt);
        q.addBindValue(slice->afterChannelId);
        q.addBindValue(keepCount > 0 ? qint64(keepCount) : std::numeric_limits<qint64>::max());
        q.addBindValue(minAt);
        q.addBindValue(limit);
        if (!run(q, error)) return false;
        while (q.next())
            candidates.append(Candidate{q.value(0).toString(), q.value(1).toLongLong(), q.value(2).toLongLong(),
                                        q.value(3).toBool()});
    }
    // Sequences are gapless per channel, so floor..cut is the number of rows a cut drops.
    for (const Candidate &c : candidates) {
        const qint64 budget = limit - slice->dropped;
        if (budget <= 0) {
            slice->more = true; // the next slice goes on after the last channel done
            return true;
        }
        const qint64 window = qMin(budget, c.lastSeq - c.floorSeq);
        qint64 cut = keepCount > 0 ? c.lastSeq - keepCount : 0;
        const qint64 end = c.floorSeq + window;
        bool agedPastWindow = false; // every entry of the window is too old: maybe more beyond it
        if (c.oldestTooOld) {
            // The newest too-old entry among the next `window` ones: a bounded
            // walk up the (channel_id, seq) index. MAX(seq) over the whole
            // channel by age made SQLite walk every entry of the channel.
            QSqlQuery q(db);
            q.prepare("SELECT MAX(w.seq) FROM (SELECT seq, created_at FROM channel_events"
                      " WHERE channel_id = ? AND seq > ? ORDER BY seq LIMIT ?) w WHERE w.created_at < ?");
            q.addBindValue(c.channelId);
            q.addBindValue(c.floorSeq);
            q.addBindValue(window);
            q.addBindValue(minAt);
            if (!run(q, error)) return false;
            if (q.next() && !q.value(0).isNull()) {
                const qint64 aged = q.value(0).toLongLong();
                agedPastWindow = aged >= end;
                cut = qMax(cut, aged);
            }
        }
        cut = qMin(cut, c.lastSeq - 1); // the newest entry stays: it proves nothing newer was pruned
        // Cut at the window's end: the rest of this channel is for the next slice.
        const bool partial = cut > end || (agedPastWindow && end < c.lastSeq - 1);
        if (partial) cut = end;
        if (cut > c.floorSeq && !dropThrough(db, c.channelId, cut, error)) return false;
        slice->dropped += qMax<qint64>(0, cut - c.floorSeq);
        if (partial) {
            slice->more = true;
            return true;
        }
        slice->afterChannelId = c.channelId;
    }
    // Fewer candidates than the limit: the pass over the channels is done.
    if (candidates.size() >= limit)
        slice->more = true;
    else
        slice->afterChannelId.clear();
    return true;
}

QList<ChannelEventLog::Entry> ChannelEventLog::since(QSqlDatabase &db, const QString &channelId, qint64 afterSeq,
                                                     qint64 maxGid, int limit, StoreStatus *error)
{
    QList<Entry> out;
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT gid, seq, channel_id, type, payload, created_at FROM channel_events"
                             " WHERE channel_id = ? AND seq > ? AND gid <= ? ORDER BY seq LIMIT %1")
                  .arg(qMax(1, limit)));
    q.addBindValue(channelId);
    q.addBindValue(afterSeq);
    q.addBindValue(maxGid < 0 ? std::numeric_limits<qint64>::max() : maxGid);
    if (!q.exec()) {
        if (error) *error = StoreStatus::fromSqlError(q.lastError());
        return out;
    }
    while (q.next()) out.append(entryFrom(q));
    if (error && q.lastError().isValid()) *error = StoreStatus::fromSqlError(q.lastError());
    return out;
}

QList<ChannelEventLog::Entry> ChannelEventLog::sinceGid(QSqlDatabase &db, const QStringList &channelIds,
                                                        qint64 afterGid, qint64 maxGid, int limit)
{
    QList<Entry> out;
    if (channelIds.isEmpty()) return out;
    QStringList marks;
    for (qsizetype i = 0; i < channelIds.size(); ++i) marks.append(QStringLiteral("?"));
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT gid, seq, channel_id, type, payload, created_at FROM channel_events"
                             " WHERE channel_id IN (%1) AND gid > ? AND gid <= ? ORDER BY gid LIMIT %2")
                  .arg(marks.join(QLatin1Char(',')))
                  .arg(qMax(1, limit)));
    for (const QString &id : channelIds) q.addBindValue(id);
    q.addBindValue(afterGid);
    q.addBindValue(maxGid < 0 ? std::numeric_limits<qint64>::max() : maxGid);
    if (q.exec())
        while (q.next()) out.append(entryFrom(q));
    return out;
}

ChannelEventLog::Floor ChannelEventLog::floor(QSqlDatabase &db, const QString &channelId)
{
    Floor f;
    QSqlQuery q(db);
    q.prepare("SELECT last_seq, log_floor_seq, log_floor_gid FROM channels WHERE id = ?");
    q.addBindValue(channelId);
    if (q.exec() && q.next()) {
        f.lastSeq = q.value(0).toLongLong();
        f.floorSeq = q.value(1).toLongLong();
        f.floorGid = q.value(2).toLongLong();
        f.exists = true;
    }
    return f;
}

qint64 ChannelEventLog::lastGid(QSqlDatabase &db)
{
    QSqlQuery q(db);
    if (q.exec("SELECT MAX(gid) FROM channel_events") && q.next()) return q.value(0).toLongLong();
    return 0;
}

} // namespace switchboard
