#pragma once

#include <QString>

namespace switchboard {

// Offline and side-by-side work on the configured database, for the server's
// subcommands (backup, migrate): each call opens its own connection and closes
// it again, so it may run while a server is serving the same SQLite file.
class DatabaseMaintenance
{
public:
    // url as for Store::open; "sqlite:" means dataDir/switchboard.db.
    static QString sqlitePath(const QString &url, const QString &dataDir);
    static bool isPostgres(const QString &url);

    // A consistent copy of a SQLite database at dest (VACUUM INTO: one read
    // transaction, so writers carry on and the copy is one point in time).
    // dest must not exist yet.
    static bool backup(const QString &url, const QString &dataDir, const QString &dest, QString *error);
    // Brings the schema up to date; *from and *to are the versions before and after.
    static bool migrate(const QString &url, const QString &dataDir, int *from, int *to, QString *error);
};

} // namespace switchboard
