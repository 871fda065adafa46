#pragma once

#include "Attachment.h"
#include "Channel.h"
#include "ChannelEventLog.h"
#include "EventStamp.h"
#include "Message.h"
#include "MessageRow.h"
#include "Reaction.h"
#include "StoreStatus.h"
#include "User.h"
#include "Workspace.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QSqlDatabase>
#include <QStringList>
#include <QTimer>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

namespace switchboard {

class StoreWriter;

// The one storage interface of the server, on Qt Sql: SQLite (WAL, the embedded
// default) or PostgreSQL, chosen by URL. Reads are synchronous on the owner's
// connection. Writes are queued and committed in groups by a writer thread
// (StoreWriter): what is queued in one event-loop pass goes over as one batch,
// and while a commit is under way the next batch gathers. Each write's callback
// runs in the owner's thread only after its transaction is durable, so callers
// acknowledge and broadcast committed data only.
class Store : public QObject
{
    Q_OBJECT
public:
    using Write = std::function<bool(QSqlDatabase &db, StoreStatus *status)>;
    using Done = std::function<void(const StoreStatus &status)>;

    struct Membership
    {
        QString scopeId;
        QString userId;
        qint64 joinedAt = 0;
        QString role;
    };

    explicit Store(QObject *parent = nullptr);
    ~Store() override;

    // url: "sqlite:" (file in dataDir), "sqlite:/path/file.db", "postgres://user:pass@host:port/db".
    bool open(const QString &url, const QString &dataDir, QString *error);
    void close();
    bool isOpen() const;
    QString driverName() const;

    // Reads: the whole directory at start (the core keeps it in memory); with
    // an id, one user, workspace or channel (and its members), for a cluster
    // node that applies another node's change.
    QList<User> loadUsers(const QString &id = QString());
    // By user name or e-mail, case-insensitive (a login on a node that has not heard of the user yet).
    QList<User> loadUsersNamed(const QString &nameOrEmail);
    QList<Workspace> loadWorkspaces(const QString &id = QString());
    QList<Membership> loadWorkspaceMembers(const QString &workspaceId = QString());
    QList<Channel> loadChannels(const QString &id = QString());
    QList<Membership> loadChannelMembers(const QString &channelId = QString());
    // One user's workspace or channel memberships.
    QList<Membership> loadMembershipsOf(const QString &userId, bool channels);
    QHash<QString, qint64> loadChannelSequences();
    QString passwordHash(const QString &userId);
    // Revoked token digests -> expiry (seconds), without the expired ones.
    QHash<QByteArray, qint64> loadRevokedTokens(qint64 nowSecs);

    // Reads: messages, oldest first, with reactions filled in.
    QList<Message> messagesBefore(const QString &channelId, qint64 beforeSeq, int limit);
    QList<Message> messagesAfter(const QString &channelId, qint64 afterSeq, int limit);
    QList<Message> threadReplies(const QString &parentId, int limit);
    // Page 1 is the newest page; oldest first within a page.
    QList<Message> messagesPage(const QString &channelId, int page, int pageSize);
    std::optional<Message> message(const QString &id);
    std::optional<Reaction> reaction(const QString &id);
    std::optional<Attachment> attachment(const QString &id);
    // Channels with a message, not deleted, that carries the upload (the download check).
    QStringList channelsWithUpload(const QString &uploadId);
    qint64 messageCount();

