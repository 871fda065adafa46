#include "ScreenshotTaker.h"

#include "ChannelModel.h"
#include "ChannelsPage.h"
#include "ConnectionModel.h"
#include "ConnectionsPage.h"
#include "MainWindow.h"
#include "NodeModel.h"

#include <QDir>
#include <QPixmap>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QItemSelectionModel>
#include <cstdio>

namespace switchboard {

ScreenshotTaker::ScreenshotTaker(MainWindow *window, const QString &directory, int delayMs, QObject *parent)
    : QObject(parent)
    , m_window(window)
    , m_directory(directory)
{
    QDir().mkpath(directory);
    QTimer::singleShot(delayMs, this, &ScreenshotTaker::next);
}

QStringList ScreenshotTaker::tabNames()
{
    return {QStringLiteral("overview"), QStringLiteral("connections"), QStringLiteral("channels"),
            QStringLiteral("traffic"), QStringLiteral("nodes")};
}

void ScreenshotTaker::next()
{
    if (m_index > 0) {
        // The previous tab has had its time to paint: save it.
        const QString file = QDir(m_directory).filePath(tabNames().at(m_index - 1) + QStringLiteral(".png"));
        const bool saved = m_window->grab().save(file);
        std::fprintf(stderr, "%s %s\n", saved ? "saved" : "FAILED", qPrintable(file));
        m_ok = m_ok && saved;
    }
    // The Nodes tab of a single server says only that: no picture of it.
    if (m_index == tabNames().indexOf(QStringLiteral("nodes")) && m_window->client()->nodes()->rowCount() == 0)
        m_index = int(tabNames().size());
    if (m_index >= tabNames().size()) {
        Q_EMIT finished(m_ok);
        return;
    }
    m_window->tabs()->setCurrentIndex(m_index);
    QTableView *view = nullptr;
    if (m_index == 1)
        view = m_window->connectionsPage()->view();
    else if (m_index == 2)
        view = m_window->channelsPage()->view();
    if (view && view->model()->rowCount() > 0 && !view->selectionModel()->hasSelection()) {
        // Show the busiest row: its details say the most.
        const int column = m_index == 1 ? int(ConnectionModel::MessagesOut) : int(ChannelModel::MessagesPerMinute);
        int best = 0;
        for (int r = 1; r < view->model()->rowCount(); ++r) {
            if (view->model()->index(r, column).data(ConnectionModel::SortRole).toDouble()
                > view->model()->index(best, column).data(ConnectionModel::SortRole).toDouble())
                best = r;
        }
        view->selectRow(best);
    }
    ++m_index;
    QTimer::singleShot(700, this, &ScreenshotTaker::next);
}

} // namespace switchboard
