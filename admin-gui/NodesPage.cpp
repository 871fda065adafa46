#include "NodesPage.h"

#include "AdminActions.h"
#include "AdminClient.h"
#include "Icons.h"
#include "NodeModel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace switchboard {

NodesPage::NodesPage(AdminClient *client, AdminActions *actions, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_actions(actions)
    , m_summary(new QLabel(this))
    , m_disconnect(new QPushButton(Icons::get(QStringLiteral("disconnect")), tr("&Disconnect a connection…"), this))
    , m_view(new QTableView(this))
    , m_proxy(new QSortFilterProxyModel(this))
{
    setObjectName(QStringLiteral("nodesPage"));
    m_summary->setObjectName(QStringLiteral("nodesSummary"));
    m_disconnect->setObjectName(QStringLiteral("disconnectOnNodeButton"));
    m_disconnect->setToolTip(tr("Close a connection held by the selected node, by its id"));

    m_proxy->setSourceModel(client->nodes());
    m_proxy->setSortRole(NodeModel::SortRole);
    m_proxy->setDynamicSortFilter(true);

    m_view->setObjectName(QStringLiteral("nodesView"));
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(NodeModel::Id, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setAlternatingRowColors(true);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setColumnWidth(NodeModel::Id, 160);
    m_view->setColumnWidth(NodeModel::Health, 170);
    m_view->setColumnWidth(NodeModel::Listen, 220);
    m_view->setColumnWidth(NodeModel::Started, 160);

    auto *top = new QHBoxLayout;
    top->addWidget(m_summary, 1);
    top->addWidget(m_disconnect);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_view, 1);

    auto refresh = [this] {
        updateSummary();
        const QString id = selectedId();
        const int row = m_client->nodes()->rowOf(id);
        // Only a live node other than this one can be asked (this one's connections are on their own tab).
        m_disconnect->setEnabled(row >= 0 && m_client->nodes()->at(row).live && !m_client->nodes()->at(row).self);
    };
    connect(client->nodes(), &QAbstractItemModel::modelReset, this, refresh);
    connect(client->nodes(), &QAbstractItemModel::dataChanged, this, refresh);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, refresh);
    connect(m_disconnect, &QPushButton::clicked, this, [this] {
        if (!selectedId().isEmpty()) m_actions->disconnectOnNode(selectedId());
    });
    connect(m_view, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        const QModelIndex index = m_view->indexAt(pos);
        if (!index.isValid()) return;
        QMenu *menu = contextMenuFor(index.data(NodeModel::IdRole).toString(), this);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->popup(m_view->viewport()->mapToGlobal(pos));
    });
    refresh();
}

bool NodesPage::selectNode(const QString &id)
{
    const int row = m_client->nodes()->rowOf(id);
    if (row < 0) return false;
    const QModelIndex index = m_proxy->mapFromSource(m_client->nodes()->index(row, 0));
    m_view->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_view->setCurrentIndex(index);
    return true;
}

QString NodesPage::selectedId() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.first().data(NodeModel::IdRole).toString();
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
