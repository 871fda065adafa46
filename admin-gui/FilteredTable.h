#pragma once

#include <QWidget>

class QAbstractItemModel;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QModelIndex;
class QSortFilterProxyModel;
class QTableView;

namespace switchboard {

class DetailsPane;

// What the table tabs (connections, channels, nodes) have in common: a top
// row with a filter box and a count, a sortable single-row-selection table
// on a filter proxy, and a details pane beside it. It tells the page when the
// selected row may show something new and when a row's menu is wanted; the
// page fills the details, the count and the menu.
class FilteredTable : public QWidget
{
    Q_OBJECT
public:
    struct Setup
    {
        QString name;     // object names: <name>View, <name>Filter
        int idRole = 0;   // the role holding a row's id
        int sortRole = 0; // raw values: numbers sort as numbers
        int sortColumn = 0;
        Qt::SortOrder sortOrder = Qt::AscendingOrder;
        QString filterPlaceholder; // empty: no filter box
        bool details = true;
    };

    // Takes `proxy` (a plain QSortFilterProxyModel when null) as its child.
    FilteredTable(QAbstractItemModel *source, const Setup &setup, QSortFilterProxyModel *proxy = nullptr,
                  QWidget *parent = nullptr);

    QTableView *view() const { return m_view; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }
    QLineEdit *filterEdit() const { return m_filter; } // null without a filter box
    DetailsPane *details() const { return m_details; } // null without details
    QLabel *countLabel() const { return m_count; }
    // The top row, for a page's own widgets (after the filter, before the count).
    QHBoxLayout *topRow() const { return m_top; }

    QString selectedId() const;
    // Selects the row of `sourceRow` if the filter shows it.
    bool selectSourceRow(int sourceRow);
    // "12 connection(s)" when all are shown, "3 of 12 shown" otherwise.
    void setCountText(const QString &allShown);

Q_SIGNALS:
    // The selection changed, or the selected row's data may have.
    void currentChanged();
    // Rows came, went or were filtered: the count may be stale.
    void shownChanged();
    void menuRequested(const QString &id, const QPoint &globalPos);

private:
    QAbstractItemModel *m_source;
    int m_idRole;
    QHBoxLayout *m_top;
    QLineEdit *m_filter = nullptr;
    QLabel *m_count;
    QTableView *m_view;
    QSortFilterProxyModel *m_proxy;
    DetailsPane *m_details = nullptr;
};

} // namespace switchboard
