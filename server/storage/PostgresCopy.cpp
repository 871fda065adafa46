#include "PostgresCopy.h"

#include <QSqlDatabase>
#include <QSqlDriver>
#include <QVariant>

#ifdef SB_HAVE_LIBPQ
#include <libpq-fe.h>
#endif

namespace switchboard {

namespace {

#ifdef SB_HAVE_LIBPQ
PGconn *handleOf(const QSqlDatabase &db)
{
    if (!db.isOpen() || db.driverName() != QLatin1String("QPSQL")) return nullptr;
    const QVariant v = db.driver()->handle();
    if (!v.isValid() || qstrcmp(v.typeName(), "PGconn*") != 0) return nullptr;
    return *static_cast<PGconn *const *>(v.constData());
}

QString resultError(PGconn *conn, PGresult *r)
{
    const char *message = r ? PQresultErrorMessage(r) : PQerrorMessage(conn);
    return QString::fromUtf8(message).trimmed();
}
#endif

} // namespace

bool PostgresCopy::available(const QSqlDatabase &db)
{
#ifdef SB_HAVE_LIBPQ
    return handleOf(db) != nullptr;
#else
    Q_UNUSED(db);
    return false;
#endif
}

void PostgresCopy::separate()
{
    if (m_rowStarted) m_data.append('\t');
    m_rowStarted = true;
}

void PostgresCopy::text(const QByteArray &utf8)
{
    separate();
    // A NUL byte is passed on as is: PostgreSQL refuses it, as it refuses U+0000
    // in a bound value, so the row fails instead of being cut short.
    for (const char c : utf8) {
        switch (c) {
        case '\\': m_data.append("\\\\", 2); break;
        case '\t': m_data.append("\\t", 2); break;
        case '\n': m_data.append("\\n", 2); break;
        case '\r': m_data.append("\\r", 2); break;
        default: m_data.append(c);
        }
    }
}

void PostgresCopy::text(const QString &s)
{
    text(s.toUtf8());
}

void PostgresCopy::nullable(const QString &s)
{
    if (!s.isEmpty()) return text(s);
    separate();
    m_data.append("\\N", 2);
}

void PostgresCopy::number(qint64 n)
{
    separate();
    m_data.append(QByteArray::number(n));
}

void PostgresCopy::endRow()
{
    m_data.append('\n');
    m_rowStarted = false;
    ++m_rows;
}

bool PostgresCopy::send(QSqlDatabase &db, const char *statement, StoreStatus *error)
{
#ifdef SB_HAVE_LIBPQ
    PGconn *conn = handleOf(db);
    if (!conn) {
        *error = StoreStatus::failed(QStringLiteral("COPY needs a PostgreSQL connection"));
        return false;
    }
    const QByteArray data = std::exchange(m_data, QByteArray());
    m_rows = 0;
    PGresult *r = PQexec(conn, statement);
    const bool copying = PQresultStatus(r) == PGRES_COPY_IN;
    QString failure = copying ? QString() : resultError(conn, r);
    PQclear(r);
    if (!copying) {
        *error = StoreStatus::failed(failure);
        return false;
    }
    if (PQputCopyData(conn, data.constData(), int(data.size())) != 1 || PQputCopyEnd(conn, nullptr) != 1)
        failure = resultError(conn, nullptr);
    // Every result is read, so the connection is idle in its transaction again
    // when QPSQL next uses it (for the commit or the rollback).
    while ((r = PQgetResult(conn))) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && failure.isEmpty()) failure = resultError(conn, r);
        PQclear(r);
    }
    if (failure.isEmpty()) return true;
    *error = PQstatus(conn) == CONNECTION_OK ? StoreStatus::failed(failure) : StoreStatus::unavailable(failure);
    return false;
#else
    Q_UNUSED(db);
    Q_UNUSED(statement);
    *error = StoreStatus::failed(QStringLiteral("built without libpq"));
    return false;
#endif
}

} // namespace switchboard
