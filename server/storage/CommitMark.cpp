#include "CommitMark.h"

#include "StoreWriter.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace switchboard {

CommitMark::CommitMark(QString key) : m_key(std::move(key)) {}

qint64 CommitMark::mark(QSqlDatabase &db, QString *error) const
{
    // One statement, prepared once per connection: it replaces the plain
    // SELECT txid_current() the writer needed anyway, so a batch pays no extra round trip.
    QSqlQuery &q =
        StoreWriter::prepared(db, QStringLiteral(
                                      "INSERT INTO commit_marks (writer, xid, at) VALUES (?, txid_current(), now())"
                                      " ON CONFLICT (writer) DO UPDATE SET xid = EXCLUDED.xid, at = EXCLUDED.at"
                                      " RETURNING xid"));
    q.addBindValue(m_key);
    if (!q.exec() || !q.next()) {
        *error = q.lastError().text();
        q.finish();
        return 0;
    }
    const qint64 xid = q.value(0).toLongLong();
    q.finish();
    return xid;
}

CommitMark::Outcome CommitMark::outcome(QSqlDatabase &db, qint64 xid, QString *error) const
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT txid_status(?), (SELECT xid FROM commit_marks WHERE writer = ?)"));
    q.addBindValue(xid);
    q.addBindValue(m_key);
    if (!q.exec() || !q.next()) {
        *error = q.lastError().text();
        return Outcome::Unknown;
    }
    if (q.value(0).isNull()) return Outcome::Unknown; // older than the commit log keeps
    const QString status = q.value(0).toString();
    if (status == QLatin1String("in progress")) return Outcome::InProgress;
    if (status != QLatin1String("committed")) return Outcome::Aborted;
    // Committed, but was it ours? Only our transaction writes xid into our row.
    return !q.value(1).isNull() && q.value(1).toLongLong() == xid ? Outcome::Committed : Outcome::Aborted;
}

void CommitMark::sweep(QSqlDatabase &db)
{
    QSqlQuery q(db);
    q.exec(QStringLiteral("DELETE FROM commit_marks WHERE at < now() - interval '1 day'"));
}

const char *CommitMark::name(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Committed: return "committed";
    case Outcome::Aborted: return "aborted";
    case Outcome::InProgress: return "in progress";
    case Outcome::Unknown: break;
    }
    return "outcome unknown";
}

} // namespace switchboard
