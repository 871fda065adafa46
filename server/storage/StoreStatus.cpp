#include "StoreStatus.h"

#include <QSqlError>

namespace switchboard {

namespace {

// SQLITE_CONSTRAINT_PRIMARYKEY and SQLITE_CONSTRAINT_UNIQUE (sqlite3.h); the
// Qt driver reports the extended code as its native code.
constexpr int kSqlitePrimaryKey = 1555;
constexpr int kSqliteUnique = 2067;

bool isConflictCode(const QString &native)
{
    if (native == QLatin1String("23505")) return true; // PostgreSQL unique_violation
    bool ok = false;
    const int code = native.toInt(&ok);
    return ok && (code == kSqlitePrimaryKey || code == kSqliteUnique);
}

} // namespace

StoreStatus StoreStatus::fromSqlError(const QSqlError &e)
{
    if (!e.isValid()) return {};
    const QString text = e.text();
    if (isConflictCode(e.nativeErrorCode())) return {Conflict, text};
    if (e.type() == QSqlError::ConnectionError) return {Unavailable, text};
    return {Failed, text.isEmpty() ? QStringLiteral("write failed") : text};
}

StoreStatus StoreStatus::fromSqliteCode(int extendedCode, const QString &text)
{
    if (extendedCode == kSqlitePrimaryKey || extendedCode == kSqliteUnique) return {Conflict, text};
    return {Failed, text.isEmpty() ? QStringLiteral("write failed") : text};
}

} // namespace switchboard
