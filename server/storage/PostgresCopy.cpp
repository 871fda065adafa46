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
    // Qt 6 names the type after libpq's struct ("pg_conn*"); Qt 5's documentation
    // says "PGconn*". Checking only the latter left COPY unused on Qt 6.
    if (!v.isValid() || (qstrcmp(v.typeName(), "pg_conn*") != 0 && qstrcmp(v.typeName(), "PGconn*") != 0))
        return nullptr;
    return *static_cast<PGconn *const *>(v.constData());
}

QString resultError(PGconn *conn, PGresult *r)
{
    const char *message = r ? PQresultErrorMessage(r) : PQerrorMessage(conn);
    return QString::fromUtf8(message).trimmed();
}
#endif

} // namespace

bool PostgresCopy::compiledIn()
{
#ifdef SB_HAVE_LIBPQ
    return true;
#else
    return false;
#endif
}

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
    // Runs without a special byte go in at once (a message is mostly one run).
    const char *p = utf8.constData();
    const char *end = p + utf8.size();
    const char *run = p;
    for (; p < end; ++p) {
        const char c = *p;
        if (c != '\\' && c != '\t' && c != '\n' && c != '\r') continue;
        m_data.append(run, p - run);
        m_data.append('\\');
        m_data.append(c == '\\' ? '\\' : c == '\t' ? 't' : c == '\n' ? 'n' : 'r');
        run = p + 1;
    }
    m_data.append(run, end - run);
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
    if (m_data.size() >= ChunkBytes) sendChunk();
}

PostgresCopy::~PostgresCopy()
{
#ifdef SB_HAVE_LIBPQ
    if (!m_conn) return;
    // Left mid-COPY (an early return): end it as failed and read its result, so the
    // connection is back in its (now aborted) transaction for the rollback.
    PGconn *conn = static_cast<PGconn *>(m_conn);
    PQputCopyEnd(conn, "abandoned");
    while (PGresult *r = PQgetResult(conn)) PQclear(r);
#endif
}

bool PostgresCopy::begin(QSqlDatabase &db, const char *statement, StoreStatus *error)
{
#ifdef SB_HAVE_LIBPQ
    PGconn *conn = handleOf(db);
    if (!conn) {
        *error = StoreStatus::failed(QStringLiteral("COPY needs a PostgreSQL connection"));
        return false;
    }
    PGresult *r = PQexec(conn, statement);
    const bool copying = PQresultStatus(r) == PGRES_COPY_IN;
    const QString failure = copying ? QString() : resultError(conn, r);
    PQclear(r);
    if (!copying) {
        *error = PQstatus(conn) == CONNECTION_OK ? StoreStatus::failed(failure) : StoreStatus::unavailable(failure);
        return false;
    }
    m_conn = conn;
    m_data.reserve(ChunkBytes + 4096);
    return true;
#else
    Q_UNUSED(db);
    Q_UNUSED(statement);
    *error = StoreStatus::failed(QStringLiteral("built without libpq"));
    return false;
#endif
}

void PostgresCopy::sendChunk()
{
#ifdef SB_HAVE_LIBPQ
    if (!m_conn || m_data.isEmpty()) return;
    PGconn *conn = static_cast<PGconn *>(m_conn);
    if (m_failure.isEmpty() && PQputCopyData(conn, m_data.constData(), int(m_data.size())) != 1)
        m_failure = resultError(conn, nullptr);
#endif
    m_data.resize(0); // keeps the buffer for the next chunk
}

bool PostgresCopy::finish(StoreStatus *error)
{
#ifdef SB_HAVE_LIBPQ
    if (!m_conn) {
        *error = StoreStatus::failed(QStringLiteral("COPY not begun"));
        return false;
    }
    sendChunk();
    PGconn *conn = static_cast<PGconn *>(m_conn);
    m_conn = nullptr;
    QString failure = m_failure;
    if (PQputCopyEnd(conn, nullptr) != 1 && failure.isEmpty()) failure = resultError(conn, nullptr);
    // Every result is read, so the connection is idle in its transaction again
    // when QPSQL next uses it (for the commit or the rollback).
    while (PGresult *r = PQgetResult(conn)) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && failure.isEmpty()) failure = resultError(conn, r);
        PQclear(r);
    }
    if (failure.isEmpty()) return true;
    *error = PQstatus(conn) == CONNECTION_OK ? StoreStatus::failed(failure) : StoreStatus::unavailable(failure);
    return false;
#else
    Q_UNUSED(error);
    return false;
#endif
}

} // namespace switchboard
