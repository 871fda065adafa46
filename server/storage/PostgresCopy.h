#pragma once

#include "StoreStatus.h"

#include <QByteArray>
#include <QString>

class QSqlDatabase;

namespace switchboard {

// Rows for one COPY ... FROM STDIN, run through libpq on the QPSQL connection's
// own handle, inside the transaction QPSQL opened. COPY skips the parse and plan
// of a multi-row VALUES list (a third of the backend's time at 500 rows) and
// the driver's literal quoting on our side. Text format: fields split by tabs,
// \N for NULL, backslash escapes for tab, newline, carriage return and backslash.
// The rows stream: once ChunkBytes are formatted they go out, so PostgreSQL
// inserts the first rows while the writer still formats the rest (formatting
// and inserting took turns before, about 24 and 32 µs a message).
class PostgresCopy
{
public:
    // True when db is an open QPSQL connection and the build has libpq's headers.
    static bool available(const QSqlDatabase &db);
    static bool compiledIn(); // the build found libpq's headers

    PostgresCopy() = default;
    PostgresCopy(const PostgresCopy &) = delete;
    PostgresCopy &operator=(const PostgresCopy &) = delete;
    ~PostgresCopy(); // a COPY begun and not finished is aborted

    // statement: "COPY table (columns) FROM STDIN".
    bool begin(QSqlDatabase &db, const char *statement, StoreStatus *error);
    void text(const QString &s);
    void text(const QByteArray &utf8);
    void nullable(const QString &s); // empty: NULL
    void number(qint64 n);
    void endRow();
    qsizetype rows() const { return m_rows; }
    // Sends the rest, ends the COPY and reads its outcome.
    bool finish(StoreStatus *error);

    static constexpr qsizetype ChunkBytes = 16 * 1024;

private:
    void separate();
    void sendChunk();
    QByteArray m_data;
    void *m_conn = nullptr; // PGconn while a COPY is open
    QString m_failure;      // the first failure while streaming
    qsizetype m_rows = 0;
    bool m_rowStarted = false;
};

} // namespace switchboard
