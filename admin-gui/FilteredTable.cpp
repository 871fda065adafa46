#include "FilteredTable.h"

#include "DetailsPane.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace switchboard {

FilteredTable::FilteredTable(QAbstractItemModel *source, const Setup &setup, QSortFilterProxyModel *proxy,
                             QWidget *parent)
    : QWidget(parent)
    , m_source(source)
    , m_idRole(setup.idRole)
    , m_top(new QHBoxLayout)
    , m_count(new QLabel(this))
    , m_view(new QTableView(this))
    , m_proxy(proxy ? proxy : new QSortFilterProxyModel(this))
{
    m_proxy->setParent(this);
    m_proxy->setSourceModel(source);
    m_proxy->setSortRole(setup.sortRole);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setDynamicSortFilter(true);

    m_view->setObjectName(setup.name + QStringLiteral("View"));
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(setup.sortColumn, setup.sortOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setAlternatingRowColors(true);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->horizontalHeader()->setStretchLastSection(true);

    if (!setup.filterPlaceholder.isEmpty()) {
        m_filter = new QLineEdit(this);
        m_filter->setObjectName(setup.name + QStringLiteral("Filter"));
        m_filter->setPlaceholderText(setup.filterPlaceholder);
        m_filter->setClearButtonEnabled(true);
        m_top->addWidget(m_filter, 1);
        connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    }
    m_top->addWidget(m_count);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(m_top);
    if (setup.details) {
        m_details = new DetailsPane(this);
        auto *splitter = new QSplitter(this);
        splitter->addWidget(m_view);
        splitter->addWidget(m_details);
        splitter->setStretchFactor(0, 3);
        splitter->setStretchFactor(1, 1);
        splitter->setSizes({900, 340});
        layout->addWidget(splitter, 1);
    } else {
        layout->addWidget(m_view, 1);
    }

    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &FilteredTable::currentChanged);
    connect(source, &QAbstractItemModel::dataChanged, this, &FilteredTable::currentChanged);
    connect(source, &QAbstractItemModel::modelReset, this, &FilteredTable::currentChanged);
    connect(source, &QAbstractItemModel::rowsRemoved, this, &FilteredTable::currentChanged);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &FilteredTable::shownChanged);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &FilteredTable::shownChanged);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &FilteredTable::shownChanged);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &FilteredTable::shownChanged);
    connect(m_view, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        const QModelIndex index = m_view->indexAt(pos);
        if (index.isValid())
            Q_EMIT menuRequested(index.data(m_idRole).toString(), m_view->viewport()->mapToGlobal(pos));
    });
}

QString FilteredTable::selectedId() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.first().data(m_idRole).toString();
}

bool FilteredTable::selectSourceRow(int sourceRow)
{
    if (sourceRow < 0) return false;
    const QModelIndex index = m_proxy->mapFromSource(m_source->index(sourceRow, 0));
    if (!index.isValid()) return false;
    m_view->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_view->setCurrentIndex(index);
    m_view->scrollTo(index);
    return true;
}

void FilteredTable::setCountText(const QString &allShown)
{
    const int shown = m_proxy->rowCount();
    const int total = m_source->rowCount();
    m_count->setText(shown == total ? allShown : tr("%1 of %2 shown").arg(shown).arg(total));
}

} // namespace switchboard
