#include "net/EpollEventDispatcher.h"
#include "Server.h"
#include "ServerConfig.h"
#include "UnixSignalWatcher.h"

#include <QCoreApplication>
#include <QLoggingCategory>

#include <cstdio>

int main(int argc, char **argv)
{
    // Before the application object: Qt's stock dispatchers poll every socket on
    // every loop pass, so idle connections would slow everyone (server/net/README.md).
    EpollEventDispatcher::installOnMainThread();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("switchboard"));
    QCoreApplication::setOrganizationName(QStringLiteral("switchboard"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SWITCHBOARD_VERSION));

    ServerConfig config;
    QString error;
    if (!config.parse(app.arguments(), &error)) {
        if (error == QLatin1String("help")) {
            std::fputs(qPrintable(ServerConfig::usage()), stdout);
            return 0;
        }
        if (error == QLatin1String("version")) {
            std::printf("switchboard-server %s\n", SWITCHBOARD_VERSION);
            return 0;
        }
        std::fprintf(stderr, "switchboard-server: %s\n", qPrintable(error.simplified()));
        return 2;
    }
    qSetMessagePattern(QStringLiteral(
        "%{time yyyy-MM-ddThh:mm:ss.zzz} %{if-debug}debug%{endif}%{if-info}info%{endif}%{if-warning}warning%{endif}%{if-critical}error%{endif} %{category}: %{message}"));
    QString rules = QStringLiteral("qt.*=false\n");
    if (config.logLevel == QLatin1String("info"))
        rules += QStringLiteral("*.debug=false\n");
    else if (config.logLevel == QLatin1String("warning"))
        rules += QStringLiteral("*.debug=false\n*.info=false\n");
    else if (config.logLevel == QLatin1String("error"))
        rules += QStringLiteral("*.debug=false\n*.info=false\n*.warning=false\n");
    QLoggingCategory::setFilterRules(rules);

    Server server(config);
    if (!server.start(&error)) {
        // One line, even when a driver's message has several.
        std::fprintf(stderr, "switchboard-server: %s\n", qPrintable(error.simplified()));
        return 2;
    }
    UnixSignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &UnixSignalWatcher::terminationRequested, &server,
                     [&server](int) { server.shutdown(); });
    QObject::connect(&signalWatcher, &UnixSignalWatcher::hangup, &server, [&server] { server.reloadCertificates(); });
    QObject::connect(&server, &Server::stopped, &app, [] { QCoreApplication::exit(0); });
    return app.exec();
}
