#pragma once

#include "CommitMark.h"
#include "MessageRow.h"
#include "StoreStatus.h"

#include <QElapsedTimer>
#include <QMutex>
#include <QSqlDatabase>
#include <QThread>
#include <QWaitCondition>

#include <atomic>
#include <functional>

namespace switchboard {

// The one thread that writes. It takes everything queued since its last
// commit, runs it in one transaction (group commit: one fsync for the lot),
// and hands the results back to the owner's thread, so the event loop never
// waits for the disk. If one write of a batch fails, the batch is rolled back
// and replayed one transaction per write, so the failure stays its own.
// On PostgreSQL a lost connection (the database stopped or restarted) fails
// the batch as Unavailable at once, and the writer reconnects by itself with
// backoff; while it is down every write fails the same way, never waits. A
// batch whose COMMIT was sent but not answered may have committed: it is held
// (at most InDoubtMaxMs) until the reconnect asks PostgreSQL (CommitMark),
// so it is acknowledged exactly when it committed.
class StoreWriter : public QThread
{
    Q_OBJECT
public:
    using Write = std::function<bool(QSqlDatabase &db, StoreStatus *status)>;
    using Done = std::function<void(const StoreStatus &status)>;
    // Where a write's time goes, for the core's metrics (storage cannot see
    // them): Queued, from enqueue until the writer takes it into a batch;
    // Commit, each batch's transaction; Handback, from the commit until the
    // write's callback starts on the owner's thread. Told on the thread where
    // the stage ends. A plain function: swapped atomically.
    enum class Stage { Queued, Commit, Handback };
    using StageObserver = void (*)(Stage stage, quint64 micros);
    // A write; row, when set, is the same write as values: on PostgreSQL the
    // message inserts of a batch run together (MessageBatchWriter), and write
    // runs only when the batch is replayed one by one.
    struct Request
    {
        Write write;
        Done done;
        std::shared_ptr<MessageRow> row;
    };
    static void setStageObserver(StageObserver observer);

    // cloneFrom: an open connection whose settings the writer copies.
    StoreWriter(const QSqlDatabase &cloneFrom, QObject *resultsContext);
    ~StoreWriter() override;

    bool startWriter(QString *error);
    void enqueue(Write write, Done done);
    void enqueueBatch(QList<QPair<Write, Done>> writes);
    void enqueueBatch(QList<Request> requests);
    // Blocks until everything queued so far is committed, then runs the callbacks.
    void flush();
    void stop();

    // A statement prepared once per writer connection and reused: compiling SQL
    // for every insert costs as much as the insert.
    static class QSqlQuery &prepared(QSqlDatabase &db, const QString &sql);
    // The same through SQLite's own API (see SqliteStatement), or null when db
    // is not SQLite or the build has no SQLite headers: then use prepared().
    // sql must be a string literal: its address is the cache key.
    static class SqliteStatement *sqliteStatement(QSqlDatabase &db, const char *sql);

    quint64 commitCount() const { return m_commits.load(); }
    quint64 writeCount() const { return m_writes.load(); }
    // Batches rolled back and replayed one write per transaction.
    quint64 replayCount() const { return m_replays.load(); }
    double lastCommitMs() const { return m_lastCommitUs.load() / 1000.0; }
    double totalCommitMs() const { return m_totalCommitUs.load() / 1000.0; }
    double maxCommitMs() const { return m_maxCommitUs.load() / 1000.0; }
    // False while the writer has no working connection (PostgreSQL down).
    bool isAvailable() const { return m_available.load(); }

