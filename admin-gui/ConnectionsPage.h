#pragma once

#include <QWidget>

class QComboBox;
class QLineEdit;
class QMenu;
class QSortFilterProxyModel;
class QTableView;

namespace switchboard {

class AdminActions;
class AdminClient;
class DetailsPane;
class FilteredTable;
class NodeFilterProxy;

// The connections tab: a sortable, filterable table of live connections,
// a details pane for the selected one and the admin actions on its menu. In
// a cluster every node's connections, with a Node column and a node filter.
class ConnectionsPage : public QWidget
{
    Q_OBJECT
public:
    ConnectionsPage(AdminClient *client, AdminActions *actions, QWidget *parent = nullptr);

    QTableView *view() const;
    QSortFilterProxyModel *proxy() const;
    QLineEdit *filterEdit() const;
    DetailsPane *details() const;
    QComboBox *nodeFilter() const { return m_nodeFilter; }

    // Shows only the connections `node` holds ("" for every node).
    void showNode(const QString &node);
    bool selectConnection(const QString &id);
    QString selectedId() const;
    // The context menu for one connection; the caller owns it.
    QMenu *contextMenuFor(const QString &id, QWidget *parent);

private:
    void refreshDetails();
    void updateCount();
    void updateNodes();

    AdminClient *m_client;
    AdminActions *m_actions;
    NodeFilterProxy *m_proxy;
    FilteredTable *m_table;
    QComboBox *m_nodeFilter;
};

} // namespace switchboard
