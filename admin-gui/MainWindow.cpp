#include "MainWindow.h"

#include "AdminActions.h"
#include "ChannelModel.h"
#include "ChannelsPage.h"
#include "ConnectDialog.h"
#include "ConnectionModel.h"
#include "ConnectionsPage.h"
#include "NodesPage.h"
#include "Icons.h"
#include "OverviewPage.h"
#include "TrafficPage.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDockWidget>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>

namespace switchboard {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_client(new AdminClient(this))
    , m_actions(new AdminActions(m_client, this, this))
    , m_tabs(new QTabWidget(this))
    , m_overview(new OverviewPage(this))
    , m_connections(new ConnectionsPage(m_client, m_actions, this))
    , m_channels(new ChannelsPage(m_client, m_actions, this))
    , m_traffic(new TrafficPage(m_client, this))
    , m_nodes(new NodesPage(m_client, m_actions, this))
    , m_log(new QListWidget(this))
    , m_linkIcon(new QLabel(this))
    , m_linkText(new QLabel(this))
    , m_countsText(new QLabel(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Switchboard Admin"));
    setWindowIcon(Icons::get(QStringLiteral("app")));

    m_tabs->setObjectName(QStringLiteral("tabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_overview, Icons::get(QStringLiteral("overview")), tr("&Overview"));
    m_tabs->addTab(m_connections, Icons::get(QStringLiteral("connections")), tr("&Connections"));
    m_tabs->addTab(m_channels, Icons::get(QStringLiteral("channels")), tr("C&hannels"));
    m_tabs->addTab(m_traffic, Icons::get(QStringLiteral("traffic")), tr("&Traffic"));
    m_tabs->addTab(m_nodes, Icons::get(QStringLiteral("connections")), tr("&Nodes"));
    setCentralWidget(m_tabs);

    auto *dock = new QDockWidget(tr("Admin log"), this);
    dock->setObjectName(QStringLiteral("adminLogDock"));
    m_log->setObjectName(QStringLiteral("adminLog"));
    m_log->setIconSize(QSize(16, 16));
    dock->setWidget(m_log);
    addDockWidget(Qt::BottomDockWidgetArea, dock);
    // The log is a footnote to the tabs: a few lines high unless the admin drags it bigger.
    resizeDocks({dock}, {110}, Qt::Vertical);

    m_linkText->setObjectName(QStringLiteral("linkState"));
    m_countsText->setObjectName(QStringLiteral("counts"));
    statusBar()->addWidget(m_linkIcon);
    statusBar()->addWidget(m_linkText, 1);
    statusBar()->addPermanentWidget(m_countsText);

    createActions();

    connect(m_nodes, &NodesPage::showConnectionsRequested, this, [this](const QString &node) {
        m_connections->showNode(node);
        m_tabs->setCurrentWidget(m_connections);
    });
    connect(m_client, &AdminClient::stateChanged, this, &MainWindow::onStateChanged);
    connect(m_client, &AdminClient::statsUpdated, m_overview, &OverviewPage::updateStats);
    connect(m_client, &AdminClient::statsUpdated, this, &MainWindow::refreshLink);
    connect(m_client, &AdminClient::commandFinished, this, [this](const AdminResult &r) {
        if (!r.ok)
            log(QStringLiteral("link-down"), tr("%1 failed: %2").arg(r.command, r.message));
        else
            statusBar()->showMessage(tr("%1: %2").arg(r.command, r.message), 5000);
    });
    connect(m_client, &AdminClient::auditReceived, this, [this](const AdminResult &r) {
        log(r.ok ? QStringLiteral("link-up") : QStringLiteral("link-down"),
            tr("%1 by %2: %3").arg(r.command, r.by.isEmpty() ? tr("an admin") : r.by, r.message));
    });
    connect(m_client, &AdminClient::serverError, this, [this](const QString &code, const QString &message) {
        log(QStringLiteral("link-down"), tr("Server: %1 (%2)").arg(message, code));
    });

    // The countdown to the next reconnect attempt ticks in the status bar.
    m_linkTicker.setInterval(1000);
    connect(&m_linkTicker, &QTimer::timeout, this, &MainWindow::refreshLink);
    m_linkTicker.start();

    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    if (!settings.contains(QStringLiteral("window/geometry"))) resize(1200, 780);
    onStateChanged(m_client->state(), tr("Not connected"));
}

void MainWindow::createActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *connectAction = file->addAction(Icons::get(QStringLiteral("connect")), tr("&Connect…"));
    connectAction->setObjectName(QStringLiteral("connectAction"));
    connectAction->setShortcut(QKeySequence::Open);
    connect(connectAction, &QAction::triggered, this, &MainWindow::showConnectDialog);
    m_disconnectAction = file->addAction(Icons::get(QStringLiteral("disconnect")), tr("&Disconnect"));
    m_disconnectAction->setObjectName(QStringLiteral("closeFeedAction"));
    connect(m_disconnectAction, &QAction::triggered, m_client, &AdminClient::close);
    file->addSeparator();
    QAction *exportAction = file->addAction(Icons::get(QStringLiteral("export")), tr("&Export traffic…"));
    connect(exportAction, &QAction::triggered, m_traffic, &TrafficPage::exportWithDialog);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    QMenu *actionsMenu = menuBar()->addMenu(tr("&Actions"));
    QAction *broadcast = actionsMenu->addAction(Icons::get(QStringLiteral("broadcast")),
                                                tr("&Broadcast system message…"));
    broadcast->setObjectName(QStringLiteral("broadcastMenuAction"));
    connect(broadcast, &QAction::triggered, m_actions, &AdminActions::broadcastSystemMessage);
    QAction *pause = actionsMenu->addAction(Icons::get(QStringLiteral("pause")), tr("&Pause traffic"));
    pause->setCheckable(true);
    pause->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    connect(pause, &QAction::toggled, m_traffic, &TrafficPage::setPaused);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *about = help->addAction(tr("&About"));
    connect(about, &QAction::triggered, this, [this] {
        QMessageBox::
            about(this, tr("About Switchboard Admin"),
                  tr("<b>Switchboard Admin</b> %1<br>Watches a Switchboard chat server through its admin feed: "
                     "connections, channels, rates and live traffic, and acts on them.")
                      .arg(QApplication::applicationVersion()));
    });

    QToolBar *bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(connectAction);
    bar->addAction(m_disconnectAction);
    bar->addSeparator();
    bar->addAction(broadcast);
}

bool MainWindow::showConnectDialog()
{
    ConnectDialog dialog(this);
    if (dialog.exec() != QDialog::Accepted) return false;
    m_client->setTlsTrust(dialog.tlsTrust());
    openFeed(dialog.url(), dialog.token());
    return true;
}

void MainWindow::openFeed(const QUrl &url, const QString &token)
{
    m_overview->clear();
    log(QStringLiteral("connect"), tr("Connecting to %1").arg(url.toString()));
    m_client->open(url, token);
}

QString MainWindow::linkText() const
{
    return m_linkText->text();
}

void MainWindow::onStateChanged(AdminClient::LinkState state, const QString &detail)
{
    m_disconnectAction->setEnabled(state != AdminClient::LinkState::Disconnected
                                   && state != AdminClient::LinkState::Refused);
    switch (state) {
    case AdminClient::LinkState::Connected: log(QStringLiteral("link-up"), detail); break;
    case AdminClient::LinkState::Reconnecting:
    case AdminClient::LinkState::Refused: log(QStringLiteral("link-down"), detail); break;
    default: break;
    }
    refreshLink();
}

void MainWindow::refreshLink()
{
    QString icon;
    QString text;
    switch (m_client->state()) {
    case AdminClient::LinkState::Connected:
        icon = QStringLiteral("link-up");
        text = tr("Connected to %1").arg(m_client->url().toString());
        if (!m_client->serverName().isEmpty()) text += QStringLiteral(" (") + m_client->serverName() + QLatin1Char(')');
        break;
    case AdminClient::LinkState::Connecting:
        icon = QStringLiteral("link-wait");
        text = tr("Connecting to %1…").arg(m_client->url().toString());
        break;
    case AdminClient::LinkState::Reconnecting: {
        icon = QStringLiteral("link-wait");
        const int seconds = qMax(0, (m_client->reconnectIn() + 999) / 1000);
        text = tr("Link lost, reconnecting in %n s…", nullptr, seconds);
        break;
    }
    case AdminClient::LinkState::Refused:
        icon = QStringLiteral("link-down");
        text = m_client->stateDetail();
        break;
    case AdminClient::LinkState::Disconnected:
        icon = QStringLiteral("link-down");
        text = tr("Not connected");
        break;
    }
    m_linkIcon->setPixmap(Icons::get(icon).pixmap(16, 16));
    m_linkText->setText(text);
    if (m_client->state() == AdminClient::LinkState::Connected) {
        const ServerStats &s = m_client->stats();
        m_countsText->setText(tr("%1 connections · %2 channels · %3 msg/s")
                                  .arg(m_client->connections()->rowCount())
                                  .arg(m_client->channels()->rowCount())
                                  .arg(QLocale().toString(s.messagesInPerSec, 'f', 1)));
    } else {
        m_countsText->clear();
    }
}

void MainWindow::log(const QString &icon, const QString &text)
{
    auto *item = new QListWidgetItem(Icons::get(icon),
                                     QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss  ")) + text);
    m_log->addItem(item);
    // The log is a log, not an archive: keep the newest thousand lines.
    while (m_log->count() > 1000) delete m_log->takeItem(0);
    m_log->scrollToBottom();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    m_client->close();
    event->accept();
}

} // namespace switchboard
