#include "ServiceCommand.h"

#include "ServerConfig.h"
#include "storage/DatabaseMaintenance.h"

#include <QDir>
#include <QFileInfo>
#include <QUrl>

#include <cstdio>

namespace switchboard {

namespace {

void fail(const QString &message)
{
    std::fprintf(stderr, "switchboard-server: %s\n", qPrintable(message.simplified()));
}

// Parses the options; on an error prints it and returns false.
bool parseOptions(const QStringList &options, ServerConfig *config)
{
    QString error;
    if (config->parse(options, &error)) return true;
    fail(error);
    return false;
}

} // namespace

QString ServiceCommand::usage()
{
    return QStringLiteral("\nCommands (take the same options as the server):\n"
                          "  check-config\n      Parse the configuration, change nothing, print \"configuration OK\" "
                          "(exit 0) or the error (exit 2).\n"
                          "  backup DEST\n      Copy the SQLite database to the new file DEST, consistent while a "
                          "server runs on it.\n"
                          "  migrate\n      Bring the database schema up to date and report the versions.\n");
}

bool ServiceCommand::run(const QStringList &arguments, int *exitCode)
{
    const QString command = arguments.value(1);
    QStringList options = arguments;
    if (command == QLatin1String("check-config")) {
        options.removeAt(1);
        *exitCode = checkConfig(options);
        return true;
    }
    if (command == QLatin1String("migrate")) {
        options.removeAt(1);
        *exitCode = migrate(options);
        return true;
    }
    if (command == QLatin1String("backup")) {
        const QString dest = arguments.value(2);
        if (dest.isEmpty() || dest.startsWith(QLatin1Char('-'))) {
            fail(QStringLiteral("usage: switchboard-server backup DEST [options]"));
            *exitCode = 2;
            return true;
        }
        options.remove(1, 2);
        *exitCode = backup(dest, options);
        return true;
    }
    return false;
}

int ServiceCommand::checkConfig(const QStringList &options)
{
    ServerConfig config;
    if (!parseOptions(options, &config)) return 2;
    std::printf("configuration OK\n");
    return 0;
}

int ServiceCommand::backup(const QString &dest, const QStringList &options)
{
    ServerConfig config;
    if (!parseOptions(options, &config)) return 2;
    if (DatabaseMaintenance::isPostgres(config.database)) {
        // No PostgreSQL client library of ours does dumps: name the tool that does.
        const QUrl u(config.database);
        fail(QStringLiteral("backup copies SQLite databases; for PostgreSQL run: pg_dump --format=custom "
                            "--host=%1 --port=%2 --username=%3 --file=%4 %5")
                 .arg(u.host())
                 .arg(u.port(5432))
                 .arg(u.userName(), dest, u.path().mid(1)));
        return 3;
    }
    QString error;
    if (!DatabaseMaintenance::backup(config.database, config.dataDir, dest, &error)) {
        fail(error);
        return 1;
    }
    std::printf("backup of %s written to %s\n",
                qPrintable(DatabaseMaintenance::sqlitePath(config.database, config.dataDir)),
                qPrintable(QFileInfo(dest).absoluteFilePath()));
    return 0;
}

int ServiceCommand::migrate(const QStringList &options)
{
    ServerConfig config;
    if (!parseOptions(options, &config)) return 2;
    QDir().mkpath(config.dataDir);
    int from = 0;
    int to = 0;
    QString error;
    if (!DatabaseMaintenance::migrate(config.database, config.dataDir, &from, &to, &error)) {
        fail(error);
        return 1;
    }
    if (from == to)
        std::printf("schema at version %d, nothing to do\n", to);
    else
        std::printf("schema migrated from version %d to %d\n", from, to);
    return 0;
}

} // namespace switchboard
