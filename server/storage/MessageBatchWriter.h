#pragma once

#include "MessageRow.h"
#include "StoreStatus.h"

#include <QList>
#include <QSqlDatabase>

namespace switchboard {

// The message inserts of one writer batch in a few round trips on PostgreSQL
// (one per row costs a network round trip each, three with the event log):
// one UPDATE numbers every channel's messages of the batch at once, then per
// chunk one statement inserts the message, upload and event rows and returns
// the events' gids. With libpq (PostgresCopy) the rows go in by COPY instead,
// with the gids drawn beforehand. Runs inside the writer's transaction; on any
// error the caller rolls back and replays the writes one by one, so a bad row
// still fails alone. SQLite keeps its per-row path: there a row costs no round trip.
class MessageBatchWriter
{
public:
    static bool supports(const QSqlDatabase &db);
    // Sets each stamp's seq and gid as the single-row path would.
    static bool write(QSqlDatabase &db, const QList<MessageRow *> &rows, StoreStatus *error);

private:
    static bool number(QSqlDatabase &db, const QList<MessageRow *> &rows, StoreStatus *error);
    static bool copyRows(QSqlDatabase &db, const QList<MessageRow *> &rows, StoreStatus *error);
    static bool insertChunk(QSqlDatabase &db, const QList<MessageRow *> &rows, qsizetype from, qsizetype to,
                            StoreStatus *error);
};

} // namespace switchboard