    // Writes handed over whose callbacks have not run yet: waiting for the
    // disk, or committed and waiting for the owner's loop (owner's thread).
    qint64 outstanding() const { return m_outstanding; }
    // Backpressure: pressureChanged(true) past `writes` outstanding writes, or
    // when a callback delivery finds its oldest write waited more than `lagMs`
    // for the owner's loop since its commit (the loop is behind, not the disk);
    // false once both are back under half (0: that rule is off). The owner
    // decides what to hold back; the server stops reading chat sockets (ReadHold).
    void setPressureLimits(qint64 writes, int lagMs);
    // The oldest write's wait for the owner's loop in the last callback delivery
    // (0 after a delivery that left nothing behind).
    qint64 handbackLagMs() const { return m_handbackLagNs / 1000000; }
    bool isUnderPressure() const { return m_pressure; }

Q_SIGNALS:
    void commitFailed(const QString &error);
    // On the owner's thread, from enqueue() or a callback delivery.
    void pressureChanged(bool over);
    // The connection was lost, came back (emitted on the writer thread).
    void lost();
    void reconnected();

protected:
    void run() override;

private:
    struct Item
    {
        Write write;
        Done done;
        StoreStatus status;
        std::shared_ptr<MessageRow> row;
        qint64 stageStartNs = 0; // when it was queued, then when its batch committed
    };
    static std::atomic<StageObserver> s_stageObserver;
    static void observe(Stage stage, qint64 sinceNs);
    // Runs the callbacks of committed writes in the owner's thread. With a
    // budget, stops after budgetMs and posts itself again for the rest, so a
    // big commit batch (thousands of messages, each fanned out to a 10k room)
    // cannot hold the event loop for seconds: I/O and other rooms interleave.
    void deliverResults(int budgetMs = -1);
    static constexpr int DeliveryBudgetMs = 20;
    bool runBatch(QSqlDatabase &db, QList<Item> &batch, StoreStatus *batchError);
    // The items [from, to) are message rows: inserts them together.
    static bool runRows(QSqlDatabase &db, QList<Item> &batch, qsizetype from, qsizetype to);
    // Connection upkeep, writer thread only (PostgreSQL: SQLite never loses it).
    bool connectionAlive(QSqlDatabase &db);
    void connectionLost(QSqlDatabase &db, const QString &why);
    void tryReconnect(QSqlDatabase &db);
    int idleWaitMs() const;
    void resolveInDoubt(QSqlDatabase &db);
    void noteBackend(QSqlDatabase &db);
    void publish(QList<Item> &&items);
    void postDelivery();
    void handedOver(qsizetype count);
    void notePressure();
    static constexpr int ProbeIdleMs = 1000; // an idle connection is checked this often
    static constexpr int MinBackoffMs = 100, MaxBackoffMs = 2000;
    static constexpr int InDoubtMaxMs = 8000, InDoubtBackoffMs = 200;

    QSqlDatabase m_template;
    QString m_connectionName;
    QObject *m_context;
    QMutex m_mutex;
    QWaitCondition m_wake, m_idle;
    QList<Item> m_queue;   // waiting for the writer
    QList<Item> m_results; // committed (or failed), waiting for the owner's thread
    bool m_busy = false;
    bool m_stop = false;
    bool m_deliveryPosted = false;
    qint64 m_outstanding = 0; // owner's thread only
    qint64 m_pressureLimit = 0;
    qint64 m_lagLimitNs = 0;
    qint64 m_handbackLagNs = 0;
    bool m_pressure = false;
    QString m_openError;
    bool m_opened = false;
    bool m_canReconnect = false; // PostgreSQL
    bool m_connected = true;     // writer thread only
    int m_backoffMs = MinBackoffMs;
    QElapsedTimer m_lastAttempt;
    std::atomic<bool> m_available{true};
    CommitMark m_mark;            // this writer's row in commit_marks (PostgreSQL)
    qint64 m_backendPid = 0;      // the connection's server process (PostgreSQL)
    qint64 m_inDoubtPid = 0;      // the process that was running the cut-off COMMIT
    qint64 m_batchXid = 0;        // the running batch's transaction id (PostgreSQL)
    bool m_commitInDoubt = false; // its COMMIT failed: the outcome is unknown
    QList<Item> m_inDoubt;        // writer thread only
    qint64 m_inDoubtXid = 0;
    QElapsedTimer m_inDoubtSince;
    std::atomic<quint64> m_commits{0}, m_writes{0}, m_lastCommitUs{0}, m_totalCommitUs{0}, m_maxCommitUs{0},
        m_replays{0};
};

} // namespace switchboard
