#pragma once

#include <QWidget>

class QLabel;
class QMenu;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace switchboard {

class AdminActions;
class AdminClient;

// The nodes tab: every node of the cluster with its health, listen address,
// start time and connection count, the one this console is attached to
// marked; actions on connections another node holds. A single server (no
// cluster) shows a line saying so.
class NodesPage : public QWidget
{
    Q_OBJECT
public:
    NodesPage(AdminClient *client, AdminActions *actions, QWidget *parent = nullptr);

    QTableView *view() const { return m_view; }
    QLabel *summary() const { return m_summary; }
    QPushButton *disconnectButton() const { return m_disconnect; }

    bool selectNode(const QString &id);
    QString selectedId() const;
    QMenu *contextMenuFor(const QString &id, QWidget *parent);

private:
    void updateSummary();

    AdminClient *m_client;
    AdminActions *m_actions;
    QLabel *m_summary;
    QPushButton *m_disconnect;
    QTableView *m_view;
    QSortFilterProxyModel *m_proxy;
};

} // namespace switchboard
