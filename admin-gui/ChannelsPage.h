#pragma once

#include <QWidget>

class QLineEdit;
class QMenu;
class QSortFilterProxyModel;
class QTableView;

namespace switchboard {

class AdminActions;
class AdminClient;
class DetailsPane;
class FilteredTable;

// The channels tab: every channel with membership and activity, a details
// pane listing who is online in it, and the channel-level admin actions.
class ChannelsPage : public QWidget
{
    Q_OBJECT
public:
    ChannelsPage(AdminClient *client, AdminActions *actions, QWidget *parent = nullptr);

    QTableView *view() const;
    QSortFilterProxyModel *proxy() const;
    QLineEdit *filterEdit() const;
    DetailsPane *details() const;

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
    FilteredTable *m_table;
};

} // namespace switchboard
