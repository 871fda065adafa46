#pragma once

#include <QByteArray>
#include <QString>
#include <QVarLengthArray>

struct sqlite3;
struct sqlite3_stmt;
class QSqlDatabase;

namespace switchboard {

// A statement compiled once on the writer's SQLite connection and run through
// SQLite's own API. QSqlQuery::bindValue costs about 2,000 instructions a value
// (it formats and hashes a placeholder name per call); binding directly costs
// a few dozen, which matters at tens of thousands of inserted rows a second.
// Text is bound as UTF-8 (the database's encoding), kept alive until reset().
class SqliteStatement
{
public:
    // The connection's native handle, or null if db is not an open SQLite connection.
    static sqlite3 *handleOf(const QSqlDatabase &db);

    SqliteStatement(sqlite3 *db, const char *sql);
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement &) = delete;
    SqliteStatement &operator=(const SqliteStatement &) = delete;

    bool isValid() const { return m_stmt != nullptr; }
    QString prepareError() const { return m_prepareError; }
    int parameterCount() const;

    // Parameters count from 1, as in SQL.
    void bindText(int i, const QString &s);         // a null QString binds NULL, as QSqlQuery does
    void bindNullableText(int i, const QString &s); // empty binds NULL too
    void bindInt(int i, qint64 v);
    void bindNull(int i);

    // Runs the statement to completion and resets it (bindings are cleared too).
    // firstValue, if given, receives column 0 of the first row (RETURNING).
    bool exec(QString *error, qint64 *firstValue = nullptr);
    // SQLite's extended result code of the last failed exec().
    int lastErrorCode() const { return m_lastErrorCode; }

private:
    sqlite3 *m_db;
    sqlite3_stmt *m_stmt = nullptr;
    QString m_prepareError;
    int m_lastErrorCode = 0;
    QVarLengthArray<QByteArray, 16> m_texts; // UTF-8 bound with SQLITE_STATIC until reset
};

} // namespace switchboard
