#pragma once

#include "TrafficFilter.h"

#include <QTimer>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTableView;
class QToolButton;

namespace switchboard {

class AdminClient;
class TrafficFilterProxy;

// The live traffic tab: newest frames at the bottom, pause/resume,
// filters by dialect, channel, user and event (sent to the server so it
// does the filtering, and applied to the history here), a bounded history
// and export to a file.
class TrafficPage : public QWidget
{
    Q_OBJECT
public:
    explicit TrafficPage(AdminClient *client, QWidget *parent = nullptr);

    QTableView *view() const { return m_view; }
    TrafficFilterProxy *proxy() const { return m_proxy; }
    bool isPaused() const { return m_paused; }
    void setPaused(bool paused);

    // Filter controls, for the tests and the command line.
    void setDialectFilter(const QString &dialect); // empty = all
    void setChannelFilter(const QString &text);
    void setUserFilter(const QString &text);
    void setEventFilter(const QString &text);
    void setMaxRate(int perSecond);
    void setHistoryLimit(int events);
    TrafficFilter currentFilter() const;

    // Writes what the view shows (the filtered history) to fileName.
    bool exportTo(const QString &fileName, QString *error);
    void exportWithDialog();
    void clearHistory();

private:
    void filtersEdited();
    void pushFilter();
    void onTrafficArrived(int events, qint64 dropped);
    void updateStatus();
    void rememberDialects();

    AdminClient *m_client;
    QToolButton *m_pause;
    QComboBox *m_dialect;
    QLineEdit *m_channel;
    QLineEdit *m_user;
    QLineEdit *m_event;
    QSpinBox *m_history;
    QSpinBox *m_rate;
    QTableView *m_view;
    TrafficFilterProxy *m_proxy;
    QLabel *m_status;
    QTimer m_debounce;
    bool m_paused = false;
    qint64 m_received = 0;
};

} // namespace switchboard
