#include "NodesPage.h"

#include "AdminActions.h"
#include "AdminClient.h"
#include "FilteredTable.h"
#include "Icons.h"
#include "NodeModel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace switchboard {

NodesPage::NodesPage(AdminClient *client, AdminActions *actions, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_actions(actions)
    , m_summary(new QLabel(this))
    , m_disconnect(new QPushButton(Icons::get(QStringLiteral("disconnect")), tr("&Disconnect a connection…"), this))
    , m_showConnections(new QPushButton(Icons::get(QStringLiteral("connections")), tr("&Show its connections"), this))
    , m_table(new FilteredTable(client->nodes(),
                                {QStringLiteral("nodes"), NodeModel::IdRole, NodeModel::SortRole, NodeModel::Id,
                                 Qt::AscendingOrder, tr("Filter by node, health, address…"), false},
                                nullptr, this))
{
    setObjectName(QStringLiteral("nodesPage"));
    m_summary->setObjectName(QStringLiteral("nodesSummary"));
    m_disconnect->setObjectName(QStringLiteral("disconnectOnNodeButton"));
    m_disconnect->setToolTip(tr("Close a connection held by the selected node, by its id"));
    m_showConnections->setObjectName(QStringLiteral("showNodeConnectionsButton"));
    m_showConnections->setToolTip(tr("The connections tab, showing only the connections the selected node holds"));

    QTableView *view = m_table->view();
    view->setColumnWidth(NodeModel::Id, 160);
    view->setColumnWidth(NodeModel::Health, 170);
    view->setColumnWidth(NodeModel::Listen, 220);
    view->setColumnWidth(NodeModel::Started, 160);
    m_table->countLabel()->hide(); // the summary says it
    m_table->topRow()->addWidget(m_showConnections);
    m_table->topRow()->addWidget(m_disconnect);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_table, 1);

    auto refresh = [this] {
        updateSummary();
        const QString id = selectedId();
        const int row = m_client->nodes()->rowOf(id);
        // Only a live node other than this one can be asked (this one's connections are on their own tab).
        m_disconnect->setEnabled(row >= 0 && m_client->nodes()->at(row).live && !m_client->nodes()->at(row).self);
        m_showConnections->setEnabled(row >= 0);
    };
    connect(m_table, &FilteredTable::currentChanged, this, refresh);
    connect(m_disconnect, &QPushButton::clicked, this, [this] {
        if (!selectedId().isEmpty()) m_actions->disconnectOnNode(selectedId());
    });
    connect(m_showConnections, &QPushButton::clicked, this, [this] {
        if (!selectedId().isEmpty()) Q_EMIT showConnectionsRequested(selectedId());
    });
    connect(view, &QAbstractItemView::doubleClicked, this, [this](const QModelIndex &index) {
        Q_EMIT showConnectionsRequested(index.data(NodeModel::IdRole).toString());
    });
    connect(m_table, &FilteredTable::menuRequested, this, [this](const QString &id, const QPoint &at) {
        QMenu *menu = contextMenuFor(id, this);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->popup(at);
    });
    refresh();
}

QTableView *NodesPage::view() const
{
    return m_table->view();
}

bool NodesPage::selectNode(const QString &id)
{
    return m_table->selectSourceRow(m_client->nodes()->rowOf(id));
}

QString NodesPage::selectedId() const
{
    return m_table->selectedId();
}

QMenu *NodesPage::contextMenuFor(const QString &id, QWidget *parent)
{
    auto *menu = new QMenu(parent);
    const int row = m_client->nodes()->rowOf(id);
    if (row < 0) return menu;
    const NodeInfo n = m_client->nodes()->at(row);
    QAction *disconnect = menu->addAction(Icons::get(QStringLiteral("disconnect")),
                                          tr("&Disconnect a connection on %1…").arg(id));
    disconnect->setObjectName(QStringLiteral("disconnectOnNodeAction"));
    disconnect->setEnabled(n.live && !n.self);
    connect(disconnect, &QAction::triggered, this, [this, id] { m_actions->disconnectOnNode(id); });
    QAction *show = menu->addAction(Icons::get(QStringLiteral("connections")),
                                    tr("&Show the connections of %1").arg(id));
    show->setObjectName(QStringLiteral("showNodeConnectionsAction"));
    connect(show, &QAction::triggered, this, [this, id] { Q_EMIT showConnectionsRequested(id); });
    return menu;
}

void NodesPage::updateSummary()
{
    const NodeModel *nodes = m_client->nodes();
    if (nodes->rowCount() == 0) {
        m_summary->setText(tr("This server is not in a cluster: it is the only node."));
        return;
    }
    qint64 connections = 0;
    for (const NodeInfo &n : nodes->nodes()) connections += n.live ? n.connections : 0;
    m_summary->setText(tr("%1 of %2 node(s) live, %3 connection(s) in all; this console is attached to %4.")
                           .arg(nodes->liveCount())
                           .arg(nodes->rowCount())
                           .arg(connections)
                           .arg(nodes->selfId()));
}

} // namespace switchboard
