#include "ConnectionsPage.h"

#include "AdminActions.h"
#include "AdminClient.h"
#include "AdminFormat.h"
#include "ChannelModel.h"
#include "ConnectionModel.h"
#include "NodeModel.h"
#include "DetailsPane.h"
#include "FilteredTable.h"
#include "Icons.h"
#include "NodeFilterProxy.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QSignalBlocker>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace switchboard {

ConnectionsPage::ConnectionsPage(AdminClient *client, AdminActions *actions, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_actions(actions)
    , m_proxy(new NodeFilterProxy(ConnectionModel::NodeRole))
    , m_table(new FilteredTable(client->connections(),
                                {QStringLiteral("connections"), ConnectionModel::IdRole, ConnectionModel::SortRole,
                                 ConnectionModel::ConnectedSince, Qt::DescendingOrder,
                                 tr("Filter by user, dialect, address, id…"), true},
                                m_proxy, this))
    , m_nodeFilter(new QComboBox(this))
{
    setObjectName(QStringLiteral("connectionsPage"));
    QTableView *view = m_table->view();
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    view->setColumnHidden(ConnectionModel::UserAgent, true); // in the details pane
    view->setColumnWidth(ConnectionModel::Id, 110);
    view->setColumnWidth(ConnectionModel::ConnectedSince, 150);
    // The node column sits after the user; it and the node filter show only in a cluster.
    view->horizontalHeader()->moveSection(view->horizontalHeader()->visualIndex(ConnectionModel::Node),
                                          ConnectionModel::User + 1);
    m_nodeFilter->setObjectName(QStringLiteral("connectionsNodeFilter"));
    m_nodeFilter->setToolTip(tr("Show the connections of one node"));
    m_nodeFilter->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_table->topRow()->insertWidget(1, m_nodeFilter);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_table);

    connect(m_table, &FilteredTable::currentChanged, this, &ConnectionsPage::refreshDetails);
    connect(m_table, &FilteredTable::shownChanged, this, &ConnectionsPage::updateCount);
    connect(m_table, &FilteredTable::menuRequested, this, [this](const QString &id, const QPoint &at) {
        QMenu *menu = contextMenuFor(id, this);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->popup(at);
    });
    connect(m_nodeFilter, &QComboBox::currentIndexChanged, this,
            [this] { m_proxy->setNode(m_nodeFilter->currentData().toString()); });
    connect(client->nodes(), &QAbstractItemModel::modelReset, this, &ConnectionsPage::updateNodes);
    connect(client->nodes(), &QAbstractItemModel::rowsInserted, this, &ConnectionsPage::updateNodes);
    connect(client->nodes(), &QAbstractItemModel::rowsRemoved, this, &ConnectionsPage::updateNodes);
    updateNodes();
    refreshDetails();
    updateCount();
}

QTableView *ConnectionsPage::view() const
{
    return m_table->view();
}

QSortFilterProxyModel *ConnectionsPage::proxy() const
{
    return m_proxy;
}

QLineEdit *ConnectionsPage::filterEdit() const
{
    return m_table->filterEdit();
}

DetailsPane *ConnectionsPage::details() const
{
    return m_table->details();
}

void ConnectionsPage::updateNodes()
{
    const NodeModel *nodes = m_client->nodes();
    const bool cluster = nodes->rowCount() > 0;
    m_table->view()->setColumnHidden(ConnectionModel::Node, !cluster);
    m_nodeFilter->setVisible(cluster);
    const QString chosen = m_proxy->node();
    QStringList ids;
    for (const NodeInfo &n : nodes->nodes()) ids << n.id;
    ids.sort();
    // Keep the choice while its node is listed (a node that went stays listed a while).
    if (!chosen.isEmpty() && !ids.contains(chosen)) ids << chosen;
    const QSignalBlocker block(m_nodeFilter);
    m_nodeFilter->clear();
    m_nodeFilter->addItem(tr("All nodes"), QString());
    for (const QString &id : std::as_const(ids)) m_nodeFilter->addItem(id, id);
    m_nodeFilter->setCurrentIndex(qMax(0, m_nodeFilter->findData(chosen)));
}

void ConnectionsPage::showNode(const QString &node)
{
    if (!node.isEmpty() && m_nodeFilter->findData(node) < 0) m_nodeFilter->addItem(node, node);
    m_nodeFilter->setCurrentIndex(qMax(0, m_nodeFilter->findData(node)));
}

bool ConnectionsPage::selectConnection(const QString &id)
{
    return m_table->selectSourceRow(m_client->connections()->rowOf(id));
}

QString ConnectionsPage::selectedId() const
{
    return m_table->selectedId();
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
        details()->showPlaceholder(tr("Select a connection to see its details."));
        return;
    }
    const QLocale locale;
    QStringList channelNames;
    for (const QString &channelId : c.channels) {
        const ChannelInfo ch = m_client->channels()->channel(channelId);
        channelNames << (ch.isValid() ? QStringLiteral("#") + ch.name : channelId);
    }
    QList<DetailsPane::Field> fields{
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
        {tr("Bytes in / out"), AdminFormat::bytes(c.bytesIn) + QStringLiteral(" / ") + AdminFormat::bytes(c.bytesOut)},
        {tr("Send queue"), AdminFormat::bytes(c.sendQueueBytes)},
    };
    if (!c.node.isEmpty()) fields.insert(1, {tr("Node"), c.node});
    details()->setFields(c.userName.isEmpty() ? c.id : c.userName, fields);
}

void ConnectionsPage::updateCount()
{
    m_table->setCountText(tr("%n connection(s)", nullptr, m_client->connections()->rowCount()));
}

} // namespace switchboard
