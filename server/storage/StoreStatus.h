#pragma once

#include <QString>

class QSqlError;

namespace switchboard {

// How a write ended, classified from the driver's error code (SQLite's extended
// result code, PostgreSQL's SQLSTATE), never from message text: the core turns
// a Conflict into its own typed error and anything else into an internal one.
struct StoreStatus
{
    enum Kind { Ok, Conflict, Failed, Unavailable };

    Kind kind = Ok;
    QString text; // for logs only: never shown to clients

    bool ok() const { return kind == Ok; }

    static StoreStatus failed(const QString &text) { return {Failed, text}; }
    static StoreStatus unavailable(const QString &text) { return {Unavailable, text}; }
    // From a Qt Sql error of the QSQLITE or QPSQL driver.
    static StoreStatus fromSqlError(const QSqlError &e);
    // From an SQLite extended result code (SqliteStatement).
    static StoreStatus fromSqliteCode(int extendedCode, const QString &text);
};

} // namespace switchboard