    // Writes (group-committed).
    void insertUser(const User &u, const QString &passwordHash, Done done);
    void setUserDisabled(const QString &userId, bool disabled, Done done);
    void insertRevokedToken(const QByteArray &digest, const QString &userId, qint64 expiresAtSecs, qint64 revokedAtMs,
                            Done done);
    void deleteExpiredRevocations(qint64 nowSecs, Done done);
    void insertWorkspace(const Workspace &w, Done done);
    void addWorkspaceMember(const QString &workspaceId, const QString &userId, const QString &role, qint64 at,
                            Done done);
    void insertChannel(const Channel &c, Done done);
    void updateChannel(const Channel &c, Done done);
    void deleteChannel(const QString &channelId, Done done);
    // Writes that are channel events take a stamp: the event is logged in the
    // same transaction (ChannelEventLog), with its sequence number written back
    // into the stamp. insertMessage gives the message the event's number.
    void addChannelMember(const QString &channelId, const QString &userId, qint64 at, Done done,
                          EventStampPtr stamp = {});
    void removeChannelMember(const QString &channelId, const QString &userId, Done done, EventStampPtr stamp = {});
    void insertMessage(const Message &m, Done done, EventStampPtr stamp = {});
    void updateMessageContent(const QString &id, const QString &content, qint64 editedAt, Done done,
                              EventStampPtr stamp = {});
    void markMessageDeleted(const QString &id, qint64 deletedAt, Done done, EventStampPtr stamp = {});
    void bumpThread(const QString &parentId, qint64 at, Done done);
    void insertReaction(const Reaction &r, Done done, EventStampPtr stamp = {});
    void deleteReaction(const QString &id, Done done, EventStampPtr stamp = {});
    // Retention of the event log and of resume sessions (older than minAt go),
    // all in one write.
    void pruneEventLog(int keepPerChannel, qint64 minAt, Done done);
    // One slice of it: at most maxRows rows (log entries, then sessions) in
    // this write, going on from `from`; done gets where the next slice goes on.
    using PruneDone = std::function<void(const StoreStatus &status, const ChannelEventLog::PruneSlice &next)>;
    void pruneEventLogSlice(int keepPerChannel, qint64 minAt, int maxRows, const ChannelEventLog::PruneSlice &from,
                            PruneDone done);

    // Resume reads (ChannelEventLog).
    QList<ChannelEventLog::Entry> channelEvents(const QString &channelId, qint64 afterSeq, qint64 maxGid, int limit,
                                                StoreStatus *error = nullptr);
    QList<ChannelEventLog::Entry> channelEventsByGid(const QStringList &channelIds, qint64 afterGid, qint64 maxGid,
                                                     int limit);
    ChannelEventLog::Floor channelLogFloor(const QString &channelId);
    qint64 lastEventGid();
    // Resume sessions (Socket.IO connection state recovery): opaque state by id.
    void saveResumeSession(const QString &id, const QString &userId, const QString &scope, const QByteArray &state,
                           qint64 at, Done done);
    void deleteResumeSession(const QString &id, Done done);
    struct ResumeSession
    {
        QString userId, scope;
        QByteArray state;
        qint64 updatedAt = 0;
    };
    std::optional<ResumeSession> resumeSession(const QString &id);
    void insertAttachment(const Attachment &a, Done done);
    void markRead(const QString &channelId, const QString &userId, const QString &messageId, qint64 at, Done done);

    void enqueue(Write write, Done done);
    // The write, then (in the same transaction) its logged event, if any.
    void enqueueLogged(Write write, Done done, EventStampPtr stamp);
    // Commits whatever is queued now (tests, shutdown).
    void flush();

    // Figures for /metrics and the admin feed.
    quint64 commitCount() const;
    quint64 writeCount() const;
    quint64 replayCount() const; // batches replayed write by write after a failure
    double lastCommitMs() const;
    double totalCommitMs() const;
    double maxCommitMs() const; // the slowest commit since start
    // False while the database is unreachable (PostgreSQL down; the writer reconnects).
    bool isAvailable() const;
    // Backpressure (StoreWriter::setPressureLimits): writes handed over whose
    // callbacks have not run yet, and the limits past which pressureChanged(true).
    qint64 outstandingWrites() const;
    qint64 handbackLagMs() const;
    void setPressureLimits(qint64 writes, int lagMs);

Q_SIGNALS:
    void commitFailed(const QString &error);
    void pressureChanged(bool over);

private:
    QList<Message> queryMessages(const QString &where, const QVariantList &binds, int limit, bool descending,
                                 int offset = 0);
    void fillReactions(QList<Message> &messages);
    Message messageFromQuery(const class QSqlQuery &q) const;

    void handOver();
    // The read connection, reopened first when the writer lost its connection.
    QSqlDatabase readDb();
    static constexpr int ReaderRetryMs = 100;
    std::atomic<bool> m_readerStale{false}; // set on the writer thread
    QElapsedTimer m_readerRetry;
    void enqueueRow(Write write, Done done, std::shared_ptr<MessageRow> row);

    QString m_connectionName;
    StoreWriter *m_writer = nullptr;
    qint64 m_pressureWrites = 0;
    int m_pressureLagMs = 0;
    struct Pending
    {
        Write write;
        Done done;
        std::shared_ptr<MessageRow> row;
    };
    QList<Pending> m_pending; // queued in this loop pass, handed over at its end
    bool m_handOverScheduled = false;
};

} // namespace switchboard
