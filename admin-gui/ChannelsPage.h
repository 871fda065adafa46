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

// The channels tab: every channel with membership and activity, a details
// pane listing who is online in it, and the channel-level admin actions.
class ChannelsPage : public QWidget
{
    Q_OBJECT
public:
    ChannelsPage(AdminClient *client, AdminActions *actions, QWidget *parent = nullptr);

    QTableView *view() const { return m_view; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }
    QLineEdit *filterEdit() const { return m_filter; }
    DetailsPane *details() const { return m_details; }

    bool selectChannel(const QString &id);
    QString selectedId() const;
    QMenu *contextMenuFor(const QString &id, QWidget *parent);

private:
    void refreshDetails();
    void updateCount();
    // Users with a live connection in the channel: id -> name.
    QList<QPair<QString, QString>> onlineUsers(const QString &channelId) const;

    AdminClient *m_client;
    AdminActions *m_actions;
    QLineEdit *m_filter;
    QLabel *m_count;
    QTableView *m_view;
    QSortFilterProxyModel *m_proxy;
    DetailsPane *m_details;
};

} // namespace switchboard
