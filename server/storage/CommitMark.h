#pragma once

#include <QString>

class QSqlDatabase;

namespace switchboard {

// Tells, after a lost connection, whether a batch whose COMMIT went unanswered
// committed (PostgreSQL). txid_status() alone is not enough: an xid whose
// transaction never reached the WAL is handed out again after a crash restart,
// and then reports the newcomer's outcome (the chaos test saw another node's
// commit acknowledge a lost message). So each batch also writes its xid into its
// writer's own row of commit_marks (migration 8): that row shows the xid only if
// that very transaction committed.
class CommitMark
{
public:
    enum class Outcome { Committed, Aborted, InProgress, Unknown };

    // key: this writer's own row, unique per writer (a process-lifetime id).
    explicit CommitMark(QString key);
    const QString &key() const { return m_key; }

    // Inside the batch's transaction: records its xid in the writer's row and
    // returns it (0 with error set when the statement failed).
    qint64 mark(QSqlDatabase &db, QString *error) const;
    // On a new connection: what became of the transaction xid. Aborted covers an
    // xid that committed as somebody else's transaction. Unknown: the question
    // itself failed (error set) or the xid is too old to tell.
    Outcome outcome(QSqlDatabase &db, qint64 xid, QString *error) const;
    // Rows of writers gone for a day; harmless to a live writer in doubt (its
    // transaction writes its row back if it committed).
    static void sweep(QSqlDatabase &db);

    static const char *name(Outcome outcome);

private:
    QString m_key;
};

} // namespace switchboard
