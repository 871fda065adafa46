#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QMenu;
class QSortFilterProxyModel;
class QTableView;

namespace switchboard {

class AdminActions;
class AdminClient;
class DetailsPane;

// The connections tab: a sortable, filterable table of live connections,
// a details pane for the selected one and the admin actions on its menu.
class ConnectionsPage : public QWidget
{
    Q_OBJECT
public:
    ConnectionsPage(AdminClient *client, AdminActions *actions, QWidget *parent = nullptr);

    QTableView *view() const { return m_view; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }
    QLineEdit *filterEdit() const { return m_filter; }
    DetailsPane *details() const { return m_details; }

    bool selectConnection(const QString &id);
    QString selectedId() const;
    // The context menu for one connection; the caller owns it.
    QMenu *contextMenuFor(const QString &id, QWidget *parent);

private:
    void refreshDetails();
    void updateCount();

    AdminClient *m_client;
    AdminActions *m_actions;
    QLineEdit *m_filter;
    QLabel *m_count;
    QTableView *m_view;
    QSortFilterProxyModel *m_proxy;
    DetailsPane *m_details;
};

} // namespace switchboard
