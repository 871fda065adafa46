#include "ChannelsPage.h"

#include "AdminActions.h"
#include "AdminClient.h"
#include "AdminFormat.h"
#include "ChannelModel.h"
#include "ConnectionModel.h"
#include "DetailsPane.h"
#include "Icons.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QSet>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace switchboard {

ChannelsPage::ChannelsPage(AdminClient *client, AdminActions *actions, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_actions(actions)
    , m_filter(new QLineEdit(this))
    , m_count(new QLabel(this))
    , m_view(new QTableView(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_details(new DetailsPane(this))
{
    setObjectName(QStringLiteral("channelsPage"));
    m_filter->setObjectName(QStringLiteral("channelsFilter"));
    m_filter->setPlaceholderText(tr("Filter by name, workspace, type, id…"));
    m_filter->setClearButtonEnabled(true);

    m_proxy->setSourceModel(client->channels());
    m_proxy->setSortRole(ChannelModel::SortRole);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setDynamicSortFilter(true);

    m_view->setObjectName(QStringLiteral("channelsView"));
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(ChannelModel::MessagesPerMinute, Qt::DescendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setAlternatingRowColors(true);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setColumnWidth(ChannelModel::Name, 160);
    m_view->setColumnWidth(ChannelModel::LastActivity, 150);

    auto *top = new QHBoxLayout;
    top->addWidget(m_filter, 1);
    top->addWidget(m_count);
    auto *splitter = new QSplitter(this);
    splitter->addWidget(m_view);
    splitter->addWidget(m_details);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({900, 340});
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(splitter, 1);

    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ChannelsPage::refreshDetails);
    connect(client->channels(), &QAbstractItemModel::dataChanged, this, &ChannelsPage::refreshDetails);
    connect(client->channels(), &QAbstractItemModel::modelReset, this, &ChannelsPage::refreshDetails);
    connect(client->channels(), &QAbstractItemModel::rowsRemoved, this, &ChannelsPage::refreshDetails);
    connect(client->connections(), &QAbstractItemModel::dataChanged, this, &ChannelsPage::refreshDetails);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &ChannelsPage::updateCount);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &ChannelsPage::updateCount);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &ChannelsPage::updateCount);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &ChannelsPage::updateCount);
    connect(m_view, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        const QModelIndex index = m_view->indexAt(pos);
        if (!index.isValid()) return;
        QMenu *menu = contextMenuFor(index.data(ChannelModel::IdRole).toString(), this);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->popup(m_view->viewport()->mapToGlobal(pos));
    });
    refreshDetails();
    updateCount();
}

bool ChannelsPage::selectChannel(const QString &id)
{
    const int row = m_client->channels()->rowOf(id);
    if (row < 0) return false;
    const QModelIndex index = m_proxy->mapFromSource(m_client->channels()->index(row, 0));
    if (!index.isValid()) return false;
    m_view->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_view->setCurrentIndex(index);
    return true;
}

QString ChannelsPage::selectedId() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.first().data(ChannelModel::IdRole).toString();
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
        m_details->showPlaceholder(tr("Select a channel to see its details."));
        return;
    }
    const QLocale locale;
    QStringList online;
    for (const auto &user : onlineUsers(ch.id)) online << user.second;
    m_details->setFields(QStringLiteral("#") + ch.name,
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
    const int shown = m_proxy->rowCount();
    const int total = m_client->channels()->rowCount();
    m_count->setText(shown == total ? tr("%n channel(s)", nullptr, total) : tr("%1 of %2 shown").arg(shown).arg(total));
}

} // namespace switchboard
