#include "SqliteStatement.h"

#ifdef SB_HAVE_SQLITE3

#include <QSqlDatabase>
#include <QSqlDriver>
#include <QVariant>

#include <sqlite3.h>

namespace switchboard {

sqlite3 *SqliteStatement::handleOf(const QSqlDatabase &db)
{
    if (!db.isOpen() || db.driverName() != QLatin1String("QSQLITE")) return nullptr;
    const QVariant v = db.driver()->handle();
    if (!v.isValid() || qstrcmp(v.typeName(), "sqlite3*") != 0) return nullptr;
    return *static_cast<sqlite3 *const *>(v.constData());
}

SqliteStatement::SqliteStatement(sqlite3 *db, const char *sql) : m_db(db)
{
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr) != SQLITE_OK) {
        m_prepareError = QString::fromUtf8(sqlite3_errmsg(db));
        sqlite3_finalize(m_stmt);
        m_stmt = nullptr;
    }
}

SqliteStatement::~SqliteStatement()
{
    sqlite3_finalize(m_stmt);
}

int SqliteStatement::parameterCount() const
{
    return m_stmt ? sqlite3_bind_parameter_count(m_stmt) : 0;
}

void SqliteStatement::bindText(int i, const QString &s)
{
    if (s.isNull()) return bindNull(i);
    m_texts.append(s.toUtf8());
    const QByteArray &utf8 = m_texts.last();
    // constData() of an empty QByteArray is "" (never null), so '' is bound, not NULL.
    sqlite3_bind_text(m_stmt, i, utf8.constData(), int(utf8.size()), SQLITE_STATIC);
}

void SqliteStatement::bindNullableText(int i, const QString &s)
{
    if (s.isEmpty())
        bindNull(i);
    else
        bindText(i, s);
}

void SqliteStatement::bindInt(int i, qint64 v)
{
    sqlite3_bind_int64(m_stmt, i, v);
}

void SqliteStatement::bindNull(int i)
{
    sqlite3_bind_null(m_stmt, i);
}

bool SqliteStatement::exec(QString *error, qint64 *firstValue)
{
    if (!m_stmt) {
        *error = m_prepareError;
        return false;
    }
    int rc;
    bool first = true;
    while ((rc = sqlite3_step(m_stmt)) == SQLITE_ROW) {
        if (first && firstValue) *firstValue = sqlite3_column_int64(m_stmt, 0);
        first = false;
    }
    const bool ok = rc == SQLITE_DONE;
    if (!ok) {
        *error = QString::fromUtf8(sqlite3_errmsg(m_db));
        m_lastErrorCode = sqlite3_extended_errcode(m_db);
    }
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
    m_texts.clear();
    return ok;
}

} // namespace switchboard

#endif // SB_HAVE_SQLITE3
