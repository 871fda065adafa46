#pragma once

#include <QWidget>

class QLabel;
class QMenu;
class QPushButton;
class QTableView;

namespace switchboard {

class AdminActions;
class AdminClient;
class FilteredTable;

// The nodes tab: every node of the cluster with its health, listen address,
// start time and connection count, the one this console is attached to
// marked; actions on connections another node holds, and the way to the
// connections of one node. A single server (no cluster) shows a line saying so.
class NodesPage : public QWidget
{
    Q_OBJECT
public:
    NodesPage(AdminClient *client, AdminActions *actions, QWidget *parent = nullptr);

    QTableView *view() const;
    QLabel *summary() const { return m_summary; }
    QPushButton *disconnectButton() const { return m_disconnect; }
    QPushButton *showConnectionsButton() const { return m_showConnections; }

    bool selectNode(const QString &id);
    QString selectedId() const;
    QMenu *contextMenuFor(const QString &id, QWidget *parent);

Q_SIGNALS:
    // The operator wants the connections tab showing the connections `node` holds.
    void showConnectionsRequested(const QString &node);

private:
    void updateSummary();

    AdminClient *m_client;
    AdminActions *m_actions;
    QLabel *m_summary;
    QPushButton *m_disconnect;
    QPushButton *m_showConnections;
    FilteredTable *m_table;
};

} // namespace switchboard
