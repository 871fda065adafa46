#include "TrafficPage.h"

#include "AdminClient.h"
#include "ConnectionModel.h"
#include "Icons.h"
#include "TrafficExporter.h"
#include "TrafficFilterProxy.h"
#include "TrafficModel.h"

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QScrollBar>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace switchboard {

namespace {
// The dialect names the server uses (server/dialects); more are added as seen.
const char *knownDialects[] = {"phoenix", "socketio", "socketio-chat", "workspacejson", "flatjson"};
}

TrafficPage::TrafficPage(AdminClient *client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_pause(new QToolButton(this))
    , m_dialect(new QComboBox(this))
    , m_channel(new QLineEdit(this))
    , m_user(new QLineEdit(this))
    , m_event(new QLineEdit(this))
    , m_history(new QSpinBox(this))
    , m_rate(new QSpinBox(this))
    , m_view(new QTableView(this))
    , m_proxy(new TrafficFilterProxy(this))
    , m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("trafficPage"));
    m_pause->setObjectName(QStringLiteral("pauseButton"));
    m_pause->setCheckable(true);
    m_pause->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_dialect->setObjectName(QStringLiteral("dialectFilter"));
    m_dialect->addItem(tr("All dialects"), QString());
    for (const char *d : knownDialects) m_dialect->addItem(QLatin1String(d), QLatin1String(d));
    m_channel->setObjectName(QStringLiteral("channelFilter"));
    m_channel->setPlaceholderText(tr("Channel"));
    m_channel->setClearButtonEnabled(true);
    m_user->setObjectName(QStringLiteral("userFilter"));
    m_user->setPlaceholderText(tr("User"));
    m_user->setClearButtonEnabled(true);
    m_event->setObjectName(QStringLiteral("eventFilter"));
    m_event->setPlaceholderText(tr("Event"));
    m_event->setClearButtonEnabled(true);
    m_history->setObjectName(QStringLiteral("historyLimit"));
    m_history->setRange(100, TrafficModel::MaxCapacity);
    m_history->setSingleStep(1000);
    m_history->setValue(client->traffic()->capacity());
    m_history->setSuffix(tr(" events"));
    m_history->setToolTip(tr("How many events the history keeps; the oldest go first."));
    m_rate->setObjectName(QStringLiteral("maxRate"));
    m_rate->setRange(1, TrafficFilter::MaxRateLimit);
    m_rate->setValue(TrafficFilter::DefaultMaxRate);
    m_rate->setSuffix(tr(" /s"));
    m_rate->setToolTip(
        tr("The most events per second the server sends this console; the rest are counted as dropped."));

    auto *clear = new QToolButton(this);
    clear->setObjectName(QStringLiteral("clearButton"));
    clear->setIcon(Icons::get(QStringLiteral("clear")));
    clear->setToolTip(tr("Clear the history"));
    auto *exportButton = new QToolButton(this);
    exportButton->setObjectName(QStringLiteral("exportButton"));
    exportButton->setIcon(Icons::get(QStringLiteral("export")));
    exportButton->setText(tr("Export…"));
    exportButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);

    m_proxy->setSourceModel(client->traffic());
    m_view->setObjectName(QStringLiteral("trafficView"));
    m_view->setModel(m_proxy);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 4);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setColumnWidth(TrafficModel::Time, 100);
    m_view->setColumnWidth(TrafficModel::Connection, 110);
    m_view->setColumnWidth(TrafficModel::Direction, 40);
    m_view->setColumnWidth(TrafficModel::Event, 130);
    m_view->setColumnWidth(TrafficModel::Size, 60);

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_pause);
    bar->addWidget(m_dialect);
    bar->addWidget(m_channel);
    bar->addWidget(m_user);
    bar->addWidget(m_event);
    bar->addWidget(new QLabel(tr("Rate cap:"), this));
    bar->addWidget(m_rate);
    bar->addWidget(new QLabel(tr("History:"), this));
    bar->addWidget(m_history);
    bar->addWidget(clear);
    bar->addWidget(exportButton);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_status);

    // Typing in a filter field should not send a command per keystroke.
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(300);
    connect(&m_debounce, &QTimer::timeout, this, &TrafficPage::pushFilter);

    connect(m_pause, &QToolButton::toggled, this, &TrafficPage::setPaused);
    connect(m_dialect, qOverload<int>(&QComboBox::currentIndexChanged), this, &TrafficPage::filtersEdited);
    connect(m_channel, &QLineEdit::textChanged, this, &TrafficPage::filtersEdited);
    connect(m_user, &QLineEdit::textChanged, this, &TrafficPage::filtersEdited);
    connect(m_event, &QLineEdit::textChanged, this, &TrafficPage::filtersEdited);
    connect(m_rate, qOverload<int>(&QSpinBox::valueChanged), this, &TrafficPage::filtersEdited);
    connect(m_history, qOverload<int>(&QSpinBox::valueChanged), client->traffic(), &TrafficModel::setCapacity);
    connect(clear, &QToolButton::clicked, this, &TrafficPage::clearHistory);
    connect(exportButton, &QToolButton::clicked, this, &TrafficPage::exportWithDialog);
    connect(client, &AdminClient::trafficArrived, this, &TrafficPage::onTrafficArrived);
    connect(client, &AdminClient::snapshotApplied, this, &TrafficPage::rememberDialects);
    connect(client, &AdminClient::statsUpdated, this, &TrafficPage::rememberDialects);
    setPaused(false);
}

