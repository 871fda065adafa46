#pragma once

#include <QSqlDatabase>
#include <QString>
#include <QStringList>

namespace switchboard {

// Numbered schema migrations, applied in order at start inside one
// transaction each; schema_migrations records what ran.
class Migrations
{
public:
    static int latestVersion();
    // Brings the schema up to date. Returns false with *error set on failure.
    static bool apply(QSqlDatabase &db, QString *error);

private:
    static QStringList steps(int version, bool postgres);
};

} // namespace switchboard
