#include "DatabaseMaintenance.h"

#include "Migrations.h"

#include <QDir>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>
#include <QUuid>

namespace switchboard {

namespace {

// One named connection for the length of a call, removed afterwards.
class Connection
{
public:
    Connection() : m_name(QStringLiteral("maintenance-") + QUuid::createUuid().toString(QUuid::Id128)) {}
    ~Connection()
    {
        if (db.isValid()) db.close();
        db = QSqlDatabase(); // the last handle goes before the connection is removed
        QSqlDatabase::removeDatabase(m_name);
    }
    bool open(const QString &url, const QString &dataDir, QString *error)
    {
        if (DatabaseMaintenance::isPostgres(url)) {
            const QUrl u(url);
            if (!u.isValid() || u.host().isEmpty() || u.path().size() < 2) {
                *error = QStringLiteral("bad database URL %1 (expected postgres://user:pass@host:port/db)").arg(url);
                return false;
            }
            db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_name);
            db.setHostName(u.host());
            db.setPort(u.port(5432));
            db.setUserName(u.userName());
            db.setPassword(u.password());
            db.setDatabaseName(u.path().mid(1));
        } else {
            db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
            db.setDatabaseName(DatabaseMaintenance::sqlitePath(url, dataDir));
            db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        }
        if (!db.open()) {
            *error = QStringLiteral("cannot open database: %1").arg(db.lastError().text());
            return false;
        }
        return true;
    }
    QSqlDatabase db;

private:
    QString m_name;
};

int schemaVersion(QSqlDatabase &db)
{
    QSqlQuery q(db);
    if (!db.tables().contains(QStringLiteral("schema_migrations"))) return 0;
    if (q.exec(QStringLiteral("SELECT MAX(version) FROM schema_migrations")) && q.next()) return q.value(0).toInt();
    return 0;
}

} // namespace

QString DatabaseMaintenance::sqlitePath(const QString &url, const QString &dataDir)
{
    const QString path = url.startsWith(QLatin1String("sqlite:")) ? url.mid(7) : QString();
    return path.isEmpty() ? QDir(dataDir).filePath(QStringLiteral("switchboard.db")) : path;
}

bool DatabaseMaintenance::isPostgres(const QString &url)
{
    return url.startsWith(QLatin1String("postgres://")) || url.startsWith(QLatin1String("postgresql://"));
}

bool DatabaseMaintenance::backup(const QString &url, const QString &dataDir, const QString &dest, QString *error)
{
    if (isPostgres(url)) {
        *error = QStringLiteral("backup copies SQLite databases only; for PostgreSQL use pg_dump");
        return false;
    }
    const QString source = sqlitePath(url, dataDir);
    // Opening a missing file would create an empty database: refuse instead.
    if (!QFileInfo::exists(source)) {
        *error = QStringLiteral("no database at %1").arg(source);
        return false;
    }
    if (QFileInfo::exists(dest)) {
        *error = QStringLiteral("%1 exists already; backup writes a new file").arg(dest);
        return false;
    }
    Connection c;
    if (!c.open(url, dataDir, error)) return false;
    QSqlQuery q(c.db);
    q.prepare(QStringLiteral("VACUUM INTO ?"));
    q.addBindValue(QFileInfo(dest).absoluteFilePath());
    if (!q.exec()) {
        *error = QStringLiteral("backup to %1 failed: %2").arg(dest, q.lastError().text());
        return false;
    }
    return true;
}

bool DatabaseMaintenance::migrate(const QString &url, const QString &dataDir, int *from, int *to, QString *error)
{
    Connection c;
    if (!c.open(url, dataDir, error)) return false;
    if (c.db.driverName() == QLatin1String("QSQLITE")) {
        QSqlQuery q(c.db);
        q.exec(QStringLiteral("PRAGMA journal_mode=WAL"));
        q.exec(QStringLiteral("PRAGMA foreign_keys=ON"));
    }
    *from = schemaVersion(c.db);
    if (!Migrations::apply(c.db, error)) return false;
    *to = schemaVersion(c.db);
    return true;
}

} // namespace switchboard