void TrafficPage::setPaused(bool paused)
{
    m_paused = paused;
    {
        const QSignalBlocker block(m_pause);
        m_pause->setChecked(paused);
    }
    m_pause->setIcon(Icons::get(paused ? QStringLiteral("resume") : QStringLiteral("pause")));
    m_pause->setText(paused ? tr("Resume") : tr("Pause"));
    // Paused means the server stops sending: watching costs nothing then.
    pushFilter();
    updateStatus();
}

void TrafficPage::setDialectFilter(const QString &dialect)
{
    int i = m_dialect->findData(dialect);
    if (i < 0) {
        m_dialect->addItem(dialect, dialect);
        i = m_dialect->count() - 1;
    }
    m_dialect->setCurrentIndex(i);
}

void TrafficPage::setChannelFilter(const QString &text)
{
    m_channel->setText(text);
}
void TrafficPage::setUserFilter(const QString &text)
{
    m_user->setText(text);
}
void TrafficPage::setEventFilter(const QString &text)
{
    m_event->setText(text);
}
void TrafficPage::setMaxRate(int perSecond)
{
    m_rate->setValue(perSecond);
}
void TrafficPage::setHistoryLimit(int events)
{
    m_history->setValue(events);
}

TrafficFilter TrafficPage::currentFilter() const
{
    TrafficFilter f;
    f.enabled = !m_paused;
    const QString dialect = m_dialect->currentData().toString();
    if (!dialect.isEmpty()) f.dialects = {dialect};
    f.channel = m_channel->text().trimmed();
    f.user = m_user->text().trimmed();
    f.event = m_event->text().trimmed();
    f.maxRate = m_rate->value();
    return f;
}

void TrafficPage::filtersEdited()
{
    m_proxy->setFilter(currentFilter());
    m_debounce.start();
    updateStatus();
}

void TrafficPage::pushFilter()
{
    m_debounce.stop();
    m_proxy->setFilter(currentFilter());
    m_client->setTrafficFilter(currentFilter());
}

void TrafficPage::onTrafficArrived(int events, qint64)
{
    m_received += events;
    // Follow the newest rows, unless the admin scrolled up to read.
    QScrollBar *bar = m_view->verticalScrollBar();
    const bool atBottom = bar->value() >= bar->maximum() - 2;
    if (atBottom && !m_paused) m_view->scrollToBottom();
    updateStatus();
}

void TrafficPage::rememberDialects()
{
    for (auto it = m_client->stats().connectionsByDialect.cbegin(); it != m_client->stats().connectionsByDialect.cend();
         ++it) {
        if (m_dialect->findData(it.key()) < 0) m_dialect->addItem(it.key(), it.key());
    }
}

void TrafficPage::updateStatus()
{
    const QLocale locale;
    QString text = tr("%1 of %2 events shown, %3 received, %4 dropped by the server's rate cap")
                       .arg(locale.toString(m_proxy->rowCount()), locale.toString(m_client->traffic()->rowCount()),
                            locale.toString(m_received), locale.toString(m_client->trafficDropped()));
    if (m_paused) text = tr("Paused. ") + text;
    m_status->setText(text);
}

void TrafficPage::clearHistory()
{
    m_client->traffic()->clear();
    updateStatus();
}

bool TrafficPage::exportTo(const QString &fileName, QString *error)
{
    QList<TrafficEvent> events;
    events.reserve(m_proxy->rowCount());
    for (int r = 0; r < m_proxy->rowCount(); ++r)
        events.append(m_client->traffic()->at(m_proxy->mapToSource(m_proxy->index(r, 0)).row()));
    return TrafficExporter::write(fileName, events, error);
}

void TrafficPage::exportWithDialog()
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString fileName = QFileDialog::getSaveFileName(this, tr("Export traffic"),
                                                          dir + QStringLiteral("/traffic.jsonl"),
                                                          tr("JSON Lines (*.jsonl);;CSV (*.csv)"));
    if (fileName.isEmpty()) return;
    QString error;
    if (!exportTo(fileName, &error))
        QMessageBox::warning(this, tr("Export traffic"), tr("Could not write %1: %2").arg(fileName, error));
}

} // namespace switchboard
