#pragma once

#include <QStringList>

namespace switchboard {

// The maintenance subcommands (docs/operations.md): check-config, backup DEST
// and migrate. Each takes the server's options, runs and returns an exit code.
class ServiceCommand
{
public:
    // True when arguments[1] names a subcommand; *exitCode is then its result.
    static bool run(const QStringList &arguments, int *exitCode);
    static QString usage();

private:
    static int checkConfig(const QStringList &options);
    static int backup(const QString &dest, const QStringList &options);
    static int migrate(const QStringList &options);
};

} // namespace switchboard
