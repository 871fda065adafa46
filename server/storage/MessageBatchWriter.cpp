#include "MessageBatchWriter.h"

#include "PostgresCopy.h"

#include <QHash>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlField>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>

namespace switchboard {

namespace {

// Rows per request: keeps each statement a few hundred kB at most.
constexpr qsizetype ChunkRows = 500;

// Values go in as literals escaped by the driver (PQescapeStringConn): QPSQL
// sends a bound statement as EXECUTE with literals anyway, and a row count
// that changes with every batch would make a prepared statement per size.
class Literals
{
public:
    explicit Literals(const QSqlDatabase &db) : m_driver(db.driver()) {}
    QString text(const QString &s) const
    {
        m_field.setValue(s.isNull() ? QStringLiteral("") : s);
        return m_driver->formatValue(m_field);
    }
    QString nullable(const QString &s) const { return s.isEmpty() ? QStringLiteral("NULL") : text(s); }
    static QString number(qint64 n) { return QString::number(n); }

private:
    const QSqlDriver *m_driver;
    mutable QSqlField m_field{QString(), QMetaType::fromType<QString>()};
};

bool run(QSqlQuery &q, const QString &sql, StoreStatus *error)
{
    if (q.exec(sql)) return true;
    *error = StoreStatus::fromSqlError(q.lastError());
    return false;
}

} // namespace

bool MessageBatchWriter::supports(const QSqlDatabase &db)
{
    return db.driverName() == QLatin1String("QPSQL");
}

bool MessageBatchWriter::write(QSqlDatabase &db, const QList<MessageRow *> &rows, StoreStatus *error)
{
    if (!number(db, rows, error)) return false;
    if (PostgresCopy::available(db)) return copyRows(db, rows, error);
    for (qsizetype from = 0; from < rows.size(); from += ChunkRows)
        if (!insertChunk(db, rows, from, qMin(rows.size(), from + ChunkRows), error)) return false;
    return true;
}

bool MessageBatchWriter::number(QSqlDatabase &db, const QList<MessageRow *> &rows, StoreStatus *error)
{
    // One bump per channel by its count; the batch's messages of that channel
    // then take the numbers in batch order, as one bump each would have given.
    QStringList channels;
    QHash<QString, qint64> counts;
    for (const MessageRow *row : rows) {
        if (!row->stamp) continue;
        row->stamp->skip = false;
        if (!counts.contains(row->channelId)) channels.append(row->channelId);
        ++counts[row->channelId];
    }
    if (channels.isEmpty()) return true;
    channels.sort(); // row locks in one order: concurrent writers cannot deadlock
    const Literals lit(db);
    QStringList values;
    for (const QString &id : channels)
        values.append(QStringLiteral("(%1, %2)").arg(lit.text(id), Literals::number(counts.value(id))));
    QSqlQuery q(db);
    if (!run(q,
             QStringLiteral("UPDATE channels AS c SET last_seq = c.last_seq + v.n FROM (VALUES %1) AS v(id, n)"
                            " WHERE c.id = v.id RETURNING c.id, c.last_seq")
                 .arg(values.join(QLatin1Char(','))),
             error))
        return false;
    QHash<QString, qint64> next; // the first number of each channel's share
    while (q.next()) {
        const QString id = q.value(0).toString();
        next.insert(id, q.value(1).toLongLong() - counts.value(id) + 1);
    }
    for (MessageRow *row : rows) {
        if (!row->stamp) continue;
        auto it = next.find(row->channelId);
        if (it == next.end()) {
            *error = StoreStatus::failed(QStringLiteral("no such channel %1").arg(row->channelId));
            return false;
        }
        row->stamp->seq = it.value()++;
    }
    return true;
}

bool MessageBatchWriter::copyRows(QSqlDatabase &db, const QList<MessageRow *> &rows, StoreStatus *error)
{
    // The event log's gids are taken from its identity sequence first (one
    // round trip, ascending in row order as the inserts would have drawn them),
    // so COPY can write them and nothing has to be read back.
    qsizetype stamped = 0;
    for (const MessageRow *row : rows) stamped += row->stamp ? 1 : 0;
    if (stamped > 0) {
        QSqlQuery q(db);
        if (!run(q,
                 QStringLiteral("SELECT nextval(pg_get_serial_sequence('channel_events', 'gid'))"
                                " FROM generate_series(1, %1)")
                     .arg(stamped),
                 error))
            return false;
        QList<qint64> gids;
        gids.reserve(stamped);
        while (q.next()) gids.append(q.value(0).toLongLong());
        if (gids.size() != stamped) {
            *error = StoreStatus::failed(QStringLiteral("event log positions not returned"));
            return false;
        }
        std::sort(gids.begin(), gids.end());
        qsizetype next = 0;
        for (MessageRow *row : rows)
            if (row->stamp) row->stamp->gid = gids.at(next++);
    }
    // One COPY at a time per connection; each streams while it is formatted.
    {
        PostgresCopy messages;
        if (!messages.begin(db,
                            "COPY messages (id, channel_id, user_id, seq, content, thread_id, reply_to_id,"
                            " forwarded_from_id, metadata, attachments, mentions, created_at) FROM STDIN",
                            error))
            return false;
        for (const MessageRow *row : rows) {
            const MessageRow &m = *row;
            messages.text(m.id);
            messages.text(m.channelId);
            messages.text(m.userId);
            messages.number(m.stamp ? m.stamp->seq : m.seq);
            messages.text(m.content);
            messages.nullable(m.threadId);
            messages.nullable(m.replyToId);
            messages.nullable(m.forwardedFromId);
            messages.nullable(m.metadata);
            messages.nullable(m.attachments);
            messages.nullable(m.mentions);
            messages.number(m.createdAt);
            messages.endRow();
        }
        if (!messages.finish(error)) return false;
    }
    const bool anyUploads = std::any_of(rows.begin(), rows.end(),
                                        [](const MessageRow *m) { return !m->uploads.isEmpty(); });
    if (anyUploads) {
        PostgresCopy uploads;
        if (!uploads.begin(db, "COPY message_uploads (upload_id, message_id, channel_id) FROM STDIN", error))
            return false;
        for (const MessageRow *row : rows)
            for (const QString &upload : row->uploads) {
                uploads.text(upload);
                uploads.text(row->id);
                uploads.text(row->channelId);
                uploads.endRow();
            }
        if (!uploads.finish(error)) return false;
    }
    if (stamped == 0) return true;
    PostgresCopy events;
    if (!events.begin(db, "COPY channel_events (gid, channel_id, seq, type, payload, created_at) FROM STDIN", error))
        return false;
    for (const MessageRow *row : rows) {
        if (!row->stamp) continue;
        const EventStamp &s = *row->stamp;
        events.number(s.gid);
        events.text(s.channelId);
        events.number(s.seq);
        events.text(s.type);
        events.text(s.payload ? s.payload(s.seq) : QByteArray("{}"));
        events.number(s.at);
        events.endRow();
    }
    return events.finish(error);
}

bool MessageBatchWriter::insertChunk(QSqlDatabase &db, const QList<MessageRow *> &rows, qsizetype from, qsizetype to,
                                     StoreStatus *error)
{
    const Literals lit(db);
    QStringList messages, uploads, events;
    QHash<QPair<QString, qint64>, EventStamp *> byNumber;
    for (qsizetype i = from; i < to; ++i) {
        const MessageRow &m = *rows.at(i);
        const qint64 seq = m.stamp ? m.stamp->seq : m.seq;
        messages.append(QStringLiteral("(%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12)")
                            .arg(lit.text(m.id), lit.text(m.channelId), lit.text(m.userId), Literals::number(seq),
                                 lit.text(m.content), lit.nullable(m.threadId), lit.nullable(m.replyToId),
                                 lit.nullable(m.forwardedFromId), lit.nullable(m.metadata))
                            .arg(lit.nullable(m.attachments), lit.nullable(m.mentions), Literals::number(m.createdAt)));
        for (const QString &upload : m.uploads)
            uploads.append(QStringLiteral("(%1,%2,%3)").arg(lit.text(upload), lit.text(m.id), lit.text(m.channelId)));
        if (!m.stamp) continue;
        EventStamp &s = *m.stamp;
        const QByteArray payload = s.payload ? s.payload(s.seq) : QByteArray("{}");
        events.append(QStringLiteral("(%1,%2,%3,%4,%5)")
                          .arg(lit.text(s.channelId), Literals::number(s.seq), lit.text(s.type),
                               lit.text(QString::fromUtf8(payload)), Literals::number(s.at)));
        byNumber.insert({s.channelId, s.seq}, &s);
    }
    // One statement (data-modifying WITH), so it is atomic and any failing row
    // fails it; foreign keys are checked at its end, when the messages are in.
    QString sql = QStringLiteral(
                      "WITH m AS (INSERT INTO messages (id, channel_id, user_id, seq, content, thread_id,"
                      " reply_to_id, forwarded_from_id, metadata, attachments, mentions, created_at) VALUES ")
                + messages.join(QLatin1Char(',')) + QLatin1Char(')');
    if (!uploads.isEmpty())
        sql += QStringLiteral(", u AS (INSERT INTO message_uploads (upload_id, message_id, channel_id) VALUES ")
             + uploads.join(QLatin1Char(',')) + QLatin1Char(')');
    if (events.isEmpty())
        sql += QStringLiteral(" SELECT NULL, 0, 0 WHERE false");
    else
        sql += QStringLiteral(" INSERT INTO channel_events (channel_id, seq, type, payload, created_at) VALUES ")
             + events.join(QLatin1Char(',')) + QStringLiteral(" RETURNING channel_id, seq, gid");
    QSqlQuery q(db);
    if (!run(q, sql, error)) return false;
    // Matched by (channel, seq), which is unique: no reliance on the order of RETURNING.
    qsizetype matched = 0;
    while (q.next()) {
        if (EventStamp *s = byNumber.value({q.value(0).toString(), q.value(1).toLongLong()})) {
            s->gid = q.value(2).toLongLong();
            ++matched;
        }
    }
    if (matched == events.size()) return true;
    *error = StoreStatus::failed(QStringLiteral("event log rows not returned"));
    return false;
}

} // namespace switchboard
