#include "ConnectDialog.h"
#include "MainWindow.h"
#include "ScreenshotTaker.h"
#include "TrafficPage.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QLibraryInfo>
#include <QLocale>
#include <QTabWidget>
#include <QTranslator>

using namespace switchboard;

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Switchboard"));
    QApplication::setApplicationName(QStringLiteral("switchboard-admin"));
    QApplication::setApplicationDisplayName(QStringLiteral("Switchboard Admin"));
    QApplication::setApplicationVersion(QStringLiteral("0.1.0"));

    // The UI follows the system locale; the .qm files are compiled in.
    QTranslator qtTranslator;
    if (qtTranslator.load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                          QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        app.installTranslator(&qtTranslator);
    QTranslator translator;
    if (translator.load(QLocale(), QStringLiteral("switchboard_admin"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        app.installTranslator(&translator);

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Admin console for a Switchboard chat server."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption urlOption(QStringLiteral("url"), QApplication::translate("main", "Admin feed URL."),
                                       QStringLiteral("url"));
    const QCommandLineOption tokenOption(QStringLiteral("token"),
                                         QApplication::translate("main", "Admin token (or SWITCHBOARD_ADMIN_TOKEN)."),
                                         QStringLiteral("token"));
    const QCommandLineOption
        tabOption(QStringLiteral("tab"),
                  QApplication::translate("main",
                                          "Tab to show first: overview, connections, channels, traffic or nodes."),
                  QStringLiteral("name"));
    const QCommandLineOption shotsOption(QStringLiteral("screenshots"),
                                         QApplication::translate("main",
                                                                 "Save a PNG of every tab into DIR, then quit."),
                                         QStringLiteral("dir"));
    const QCommandLineOption delayOption(QStringLiteral("screenshot-delay"),
                                         QApplication::translate("main",
                                                                 "Milliseconds to watch before the screenshots."),
                                         QStringLiteral("ms"), QStringLiteral("8000"));
    const QCommandLineOption sizeOption(QStringLiteral("size"),
                                        QApplication::translate("main", "Window size, WIDTHxHEIGHT."),
                                        QStringLiteral("size"));
    const QCommandLineOption caOption(QStringLiteral("ca-file"),
                                      QApplication::translate("main",
                                                              "For wss://: trust the CA certificates in FILE (PEM)."),
                                      QStringLiteral("file"));
    const QCommandLineOption pinOption(QStringLiteral("pin-sha256"),
                                       QApplication::translate("main",
                                                               "For wss://: accept only the server certificate with "
                                                               "this SHA-256 fingerprint."),
                                       QStringLiteral("hex"));
    parser.addOptions({urlOption, tokenOption, tabOption, shotsOption, delayOption, sizeOption, caOption, pinOption});
    parser.process(app);

    MainWindow window;
    if (parser.isSet(sizeOption)) {
        const QStringList wh = parser.value(sizeOption).split(QLatin1Char('x'));
        if (wh.size() == 2) window.resize(wh.at(0).toInt(), wh.at(1).toInt());
    }
    const int tab = ScreenshotTaker::tabNames().indexOf(parser.value(tabOption));
    if (tab >= 0) window.tabs()->setCurrentIndex(tab);
    window.show();

    TlsTrust trust = ConnectDialog::savedTlsTrust();
    if (parser.isSet(caOption) || parser.isSet(pinOption)) {
        trust.caFile = parser.value(caOption);
        trust.pinnedSha256 = parser.value(pinOption);
    }
    window.client()->setTlsTrust(trust);
    QString token = parser.value(tokenOption);
    if (token.isEmpty()) token = qEnvironmentVariable("SWITCHBOARD_ADMIN_TOKEN");
    if (!token.isEmpty()) {
        const QString url = parser.isSet(urlOption) ? parser.value(urlOption) : ConnectDialog::savedUrl();
        window.openFeed(QUrl(url), token);
    } else if (!ConnectDialog::savedToken().isEmpty()) {
        window.openFeed(QUrl(ConnectDialog::savedUrl()), ConnectDialog::savedToken());
    } else {
        QMetaObject::invokeMethod(&window, &MainWindow::showConnectDialog, Qt::QueuedConnection);
    }

    if (parser.isSet(shotsOption)) {
        auto *taker = new ScreenshotTaker(&window, parser.value(shotsOption), parser.value(delayOption).toInt(),
                                          &window);
        QObject::connect(taker, &ScreenshotTaker::finished, &app, [](bool ok) { QApplication::exit(ok ? 0 : 1); });
    }
    return app.exec();
}
