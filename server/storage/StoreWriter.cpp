#include "StoreWriter.h"

#include "MessageBatchWriter.h"
#include "SqliteStatement.h"

#include <QDeadlineTimer>
#include <QDebug>
#include <QElapsedTimer>
#include <QHash>
#include <QPointer>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

#include <algorithm>

namespace switchboard {

namespace {
thread_local QHash<QString, QSqlQuery> *t_prepared = nullptr;
thread_local QHash<std::pair<const void *, const void *>, SqliteStatement *> *t_sqlite = nullptr;

// Stage timings use the loop's clock (CLOCK_MONOTONIC through Qt).
qint64 monotonicNs()
{
    return QDeadlineTimer::current(Qt::PreciseTimer).deadlineNSecs();
}

void releaseStatements()
{
    // Before the connection closes: SQLite will not close with statements open.
    if (t_sqlite) qDeleteAll(*t_sqlite);
    delete t_sqlite;
    t_sqlite = nullptr;
    delete t_prepared;
    t_prepared = nullptr;
}
}

SqliteStatement *StoreWriter::sqliteStatement(QSqlDatabase &db, const char *sql)
{
#ifdef SB_HAVE_SQLITE3
    sqlite3 *handle = SqliteStatement::handleOf(db);
    if (!handle) return nullptr;
    if (!t_sqlite) t_sqlite = new QHash<std::pair<const void *, const void *>, SqliteStatement *>();
    SqliteStatement *&st = (*t_sqlite)[{handle, sql}];
    if (!st) st = new SqliteStatement(handle, sql);
    return st;
#else
    Q_UNUSED(db);
    Q_UNUSED(sql);
    return nullptr;
#endif
}

QSqlQuery &StoreWriter::prepared(QSqlDatabase &db, const QString &sql)
{
    if (!t_prepared) t_prepared = new QHash<QString, QSqlQuery>();
    const QString key = db.connectionName() + QLatin1Char('\n') + sql;
    auto it = t_prepared->find(key);
    if (it == t_prepared->end()) {
        it = t_prepared->insert(key, QSqlQuery(db));
        it->prepare(sql);
    }
    return it.value();
}

std::atomic<StoreWriter::StageObserver> StoreWriter::s_stageObserver{nullptr};

void StoreWriter::setStageObserver(StageObserver observer)
{
    s_stageObserver = observer;
}

void StoreWriter::observe(Stage stage, qint64 sinceNs)
{
    if (StageObserver observer = s_stageObserver.load(std::memory_order_relaxed))
        observer(stage, quint64(std::max<qint64>(0, monotonicNs() - sinceNs) / 1000));
}

StoreWriter::StoreWriter(const QSqlDatabase &cloneFrom, QObject *resultsContext)
    : m_template(cloneFrom)
    , m_context(resultsContext)
    , m_mark(QUuid::createUuid().toString(QUuid::WithoutBraces))
{
    m_connectionName = cloneFrom.connectionName() + QStringLiteral("-writer");
    setObjectName(QStringLiteral("store-writer"));
}

StoreWriter::~StoreWriter()
{
    stop();
}

bool StoreWriter::startWriter(QString *error)
{
    QMutexLocker lock(&m_mutex);
    start();
    while (!m_opened && m_openError.isEmpty()) m_idle.wait(&m_mutex);
    if (!m_openError.isEmpty()) {
        *error = m_openError;
        lock.unlock();
        wait();
        return false;
    }
    return true;
}

void StoreWriter::enqueue(Write write, Done done)
{
    {
        QMutexLocker lock(&m_mutex);
        m_queue.append(Item{std::move(write), std::move(done), StoreStatus::failed(QString()), {}, monotonicNs()});
        m_wake.wakeOne();
    }
    handedOver(1);
}

void StoreWriter::enqueueBatch(QList<QPair<Write, Done>> writes)
{
    if (writes.isEmpty()) return;
    const qint64 now = monotonicNs();
    {
        QMutexLocker lock(&m_mutex);
        for (auto &w : writes)
            m_queue.append(Item{std::move(w.first), std::move(w.second), StoreStatus::failed(QString()), {}, now});
        m_wake.wakeOne();
    }
    handedOver(writes.size());
}

void StoreWriter::enqueueBatch(QList<Request> requests)
{
    if (requests.isEmpty()) return;
    const qint64 now = monotonicNs();
    {
        QMutexLocker lock(&m_mutex);
        for (Request &r : requests)
            m_queue.append(
                Item{std::move(r.write), std::move(r.done), StoreStatus::failed(QString()), std::move(r.row), now});
        m_wake.wakeOne();
    }
    handedOver(requests.size());
}

void StoreWriter::postDelivery()
{
    // Guarded: a writer stopped and destroyed before the owner's loop runs it
    // (flush() delivered everything already) leaves a stale call behind.
    QMetaObject::invokeMethod(
        m_context,
        [self = QPointer<StoreWriter>(this)] {
        if (self) self->deliverResults(DeliveryBudgetMs);
        },
        Qt::QueuedConnection);
}

void StoreWriter::handedOver(qsizetype count)
{
    m_outstanding += count;
    notePressure();
}

void StoreWriter::setPressureLimits(qint64 writes, int lagMs)
{
    m_pressureLimit = std::max<qint64>(0, writes);
    m_lagLimitNs = std::max<qint64>(0, lagMs) * 1000 * 1000;
    notePressure();
}

void StoreWriter::notePressure()
{
    // Hysteresis: on past a limit, off under half of both, so the hold does
    // not flap with every write.
    const auto past = [this](qint64 value, qint64 limit) {
        return limit > 0 && (m_pressure ? value >= limit / 2 : value > limit);
    };
    const bool over = past(m_outstanding, m_pressureLimit) || past(m_handbackLagNs, m_lagLimitNs);
    if (over == m_pressure) return;
    m_pressure = over;
    Q_EMIT pressureChanged(over);
}

void StoreWriter::flush()
{
    {
        QMutexLocker lock(&m_mutex);
        while ((!m_queue.isEmpty() || m_busy) && isRunning()) m_idle.wait(&m_mutex);
    }
    deliverResults();
}

void StoreWriter::stop()
{
    if (!isRunning()) return;
    flush();
    {
        QMutexLocker lock(&m_mutex);
        m_stop = true;
        m_wake.wakeOne();
    }
    wait();
    deliverResults();
}

void StoreWriter::deliverResults(int budgetMs)
{
    QList<Item> results;
    {
        QMutexLocker lock(&m_mutex);
        results.swap(m_results);
        m_deliveryPosted = false;
    }
    QElapsedTimer clock;
    clock.start();
    // The first is the oldest (commit order): how far behind the loop is.
    if (!results.isEmpty()) m_handbackLagNs = monotonicNs() - results.first().stageStartNs;
    qsizetype i = 0;
    while (i < results.size()) {
        Item &item = results[i++];
        observe(Stage::Handback, item.stageStartNs);
        --m_outstanding; // before its callback, which may hand over new writes
        if (item.done) item.done(item.status);
        if (budgetMs >= 0 && i < results.size() && clock.elapsed() >= budgetMs) break;
    }
    if (i == results.size()) m_handbackLagNs = 0; // caught up
    notePressure();
    if (i == results.size()) return;
    // Out of budget: the rest goes first in line (commit order is kept) for the next pass.
    QMutexLocker lock(&m_mutex);
    QList<Item> rest(std::make_move_iterator(results.begin() + i), std::make_move_iterator(results.end()));
    rest.append(std::move(m_results));
    m_results = std::move(rest);
    if (!m_deliveryPosted) {
        m_deliveryPosted = true;
        postDelivery();
    }
}

bool StoreWriter::runBatch(QSqlDatabase &db, QList<Item> &batch, StoreStatus *batchError)
{
    m_commitInDoubt = false;
    if (!db.transaction()) {
        *batchError = StoreStatus::unavailable(QStringLiteral("storage unavailable: %1").arg(db.lastError().text()));
        return false;
    }
    if (m_canReconnect) {
        // Known before COMMIT, so a lost answer to it can be looked up after a reconnect.
        QString error;
        m_batchXid = m_mark.mark(db, &error);
        if (!m_batchXid) {
            *batchError = StoreStatus::unavailable(QStringLiteral("storage unavailable: %1").arg(error));
            db.rollback();
            return false;
        }
    }
    const bool grouped = batch.size() > 1 && MessageBatchWriter::supports(db);
    for (qsizetype i = 0; i < batch.size();) {
        // A run of message inserts goes in together; other writes keep their place between runs.
        qsizetype end = i;
        while (grouped && end < batch.size() && batch.at(end).row) ++end;
        if (end - i > 1) {
            if (!runRows(db, batch, i, end)) {
                db.rollback();
                return false;
            }
            i = end;
            continue;
        }
        Item &item = batch[i++];
        item.status = StoreStatus();
        if (!item.write(db, &item.status)) {
            if (item.status.ok()) item.status = StoreStatus::failed(QStringLiteral("write failed"));
            db.rollback();
            return false;
        }
    }
    if (!db.commit()) {
        m_commitInDoubt = true;
        *batchError = StoreStatus::unavailable(QStringLiteral("commit failed: %1").arg(db.lastError().text()));
        db.rollback();
        return false;
    }
    return true;
}

bool StoreWriter::runRows(QSqlDatabase &db, QList<Item> &batch, qsizetype from, qsizetype to)
{
    QList<MessageRow *> rows;
    for (qsizetype i = from; i < to; ++i) {
        batch[i].status = StoreStatus();
        rows.append(batch[i].row.get());
    }
    StoreStatus error;
    if (MessageBatchWriter::write(db, rows, &error)) return true;
    // Which row failed is unknown here: the replay one by one finds it.
    batch[from].status = error.ok() ? StoreStatus::failed(QStringLiteral("write failed")) : error;
    return false;
}

bool StoreWriter::connectionAlive(QSqlDatabase &db)
{
    QSqlQuery q(db);
    return q.exec(QStringLiteral("SELECT 1"));
}

void StoreWriter::connectionLost(QSqlDatabase &db, const QString &why)
{
    if (m_connected) qWarning().noquote() << "storage connection lost, reconnecting:" << why;
    m_connected = false;
    m_available = false;
    Q_EMIT lost();
    // Prepared statements belong to the dead connection.
    releaseStatements();
    db.close();
    m_lastAttempt.start();
}

void StoreWriter::tryReconnect(QSqlDatabase &db)
{
    if (m_connected || m_lastAttempt.elapsed() < m_backoffMs) return;
    releaseStatements();
    db.close();
    if (db.open() && connectionAlive(db)) {
        qInfo() << "storage connection restored";
        noteBackend(db);
        m_connected = true;
        m_available = true;
        m_backoffMs = MinBackoffMs;
        Q_EMIT reconnected();
        return;
    }
    db.close();
    // A held batch waits for the answer: retry often while one is in doubt.
    m_backoffMs = qMin(m_backoffMs * 2, m_inDoubt.isEmpty() ? MaxBackoffMs : InDoubtBackoffMs);
    m_lastAttempt.start();
}

int StoreWriter::idleWaitMs() const
{
    if (!m_canReconnect) return -1;
    qint64 ms = m_connected ? ProbeIdleMs : m_backoffMs - m_lastAttempt.elapsed();
    if (!m_inDoubt.isEmpty()) ms = qMin(ms, InDoubtMaxMs - m_inDoubtSince.elapsed());
    return int(qMax<qint64>(1, ms));
}

void StoreWriter::noteBackend(QSqlDatabase &db)
{
    QSqlQuery q(db);
    m_backendPid = q.exec(QStringLiteral("SELECT pg_backend_pid()")) && q.next() ? q.value(0).toLongLong() : 0;
}

void StoreWriter::resolveInDoubt(QSqlDatabase &db)
{
    if (m_inDoubt.isEmpty()) return;
    CommitMark::Outcome outcome = CommitMark::Outcome::Unknown;
    bool answered = false;
    if (m_connected) {
        QString error;
        outcome = m_mark.outcome(db, m_inDoubtXid, &error);
        answered = error.isEmpty();
        if (!answered) connectionLost(db, error);
        if (outcome == CommitMark::Outcome::InProgress && m_inDoubtPid) {
            // Only the connection was cut: the old server process may still be
            // committing. End it, so the next question gets a final answer.
            QSqlQuery kill(db);
            kill.prepare(QStringLiteral("SELECT pg_terminate_backend(?)"));
            kill.addBindValue(m_inDoubtPid);
            kill.exec();
        }
    }
    const bool settled = answered && outcome != CommitMark::Outcome::InProgress;
    if (!settled && m_inDoubtSince.elapsed() < InDoubtMaxMs) return; // ask again after the reconnect
    const QString what = settled ? QString::fromLatin1(CommitMark::name(outcome)) : QStringLiteral("outcome unknown");
    const StoreStatus status = outcome == CommitMark::Outcome::Committed
                                 ? StoreStatus()
                                 : StoreStatus::unavailable(
                                     QStringLiteral("storage unavailable: the commit was cut off (%1)").arg(what));
    qInfo().noquote() << "commit cut off by the lost connection:" << m_inDoubt.size() << "writes"
                      << (settled ? what : QStringLiteral("not resolved in time"));
    for (Item &item : m_inDoubt) item.status = status;
    QList<Item> items;
    items.swap(m_inDoubt);
    publish(std::move(items));
}

void StoreWriter::publish(QList<Item> &&items)
{
    // Moved, not copied: a copy cloned every write's closures (with the message
    // in them) and then destroyed the batch here, serially before the next batch.
    const qint64 handedOverNs = monotonicNs(); // Handback counts from here
    for (Item &item : items) item.stageStartNs = handedOverNs;
    QMutexLocker lock(&m_mutex);
    if (m_results.isEmpty())
        m_results = std::move(items);
    else
        m_results.append(std::move(items));
    if (!m_deliveryPosted) {
        m_deliveryPosted = true;
        postDelivery();
    }
}

void StoreWriter::run()
{
    {
        QSqlDatabase db = QSqlDatabase::cloneDatabase(m_template, m_connectionName);
        QMutexLocker lock(&m_mutex);
        if (!db.open()) {
            m_openError = QStringLiteral("cannot open database for writing: %1").arg(db.lastError().text());
        } else {
            if (db.driverName() == QLatin1String("QSQLITE")) {
                QSqlQuery q(db);
                q.exec(QStringLiteral("PRAGMA synchronous=FULL"));
                q.exec(QStringLiteral("PRAGMA foreign_keys=ON"));
            }
            m_canReconnect = db.driverName() == QLatin1String("QPSQL");
            if (m_canReconnect) {
                noteBackend(db);
                CommitMark::sweep(db);
            }
            m_opened = true;
        }
        m_idle.wakeAll();
    }
    if (!m_openError.isEmpty()) {
        QSqlDatabase::removeDatabase(m_connectionName);
        return;
    }
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        for (;;) {
            QList<Item> batch;
            bool idle = false;
            {
                QMutexLocker lock(&m_mutex);
                if (m_queue.isEmpty() && !m_stop) {
                    m_busy = false;
                    m_idle.wakeAll();
                    const int waitMs = idleWaitMs();
                    if (waitMs < 0)
                        m_wake.wait(&m_mutex);
                    else
                        idle = !m_wake.wait(&m_mutex, waitMs);
                }
                if (m_queue.isEmpty() && m_stop) break;
                batch.swap(m_queue);
                m_busy = !batch.isEmpty();
            }
            if (m_canReconnect) {
                // An idle connection is probed, so /readyz sees an outage without writes.
                if (idle && m_connected && !connectionAlive(db)) connectionLost(db, db.lastError().text());
                tryReconnect(db);
                resolveInDoubt(db); // before any later batch commits
            }
            if (batch.isEmpty()) continue;
            for (const Item &item : batch) observe(Stage::Queued, item.stageStartNs);
            QElapsedTimer timer;
            timer.start();
            StoreStatus batchError;
            if (!m_connected) {
                const StoreStatus down = StoreStatus::unavailable(QStringLiteral("storage unavailable: reconnecting"));
                for (Item &item : batch) item.status = down;
            } else if (!runBatch(db, batch, &batchError)) {
                if (m_canReconnect && !connectionAlive(db)) {
                    // Not this batch's fault: the connection is gone (and with it the transaction).
                    const QString why = db.lastError().text();
                    const bool inDoubt = m_commitInDoubt;
                    connectionLost(db, why);
                    if (inDoubt) {
                        m_inDoubt = std::move(batch);
                        m_inDoubtXid = m_batchXid;
                        m_inDoubtPid = m_backendPid;
                        m_inDoubtSince.start();
                        batch.clear();
                    }
                    const StoreStatus down = StoreStatus::unavailable(
                        QStringLiteral("storage unavailable: %1").arg(why));
                    for (Item &item : batch) item.status = down;
                    Q_EMIT commitFailed(down.text);
                } else if (batchError.ok()) {
                    // One write failed: replay each alone so only that one fails.
                    ++m_replays;
                    for (Item &item : batch) {
                        QList<Item> one{item};
                        StoreStatus err;
                        if (runBatch(db, one, &err))
                            item.status = StoreStatus();
                        else
                            item.status = err.ok() ? one.first().status : err;
                    }
                } else {
                    for (Item &item : batch) item.status = batchError;
                    Q_EMIT commitFailed(batchError.text);
                }
            }
            const quint64 us = quint64(timer.nsecsElapsed() / 1000);
            m_lastCommitUs = us;
            m_totalCommitUs += us;
            if (us > m_maxCommitUs.load()) m_maxCommitUs = us; // only this thread writes it
            if (StageObserver observer = s_stageObserver.load(std::memory_order_relaxed)) observer(Stage::Commit, us);
            ++m_commits;
            m_writes += batch.size();
            publish(std::move(batch));
        }
        if (!m_inDoubt.isEmpty()) {
            // Shutting down: what is still in doubt is answered as such.
            const StoreStatus cut = StoreStatus::unavailable(
                QStringLiteral("storage unavailable: the commit was cut off (outcome unknown)"));
            for (Item &item : m_inDoubt) item.status = cut;
            QList<Item> items;
            items.swap(m_inDoubt);
            publish(std::move(items));
        }
        releaseStatements();
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
    QMutexLocker lock(&m_mutex);
    m_busy = false;
    m_idle.wakeAll();
}

} // namespace switchboard
