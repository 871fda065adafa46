#include "net/EpollEventDispatcher.h"
#include "ConfigReloader.h"
#include "LogSetup.h"
#include "Server.h"
#include "ServerConfig.h"
#include "ServiceCommand.h"
#include "SystemdNotifier.h"
#include "UnixSignalWatcher.h"

#include <QCoreApplication>

#include <cstdio>

using namespace switchboard;

int main(int argc, char **argv)
{
    // Before the application object: Qt's stock dispatchers poll every socket on
    // every loop pass, so idle connections would slow everyone (server/net/README.md).
    EpollEventDispatcher::installOnMainThread();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("switchboard"));
    QCoreApplication::setOrganizationName(QStringLiteral("switchboard"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SWITCHBOARD_VERSION));

    int exitCode = 0;
    if (ServiceCommand::run(app.arguments(), &exitCode)) return exitCode;

    ServerConfig config;
    QString error;
    if (!config.parse(app.arguments(), &error)) {
        if (error == QLatin1String("help")) {
            std::fputs(qPrintable(ServerConfig::usage() + ServiceCommand::usage()), stdout);
            return 0;
        }
        if (error == QLatin1String("version")) {
            std::printf("switchboard-server %s\n", SWITCHBOARD_VERSION);
            return 0;
        }
        std::fprintf(stderr, "switchboard-server: %s\n", qPrintable(error.simplified()));
        return 2;
    }
    LogSetup::install();
    LogSetup::setLevel(config.logLevel);

    SystemdNotifier notifier;
    Server server(config);
    if (!server.start(&error)) {
        // One line, even when a driver's message has several.
        std::fprintf(stderr, "switchboard-server: %s\n", qPrintable(error.simplified()));
        return 2;
    }
    // Listening and storage open: /readyz answers 200 from here on.
    notifier.ready();
    notifier.startWatchdog();

    ConfigReloader reloader(app.arguments(), config, &server, &notifier);
    UnixSignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &UnixSignalWatcher::terminationRequested, &server, [&server, &notifier](int) {
        notifier.stopping();
        server.shutdown();
    });
    QObject::connect(&signalWatcher, &UnixSignalWatcher::reloadRequested, &reloader, &ConfigReloader::reload);
    QObject::connect(&server, &Server::stopped, &app, [] { QCoreApplication::exit(0); });
    return app.exec();
}
