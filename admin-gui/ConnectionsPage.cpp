#include "ConnectionsPage.h"

#include "AdminActions.h"
#include "AdminClient.h"
#include "AdminFormat.h"
#include "ChannelModel.h"
#include "ConnectionModel.h"
#include "NodeModel.h"
#include "DetailsPane.h"
#include "Icons.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace switchboard {

ConnectionsPage::ConnectionsPage(AdminClient *client, AdminActions *actions, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_actions(actions)
    , m_filter(new QLineEdit(this))
    , m_count(new QLabel(this))
    , m_view(new QTableView(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_details(new DetailsPane(this))
{
    setObjectName(QStringLiteral("connectionsPage"));
    m_filter->setObjectName(QStringLiteral("connectionsFilter"));
    m_filter->setPlaceholderText(tr("Filter by user, dialect, address, id…"));
    m_filter->setClearButtonEnabled(true);

    m_proxy->setSourceModel(client->connections());
    m_proxy->setSortRole(ConnectionModel::SortRole);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setDynamicSortFilter(true);

    m_view->setObjectName(QStringLiteral("connectionsView"));
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(ConnectionModel::ConnectedSince, Qt::DescendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setAlternatingRowColors(true);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_view->setColumnHidden(ConnectionModel::UserAgent, true); // in the details pane
    m_view->setColumnWidth(ConnectionModel::Id, 110);
    m_view->setColumnWidth(ConnectionModel::ConnectedSince, 150);

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
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ConnectionsPage::refreshDetails);
    connect(client->connections(), &QAbstractItemModel::dataChanged, this, &ConnectionsPage::refreshDetails);
    connect(client->connections(), &QAbstractItemModel::modelReset, this, &ConnectionsPage::refreshDetails);
    connect(client->connections(), &QAbstractItemModel::rowsRemoved, this, &ConnectionsPage::refreshDetails);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &ConnectionsPage::updateCount);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &ConnectionsPage::updateCount);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &ConnectionsPage::updateCount);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &ConnectionsPage::updateCount);
    connect(m_view, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        const QModelIndex index = m_view->indexAt(pos);
        if (!index.isValid()) return;
        QMenu *menu = contextMenuFor(index.data(ConnectionModel::IdRole).toString(), this);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->popup(m_view->viewport()->mapToGlobal(pos));
    });
    refreshDetails();
    updateCount();
}

bool ConnectionsPage::selectConnection(const QString &id)
{
    const int row = m_client->connections()->rowOf(id);
    if (row < 0) return false;
    const QModelIndex index = m_proxy->mapFromSource(m_client->connections()->index(row, 0));
    if (!index.isValid()) return false;
    m_view->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_view->setCurrentIndex(index);
    m_view->scrollTo(index);
    return true;
}

QString ConnectionsPage::selectedId() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.first().data(ConnectionModel::IdRole).toString();
}

QMenu *ConnectionsPage::contextMenuFor(const QString &id, QWidget *parent)
{
    auto *menu = new QMenu(parent);
    const ConnectionInfo c = m_client->connections()->connection(id);
    if (!c.isValid()) return menu;
    const QString who = c.userName.isEmpty() ? c.userId : c.userName;

    QAction *disconnect = menu->addAction(Icons::get(QStringLiteral("disconnect")), tr("&Disconnect…"));
    disconnect->setObjectName(QStringLiteral("disconnectAction"));
    connect(disconnect, &QAction::triggered, this, [this, id] {
        const ConnectionInfo current = m_client->connections()->connection(id);
        if (current.isValid()) m_actions->disconnectConnection(current);
    });

    QMenu *remove = menu->addMenu(Icons::get(QStringLiteral("remove-user")), tr("&Remove %1 from").arg(who));
    remove->setObjectName(QStringLiteral("removeFromMenu"));
    remove->setEnabled(!c.channels.isEmpty() && !c.userId.isEmpty());
    for (const QString &channelId : c.channels) {
        const ChannelInfo ch = m_client->channels()->channel(channelId);
        const QString name = ch.isValid() ? ch.name : channelId;
        QAction *a = remove->addAction(QStringLiteral("#") + name);
        a->setObjectName(QStringLiteral("removeFrom:") + channelId);
        connect(a, &QAction::triggered, this,
                [this, c, channelId, name] { m_actions->removeFromChannel(c.userId, c.userName, channelId, name); });
    }

    if (m_client->nodes()->rowCount() > 0) {
        QAction *everywhere = menu->addAction(Icons::get(QStringLiteral("disconnect")),
                                              tr("Disconnect %1 on &every node…").arg(who));
        everywhere->setObjectName(QStringLiteral("disconnectUserEverywhereAction"));
        everywhere->setEnabled(!c.userId.isEmpty());
        connect(everywhere, &QAction::triggered, this,
                [this, c] { m_actions->disconnectUserEverywhere(c.userId, c.userName); });
    }

    QAction *disable = menu->addAction(Icons::get(QStringLiteral("disable-user")), tr("D&isable user %1…").arg(who));
    disable->setObjectName(QStringLiteral("disableUserAction"));
    disable->setEnabled(!c.userId.isEmpty());
    connect(disable, &QAction::triggered, this, [this, c] { m_actions->disableUser(c.userId, c.userName); });

    menu->addSeparator();
    QAction *broadcast = menu->addAction(Icons::get(QStringLiteral("broadcast")), tr("&Broadcast system message…"));
    broadcast->setObjectName(QStringLiteral("broadcastAction"));
    connect(broadcast, &QAction::triggered, this, [this] { m_actions->broadcastSystemMessage(); });
    return menu;
}

void ConnectionsPage::refreshDetails()
{
    const QString id = selectedId();
    const ConnectionInfo c = m_client->connections()->connection(id);
    if (!c.isValid()) {
        m_details->showPlaceholder(tr("Select a connection to see its details."));
        return;
    }
    const QLocale locale;
    QStringList channelNames;
    for (const QString &channelId : c.channels) {
        const ChannelInfo ch = m_client->channels()->channel(channelId);
        channelNames << (ch.isValid() ? QStringLiteral("#") + ch.name : channelId);
    }
    m_details->setFields(c.userName.isEmpty() ? c.id : c.userName,
                         {
                             {tr("Connection"), c.id},
                             {tr("User id"), c.userId},
                             {tr("Dialect"), c.dialect},
                             {tr("Transport"), c.transport},
                             {tr("Remote address"), c.remoteAddress},
                             {tr("User agent"), c.userAgent},
                             {tr("Connected since"), AdminFormat::dateTime(c.connectedAt)},
                             {tr("Channels"), channelNames.join(QStringLiteral(", "))},
                             {tr("Messages in / out"),
                              locale.toString(c.messagesIn) + QStringLiteral(" / ") + locale.toString(c.messagesOut)},
                             {tr("Bytes in / out"),
                              AdminFormat::bytes(c.bytesIn) + QStringLiteral(" / ") + AdminFormat::bytes(c.bytesOut)},
                             {tr("Send queue"), AdminFormat::bytes(c.sendQueueBytes)},
                         });
}

void ConnectionsPage::updateCount()
{
    const int shown = m_proxy->rowCount();
    const int total = m_client->connections()->rowCount();
    m_count->setText(shown == total ? tr("%n connection(s)", nullptr, total)
                                    : tr("%1 of %2 shown").arg(shown).arg(total));
}

} // namespace switchboard
