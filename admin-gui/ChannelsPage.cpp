#include "ChannelsPage.h"

#include "AdminActions.h"
#include "AdminClient.h"
#include "AdminFormat.h"
#include "ChannelModel.h"
#include "ConnectionModel.h"
#include "DetailsPane.h"
#include "FilteredTable.h"
#include "Icons.h"

#include <QLocale>
#include <QMenu>
#include <QSet>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace switchboard {

ChannelsPage::ChannelsPage(AdminClient *client, AdminActions *actions, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_actions(actions)
    , m_table(new FilteredTable(client->channels(),
                                {QStringLiteral("channels"), ChannelModel::IdRole, ChannelModel::SortRole,
                                 ChannelModel::MessagesPerMinute, Qt::DescendingOrder,
                                 tr("Filter by name, workspace, type, id…"), true},
                                nullptr, this))
{
    setObjectName(QStringLiteral("channelsPage"));
    m_table->view()->setColumnWidth(ChannelModel::Name, 160);
    m_table->view()->setColumnWidth(ChannelModel::LastActivity, 150);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_table);

    connect(m_table, &FilteredTable::currentChanged, this, &ChannelsPage::refreshDetails);
    // Who is online in the channel comes from the connections.
    connect(client->connections(), &QAbstractItemModel::dataChanged, this, &ChannelsPage::refreshDetails);
    connect(m_table, &FilteredTable::shownChanged, this, &ChannelsPage::updateCount);
    connect(m_table, &FilteredTable::menuRequested, this, [this](const QString &id, const QPoint &at) {
        QMenu *menu = contextMenuFor(id, this);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->popup(at);
    });
    refreshDetails();
    updateCount();
}

QTableView *ChannelsPage::view() const
{
    return m_table->view();
}

QSortFilterProxyModel *ChannelsPage::proxy() const
{
    return m_table->proxy();
}

QLineEdit *ChannelsPage::filterEdit() const
{
    return m_table->filterEdit();
}

DetailsPane *ChannelsPage::details() const
{
    return m_table->details();
}

bool ChannelsPage::selectChannel(const QString &id)
{
    return m_table->selectSourceRow(m_client->channels()->rowOf(id));
}

QString ChannelsPage::selectedId() const
{
    return m_table->selectedId();
}

QList<QPair<QString, QString>> ChannelsPage::onlineUsers(const QString &channelId) const
{
    QList<QPair<QString, QString>> out;
    QSet<QString> seen;
    for (const ConnectionInfo &c : m_client->connections()->connections()) {
        if (c.userId.isEmpty() || seen.contains(c.userId) || !c.channels.contains(channelId)) continue;
        seen.insert(c.userId);
        out.append({c.userId, c.userName.isEmpty() ? c.userId : c.userName});
    }
    std::sort(out.begin(), out.end(),
              [](const auto &a, const auto &b) { return a.second.localeAwareCompare(b.second) < 0; });
    return out;
}

QMenu *ChannelsPage::contextMenuFor(const QString &id, QWidget *parent)
{
    auto *menu = new QMenu(parent);
    const ChannelInfo ch = m_client->channels()->channel(id);
    if (!ch.isValid()) return menu;

    QAction *message = menu->addAction(Icons::get(QStringLiteral("message")),
                                       tr("&Send system message to #%1…").arg(ch.name));
    message->setObjectName(QStringLiteral("systemMessageAction"));
    connect(message, &QAction::triggered, this, [this, ch] { m_actions->sendSystemMessage(ch.id, ch.name); });

    QMenu *remove = menu->addMenu(Icons::get(QStringLiteral("remove-user")), tr("&Remove user from #%1").arg(ch.name));
    remove->setObjectName(QStringLiteral("removeUserMenu"));
    for (const auto &user : onlineUsers(id)) {
        QAction *a = remove->addAction(user.second);
        a->setObjectName(QStringLiteral("removeUser:") + user.first);
        connect(a, &QAction::triggered, this,
                [this, user, ch] { m_actions->removeFromChannel(user.first, user.second, ch.id, ch.name); });
    }
    if (!remove->isEmpty()) remove->addSeparator();
    QAction *other = remove->addAction(tr("Other user by id…"));
    other->setObjectName(QStringLiteral("removeOtherUser"));
    connect(other, &QAction::triggered, this, [this, ch] { m_actions->removeSomeoneFromChannel(ch.id, ch.name); });

    menu->addSeparator();
    QAction *broadcast = menu->addAction(Icons::get(QStringLiteral("broadcast")), tr("&Broadcast system message…"));
    broadcast->setObjectName(QStringLiteral("broadcastAction"));
    connect(broadcast, &QAction::triggered, this, [this] { m_actions->broadcastSystemMessage(); });
    return menu;
}

void ChannelsPage::refreshDetails()
{
    const ChannelInfo ch = m_client->channels()->channel(selectedId());
    if (!ch.isValid()) {
        details()->showPlaceholder(tr("Select a channel to see its details."));
        return;
    }
    const QLocale locale;
    QStringList online;
    for (const auto &user : onlineUsers(ch.id)) online << user.second;
    details()->setFields(QStringLiteral("#") + ch.name,
                         {
                             {tr("Channel id"), ch.id},
                             {tr("Workspace"), ch.workspaceName.isEmpty() ? ch.workspaceId
                                                                          : ch.workspaceName + QStringLiteral(" (")
                                                                                + ch.workspaceId + QLatin1Char(')')},
                             {tr("Type"), ch.type},
                             {tr("Members"), locale.toString(ch.members)},
                             {tr("Online members"), locale.toString(ch.onlineMembers)},
                             {tr("Online here"), online.join(QStringLiteral(", "))},
                             {tr("Messages per minute"), locale.toString(ch.messagesPerMinute, 'f', 1)},
                             {tr("Last activity"),
                              ch.lastActivity ? AdminFormat::dateTime(ch.lastActivity) : tr("never")},
                         });
}

void ChannelsPage::updateCount()
{
    m_table->setCountText(tr("%n channel(s)", nullptr, m_client->channels()->rowCount()));
}

} // namespace switchboard
