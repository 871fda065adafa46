#pragma once

#include "AdminClient.h"

#include <QMainWindow>
#include <QTimer>

class QLabel;
class QListWidget;
class QTabWidget;

namespace switchboard {

class AdminActions;
class ChannelsPage;
class ConnectionsPage;
class NodesPage;
class OverviewPage;
class TrafficPage;

// switchboard-admin's window: the five tabs (Nodes for a cluster), the admin log dock (every
// action's result and every audit entry from the feed) and a status bar that
// shows the link state, including the countdown to the next reconnect.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);

    AdminClient *client() const { return m_client; }
    AdminActions *actions() const { return m_actions; }
    QTabWidget *tabs() const { return m_tabs; }
    OverviewPage *overviewPage() const { return m_overview; }
    ConnectionsPage *connectionsPage() const { return m_connections; }
    ChannelsPage *channelsPage() const { return m_channels; }
    TrafficPage *trafficPage() const { return m_traffic; }
    NodesPage *nodesPage() const { return m_nodes; }
    QListWidget *adminLog() const { return m_log; }
    QString linkText() const;

    void openFeed(const QUrl &url, const QString &token);
    // Returns true when the admin chose to connect.
    bool showConnectDialog();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createActions();
    void onStateChanged(AdminClient::LinkState state, const QString &detail);
    void refreshLink();
    void log(const QString &icon, const QString &text);

    AdminClient *m_client;
    AdminActions *m_actions;
    QTabWidget *m_tabs;
    OverviewPage *m_overview;
    ConnectionsPage *m_connections;
    ChannelsPage *m_channels;
    TrafficPage *m_traffic;
    NodesPage *m_nodes;
    QListWidget *m_log;
    QLabel *m_linkIcon;
    QLabel *m_linkText;
    QLabel *m_countsText;
    QTimer m_linkTicker;
    QAction *m_disconnectAction = nullptr;
};

} // namespace switchboard
