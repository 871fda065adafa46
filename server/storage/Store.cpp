#include "Store.h"

#include "Migrations.h"
#include "SqliteStatement.h"
#include "StoreWriter.h"
#include "Timestamp.h"

#include <QDebug>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>
#include <QVariant>

namespace switchboard {

namespace {

const char kSelectUsers[] = "SELECT id, username, email, display_name, avatar_url, disabled, created_at FROM users";

QList<User> readUsers(QSqlQuery &q)
{
    QList<User> out;
    while (q.next()) {
        User u;
        u.id = q.value(0).toString();
        u.username = q.value(1).toString();
        u.email = q.value(2).toString();
        u.displayName = q.value(3).toString();
        u.avatarUrl = q.value(4).toString();
        u.disabled = q.value(5).toInt() != 0;
        u.createdAt = q.value(6).toLongLong();
        out.append(u);
    }
    return out;
}

// The whole table, or only the rows whose `column` is `value`.
void selectWhere(QSqlQuery &q, const char *select, const char *column, const QString &value)
{
    if (value.isEmpty()) {
        q.exec(QString::fromLatin1(select));
        return;
    }
    q.prepare(QStringLiteral("%1 WHERE %2 = ?").arg(QLatin1String(select), QLatin1String(column)));
    q.addBindValue(value);
    q.exec();
}

QVariant nullable(const QString &s)
{
    return s.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(s);
}
// NOT NULL text columns: a null QString would bind as SQL NULL.
QVariant text(const QString &s)
{
    return s.isNull() ? QVariant(QStringLiteral("")) : QVariant(s);
}

QString jsonText(const QJsonObject &o)
{
    return o.isEmpty() ? QString() : QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}
QString jsonText(const QJsonArray &a)
{
    return a.isEmpty() ? QString() : QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact));
}

bool exec(QSqlQuery &q, StoreStatus *status)
{
    if (q.exec()) return true;
    *status = StoreStatus::fromSqlError(q.lastError());
    return false;
}

// A message's rows in message_uploads, after the message itself (foreign key).
bool insertMessageUploads(QSqlDatabase &db, const MessageRow &m, StoreStatus *error)
{
    for (const QString &id : m.uploads) {
        QSqlQuery &q = StoreWriter::
            prepared(db, QStringLiteral(
                             "INSERT INTO message_uploads (upload_id, message_id, channel_id) VALUES (?, ?, ?)"));
        q.bindValue(0, id);
        q.bindValue(1, m.id);
        q.bindValue(2, m.channelId);
        if (!exec(q, error)) return false;
    }
    return true;
}

const char *kMessageColumns =
    "id, channel_id, user_id, seq, content, thread_id, reply_to_id, forwarded_from_id, metadata,"
    " attachments, mentions, created_at, edited_at, deleted_at, reply_count, last_reply_at";

} // namespace

Store::Store(QObject *parent) : QObject(parent)
{
    m_connectionName = QStringLiteral("switchboard-store-%1").arg(reinterpret_cast<quintptr>(this));
}

Store::~Store()
{
    close();
}

bool Store::open(const QString &url, const QString &dataDir, QString *error)
{
    QSqlDatabase db;
    if (url.isEmpty() || url.startsWith(QLatin1String("sqlite:"))) {
        QString path = url.mid(7);
        if (path.isEmpty()) path = QDir(dataDir).filePath(QStringLiteral("switchboard.db"));
        db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    } else if (url.startsWith(QLatin1String("postgres://")) || url.startsWith(QLatin1String("postgresql://"))) {
        const QUrl u(url);
        if (!u.isValid() || u.host().isEmpty() || u.path().size() < 2) {
            *error = QStringLiteral("bad database URL %1 (expected postgres://user:pass@host:port/db)").arg(url);
            return false;
        }
        db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_connectionName);
        db.setHostName(u.host());
        db.setPort(u.port(5432));
        db.setUserName(u.userName());
        db.setPassword(u.password());
        db.setDatabaseName(u.path().mid(1));
        // A reconnect to an unreachable host must not block for long.
        db.setConnectOptions(QStringLiteral("connect_timeout=5"));
    } else {
        *error = QStringLiteral("bad database URL %1 (expected sqlite: or postgres://...)").arg(url);
        return false;
    }
    if (!db.open()) {
        *error = QStringLiteral("cannot open database: %1").arg(db.lastError().text());
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connectionName);
        return false;
    }
    QSqlQuery q(db);
    if (db.driverName() == QLatin1String("QSQLITE")) {
        // WAL with synchronous=FULL: every commit is fsynced before we acknowledge.
        q.exec("PRAGMA journal_mode=WAL");
        q.exec("PRAGMA synchronous=FULL");
        q.exec("PRAGMA foreign_keys=ON");
    }
    if (!Migrations::apply(db, error)) {
        db.close();
        return false;
    }
    m_writer = new StoreWriter(db, this);
    connect(m_writer, &StoreWriter::commitFailed, this, &Store::commitFailed, Qt::QueuedConnection);
    connect(m_writer, &StoreWriter::pressureChanged, this, &Store::pressureChanged);
    m_writer->setPressureLimits(m_pressureWrites, m_pressureLagMs);
    connect(
        m_writer, &StoreWriter::lost, this, [this] { m_readerStale = true; }, Qt::DirectConnection);
    if (!m_writer->startWriter(error)) {
        delete m_writer;
        m_writer = nullptr;
        db.close();
        return false;
    }
    return true;
}

void Store::close()
{
    if (!QSqlDatabase::contains(m_connectionName)) return;
    flush();
    if (m_writer) {
        m_writer->stop();
        delete m_writer;
        m_writer = nullptr;
    }
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

QSqlDatabase Store::readDb()
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    // After a loss the writer saw, the read connection is dead too: reopened
    // here, at most every ReaderRetryMs (a refused connect costs little).
    if (m_readerStale.load() && (!m_readerRetry.isValid() || m_readerRetry.elapsed() >= ReaderRetryMs)) {
        m_readerRetry.start();
        db.close();
        if (db.open()) {
            m_readerStale = false;
            qInfo() << "storage read connection restored";
        }
    }
    return db;
}

bool Store::isAvailable() const
{
    return m_writer && m_writer->isAvailable();
}

bool Store::isOpen() const
{
    return QSqlDatabase::contains(m_connectionName) && QSqlDatabase::database(m_connectionName, false).isOpen();
}

QString Store::driverName() const
{
    return QSqlDatabase::contains(m_connectionName) ? QSqlDatabase::database(m_connectionName, false).driverName()
                                                    : QString();
}

// ---- group commit ---------------------------------------------------------

void Store::enqueueLogged(Write write, Done done, EventStampPtr stamp)
{
    if (!stamp) return enqueue(std::move(write), std::move(done));
    enqueue(
        [write = std::move(write), stamp](QSqlDatabase &db, StoreStatus *error) {
        stamp->skip = false; // a batch that failed elsewhere runs this again
        return write(db, error) && ChannelEventLog::append(db, *stamp, error);
        },
        std::move(done));
}

void Store::enqueue(Write write, Done done)
{
    enqueueRow(std::move(write), std::move(done), {});
}

void Store::enqueueRow(Write write, Done done, std::shared_ptr<MessageRow> row)
{
    if (!m_writer) {
        if (done) done(StoreStatus::unavailable(QStringLiteral("storage is closed")));
        return;
    }
    m_pending.append({std::move(write), std::move(done), std::move(row)});
    if (!m_handOverScheduled) {
        m_handOverScheduled = true;
        // Queued: everything that arrives in this loop pass goes over as one batch.
        QMetaObject::invokeMethod(this, &Store::handOver, Qt::QueuedConnection);
    }
}

void Store::handOver()
{
    m_handOverScheduled = false;
    if (!m_writer) return;
    QList<StoreWriter::Request> requests;
    requests.reserve(m_pending.size());
    for (Pending &p : m_pending) requests.append({std::move(p.write), std::move(p.done), std::move(p.row)});
    m_pending.clear();
    m_writer->enqueueBatch(std::move(requests));
}

void Store::flush()
{
    handOver();
    if (m_writer) m_writer->flush();
}

qint64 Store::outstandingWrites() const
{
    return m_writer ? m_writer->outstanding() : 0;
}

qint64 Store::handbackLagMs() const
{
    return m_writer ? m_writer->handbackLagMs() : 0;
}

void Store::setPressureLimits(qint64 writes, int lagMs)
{
    m_pressureWrites = writes;
    m_pressureLagMs = lagMs;
    if (m_writer) m_writer->setPressureLimits(writes, lagMs);
}

quint64 Store::commitCount() const
{
    return m_writer ? m_writer->commitCount() : 0;
}
quint64 Store::writeCount() const
{
    return m_writer ? m_writer->writeCount() : 0;
}

quint64 Store::replayCount() const
{
    return m_writer ? m_writer->replayCount() : 0;
}
double Store::lastCommitMs() const
{
    return m_writer ? m_writer->lastCommitMs() : 0;
}
double Store::totalCommitMs() const
{
    return m_writer ? m_writer->totalCommitMs() : 0;
}
double Store::maxCommitMs() const
{
    return m_writer ? m_writer->maxCommitMs() : 0;
}

// ---- directory reads ------------------------------------------------------

QList<User> Store::loadUsers(const QString &id)
{
    QSqlQuery q(readDb());
    selectWhere(q, kSelectUsers, "id", id);
    return readUsers(q);
}

QList<User> Store::loadUsersNamed(const QString &nameOrEmail)
{
    QSqlQuery q(readDb());
    q.prepare(QStringLiteral("%1 WHERE lower(username) = lower(?) OR lower(email) = lower(?)")
                  .arg(QLatin1String(kSelectUsers)));
    q.addBindValue(nameOrEmail);
    q.addBindValue(nameOrEmail);
    q.exec();
    return readUsers(q);
}

QList<Workspace> Store::loadWorkspaces(const QString &id)
{
    QList<Workspace> out;
    QSqlQuery q(readDb());
    selectWhere(q, "SELECT id, name, owner_id, is_default, created_at FROM workspaces", "id", id);
    while (q.next()) {
        Workspace w;
        w.id = q.value(0).toString();
        w.name = q.value(1).toString();
        w.ownerId = q.value(2).toString();
        w.isDefault = q.value(3).toInt() != 0;
        w.createdAt = q.value(4).toLongLong();
        out.append(w);
    }
    return out;
}

QList<Store::Membership> Store::loadWorkspaceMembers(const QString &workspaceId)
{
    QList<Membership> out;
    QSqlQuery q(readDb());
    selectWhere(q, "SELECT workspace_id, user_id, joined_at, role FROM workspace_members", "workspace_id", workspaceId);
    while (q.next())
        out.append({q.value(0).toString(), q.value(1).toString(), q.value(2).toLongLong(), q.value(3).toString()});
    return out;
}

QList<Channel> Store::loadChannels(const QString &id)
{
    QList<Channel> out;
    QSqlQuery q(readDb());
    selectWhere(q, "SELECT id, workspace_id, name, type, description, created_by, created_at FROM channels", "id", id);
    while (q.next()) {
        Channel c;
        c.id = q.value(0).toString();
        c.workspaceId = q.value(1).toString();
        c.name = q.value(2).toString();
        Channel::parseType(q.value(3).toString(), &c.type);
        c.description = q.value(4).toString();
        c.createdBy = q.value(5).toString();
        c.createdAt = q.value(6).toLongLong();
        out.append(c);
    }
    return out;
}

QList<Store::Membership> Store::loadChannelMembers(const QString &channelId)
{
    QList<Membership> out;
    QSqlQuery q(readDb());
    selectWhere(q, "SELECT channel_id, user_id, joined_at FROM channel_members", "channel_id", channelId);
    while (q.next()) out.append({q.value(0).toString(), q.value(1).toString(), q.value(2).toLongLong(), QString()});
    return out;
}

QList<Store::Membership> Store::loadMembershipsOf(const QString &userId, bool channels)
{
    QList<Membership> out;
    QSqlQuery q(readDb());
    selectWhere(q,
                channels ? "SELECT channel_id, user_id, joined_at, '' FROM channel_members"
                         : "SELECT workspace_id, user_id, joined_at, role FROM workspace_members",
                "user_id", userId);
    while (q.next())
        out.append({q.value(0).toString(), q.value(1).toString(), q.value(2).toLongLong(), q.value(3).toString()});
    return out;
}

QHash<QString, qint64> Store::loadChannelSequences()
{
    QHash<QString, qint64> out;
    QSqlQuery q(readDb());
    // The log's counter; messages written past it (imports, old tests) count too.
    q.exec("SELECT c.id, c.last_seq, (SELECT MAX(m.seq) FROM messages m WHERE m.channel_id = c.id) FROM channels c");
    while (q.next()) {
        const qint64 seq = qMax(q.value(1).toLongLong(), q.value(2).toLongLong());
        if (seq > 0) out.insert(q.value(0).toString(), seq);
    }
    return out;
}

QHash<QByteArray, qint64> Store::loadRevokedTokens(qint64 nowSecs)
{
    QHash<QByteArray, qint64> out;
    QSqlQuery q(readDb());
    q.prepare("SELECT token_hash, expires_at FROM revoked_tokens WHERE expires_at > ?");
    q.addBindValue(nowSecs);
    if (q.exec())
        while (q.next()) out.insert(q.value(0).toString().toLatin1(), q.value(1).toLongLong());
    return out;
}

QString Store::passwordHash(const QString &userId)
{
    QSqlQuery q(readDb());
    q.prepare("SELECT password_hash FROM users WHERE id = ?");
    q.addBindValue(userId);
    if (q.exec() && q.next()) return q.value(0).toString();
    return QString();
}

// ---- message reads --------------------------------------------------------

Message Store::messageFromQuery(const QSqlQuery &q) const
{
    Message m;
    m.id = q.value(0).toString();
    m.channelId = q.value(1).toString();
    m.userId = q.value(2).toString();
    m.seq = q.value(3).toLongLong();
    m.content = q.value(4).toString();
    m.threadId = q.value(5).toString();
    m.replyToId = q.value(6).toString();
    m.forwardedFromId = q.value(7).toString();
    m.metadata = QJsonDocument::fromJson(q.value(8).toString().toUtf8()).object();
    const QJsonArray atts = QJsonDocument::fromJson(q.value(9).toString().toUtf8()).array();
    for (const QJsonValue &a : atts) m.attachments.append(Attachment::fromJson(a.toObject()));
    const QJsonArray mentions = QJsonDocument::fromJson(q.value(10).toString().toUtf8()).array();
    for (const QJsonValue &v : mentions) m.mentions.append(v.toString());
    m.createdAt = q.value(11).toLongLong();
    m.editedAt = q.value(12).toLongLong();
    m.deletedAt = q.value(13).toLongLong();
    m.replyCount = q.value(14).toInt();
    m.lastReplyAt = q.value(15).toLongLong();
    return m;
}

QList<Message> Store::queryMessages(const QString &where, const QVariantList &binds, int limit, bool descending,
                                    int offset)
{
    QList<Message> out;
    QSqlQuery q(readDb());
    q.setForwardOnly(true);
    q.prepare(
        QStringLiteral("SELECT %1 FROM messages WHERE %2 ORDER BY seq %3 LIMIT %4 OFFSET %5")
            .arg(QLatin1String(kMessageColumns), where, descending ? QStringLiteral("DESC") : QStringLiteral("ASC"))
            .arg(qBound(1, limit, 1000))
            .arg(qMax(0, offset)));
    for (const QVariant &b : binds) q.addBindValue(b);
    if (!q.exec()) return out;
    while (q.next()) out.append(messageFromQuery(q));
    if (descending) std::reverse(out.begin(), out.end());
    fillReactions(out);
    return out;
}

void Store::fillReactions(QList<Message> &messages)
{
    if (messages.isEmpty()) return;
    QHash<QString, int> index;
    QStringList marks;
    for (int i = 0; i < messages.size(); ++i) {
        index.insert(messages[i].id, i);
        marks.append(QStringLiteral("?"));
    }
    QSqlQuery q(readDb());
    q.prepare(
        QStringLiteral(
            "SELECT id, message_id, user_id, emoji, created_at FROM reactions WHERE message_id IN (%1) ORDER BY created_at")
            .arg(marks.join(',')));
    for (const Message &m : messages) q.addBindValue(m.id);
    if (!q.exec()) return;
    while (q.next()) {
        Reaction r{q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
                   q.value(4).toLongLong()};
        messages[index.value(r.messageId)].reactions.append(r);
    }
}

QList<Message> Store::messagesBefore(const QString &channelId, qint64 beforeSeq, int limit)
{
    // Thread replies live in their thread, not in the channel's main history.
    return queryMessages(QStringLiteral("channel_id = ? AND seq < ? AND thread_id IS NULL"),
                         {channelId, beforeSeq > 0 ? beforeSeq : std::numeric_limits<qint64>::max()}, limit, true);
}

QList<Message> Store::messagesAfter(const QString &channelId, qint64 afterSeq, int limit)
{
    return queryMessages(QStringLiteral("channel_id = ? AND seq > ?"), {channelId, afterSeq}, limit, false);
}

QList<Message> Store::threadReplies(const QString &parentId, int limit)
{
    return queryMessages(QStringLiteral("thread_id = ?"), {parentId}, limit, false);
}

QList<Message> Store::messagesPage(const QString &channelId, int page, int pageSize)
{
    return queryMessages(QStringLiteral("channel_id = ? AND thread_id IS NULL"), {channelId}, pageSize, true,
                         (qMax(1, page) - 1) * pageSize);
}

std::optional<Message> Store::message(const QString &id)
{
    QList<Message> l = queryMessages(QStringLiteral("id = ?"), {id}, 1, false);
    if (l.isEmpty()) return std::nullopt;
    return l.first();
}

std::optional<Reaction> Store::reaction(const QString &id)
{
    QSqlQuery q(readDb());
    q.prepare("SELECT id, message_id, user_id, emoji, created_at FROM reactions WHERE id = ?");
    q.addBindValue(id);
    if (!q.exec() || !q.next()) return std::nullopt;
    return Reaction{q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
                    q.value(4).toLongLong()};
}

std::optional<Attachment> Store::attachment(const QString &id)
{
    QSqlQuery q(readDb());
    q.prepare(
        "SELECT id, uploader_id, filename, original_name, mime_type, size, url, created_at FROM attachments WHERE id = ?");
    q.addBindValue(id);
    if (!q.exec() || !q.next()) return std::nullopt;
    Attachment a;
    a.id = q.value(0).toString();
    a.uploaderId = q.value(1).toString();
    a.filename = q.value(2).toString();
    a.originalName = q.value(3).toString();
    a.mimeType = q.value(4).toString();
    a.size = q.value(5).toLongLong();
    a.url = q.value(6).toString();
    a.createdAt = q.value(7).toLongLong();
    return a;
}

QStringList Store::channelsWithUpload(const QString &uploadId)
{
    QSqlQuery q(readDb());
    q.prepare("SELECT DISTINCT u.channel_id FROM message_uploads u JOIN messages m ON m.id = u.message_id"
              " WHERE u.upload_id = ? AND m.deleted_at = 0");
    q.addBindValue(uploadId);
    QStringList channels;
    if (q.exec())
        while (q.next()) channels.append(q.value(0).toString());
    return channels;
}

qint64 Store::messageCount()
{
    QSqlQuery q(readDb());
    if (q.exec("SELECT COUNT(*) FROM messages") && q.next()) return q.value(0).toLongLong();
    return -1;
}

// ---- writes ---------------------------------------------------------------

#define SB_WRITE(sql, ...)                                                       \
    enqueue(                                                                     \
        [=](QSqlDatabase &db, StoreStatus *error) {                              \
        QSqlQuery &q = StoreWriter::prepared(db, QStringLiteral(sql));           \
        int i = 0;                                                               \
        for (const QVariant &v : QVariantList{__VA_ARGS__}) q.bindValue(i++, v); \
        return exec(q, error);                                                   \
        },                                                                       \
        std::move(done))

// A logged write: the event is appended only if the statement changed a row
// (an INSERT ... ON CONFLICT DO NOTHING that raced changes nothing).
#define SB_WRITE_LOGGED(sql, ...)                                                \
    enqueueLogged(                                                               \
        [=](QSqlDatabase &db, StoreStatus *error) {                              \
        QSqlQuery &q = StoreWriter::prepared(db, QStringLiteral(sql));           \
        int i = 0;                                                               \
        for (const QVariant &v : QVariantList{__VA_ARGS__}) q.bindValue(i++, v); \
        if (!exec(q, error)) return false;                                       \
        if (stamp && q.numRowsAffected() == 0) stamp->skip = true;               \
        return true;                                                             \
        },                                                                       \
        std::move(done), stamp)

void Store::insertUser(const User &u, const QString &hash, Done done)
{
    SB_WRITE("INSERT INTO users (id, username, email, display_name, avatar_url, password_hash, disabled, created_at)"
             " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
             u.id, u.username, nullable(u.email), text(u.displayName), text(u.avatarUrl), text(hash), int(u.disabled),
             u.createdAt);
}

void Store::setUserDisabled(const QString &userId, bool disabled, Done done)
{
    SB_WRITE("UPDATE users SET disabled = ? WHERE id = ?", int(disabled), userId);
}

void Store::insertRevokedToken(const QByteArray &digest, const QString &userId, qint64 expiresAtSecs,
                               qint64 revokedAtMs, Done done)
{
    // A second logout with the same token is no error.
    SB_WRITE("INSERT INTO revoked_tokens (token_hash, user_id, expires_at, revoked_at) VALUES (?, ?, ?, ?)"
             " ON CONFLICT (token_hash) DO NOTHING",
             QString::fromLatin1(digest), userId, expiresAtSecs, revokedAtMs);
}

void Store::deleteExpiredRevocations(qint64 nowSecs, Done done)
{
    SB_WRITE("DELETE FROM revoked_tokens WHERE expires_at <= ?", nowSecs);
}

void Store::insertWorkspace(const Workspace &w, Done done)
{
    SB_WRITE("INSERT INTO workspaces (id, name, owner_id, is_default, created_at) VALUES (?, ?, ?, ?, ?)", w.id, w.name,
             nullable(w.ownerId), int(w.isDefault), w.createdAt);
}

void Store::addWorkspaceMember(const QString &workspaceId, const QString &userId, const QString &role, qint64 at,
                               Done done)
{
    SB_WRITE("INSERT INTO workspace_members (workspace_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)"
             " ON CONFLICT DO NOTHING",
             workspaceId, userId, role, at);
}

void Store::insertChannel(const Channel &c, Done done)
{
    SB_WRITE("INSERT INTO channels (id, workspace_id, name, type, description, created_by, created_at)"
             " VALUES (?, ?, ?, ?, ?, ?, ?)",
             c.id, c.workspaceId, c.name, c.typeName(), text(c.description), nullable(c.createdBy), c.createdAt);
}

void Store::updateChannel(const Channel &c, Done done)
{
    SB_WRITE("UPDATE channels SET name = ?, description = ? WHERE id = ?", c.name, text(c.description), c.id);
}

void Store::deleteChannel(const QString &channelId, Done done)
{
    enqueue(
        [=](QSqlDatabase &db, StoreStatus *error) {
        // Explicit order: SQLite only cascades with foreign_keys on, PostgreSQL always.
        for (const char *sql :
             {"DELETE FROM read_receipts WHERE message_id IN (SELECT id FROM messages WHERE channel_id = ?)",
              "DELETE FROM reactions WHERE message_id IN (SELECT id FROM messages WHERE channel_id = ?)",
              "DELETE FROM message_uploads WHERE channel_id = ?", "DELETE FROM messages WHERE channel_id = ?",
              "DELETE FROM channel_members WHERE channel_id = ?", "DELETE FROM channels WHERE id = ?"}) {
            QSqlQuery q(db);
            q.prepare(QString::fromLatin1(sql));
            q.addBindValue(channelId);
            if (!exec(q, error)) return false;
        }
        return true;
        },
        std::move(done));
}

void Store::addChannelMember(const QString &channelId, const QString &userId, qint64 at, Done done, EventStampPtr stamp)
{
    SB_WRITE_LOGGED(
        "INSERT INTO channel_members (channel_id, user_id, joined_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        channelId, userId, at);
}

void Store::removeChannelMember(const QString &channelId, const QString &userId, Done done, EventStampPtr stamp)
{
    SB_WRITE_LOGGED("DELETE FROM channel_members WHERE channel_id = ? AND user_id = ?", channelId, userId);
}

void Store::insertMessage(const Message &m, Done done, EventStampPtr stamp)
{
    QJsonArray atts;
    for (const Attachment &a : m.attachments) atts.append(a.toJson());
    auto row = std::make_shared<MessageRow>();
    row->id = m.id;
    row->channelId = m.channelId;
    row->userId = m.userId;
    row->content = m.content.isNull() ? QStringLiteral("") : m.content; // NOT NULL column
    row->threadId = m.threadId;
    row->replyToId = m.replyToId;
    row->forwardedFromId = m.forwardedFromId;
    row->metadata = jsonText(m.metadata);
    row->attachments = jsonText(atts);
    row->mentions = jsonText(QJsonArray::fromStringList(m.mentions));
    row->createdAt = m.createdAt;
    row->seq = m.seq;
    row->stamp = stamp;
    for (const Attachment &a : m.attachments) // ours have a file on disk; links do not
        if (!a.filename.isEmpty() && !row->uploads.contains(a.id)) row->uploads.append(a.id);
    // The per-message write: on SQLite bound through SQLite's API, which costs a
    // fraction of QSqlQuery's binding (see SqliteStatement). On PostgreSQL the
    // writer inserts a batch's rows together and runs this only on a replay.
    static const char kInsert[] = "INSERT INTO messages (id, channel_id, user_id, seq, content, thread_id, reply_to_id,"
                                  " forwarded_from_id, metadata, attachments, mentions, created_at)"
                                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    Write write = [row](QSqlDatabase &db, StoreStatus *error) {
        const MessageRow &r = *row;
        // The message's number is its creation event's, taken in this transaction.
        qint64 seq = r.seq;
        if (r.stamp) {
            if (!ChannelEventLog::allocate(db, r.stamp->channelId, &r.stamp->seq, error)) return false;
            seq = r.stamp->seq;
        }
        const auto logged = [&] { return !r.stamp || ChannelEventLog::insert(db, *r.stamp, error); };
        if (SqliteStatement *st = StoreWriter::sqliteStatement(db, kInsert)) {
            st->bindText(1, r.id);
            st->bindText(2, r.channelId);
            st->bindText(3, r.userId);
            st->bindInt(4, seq);
            st->bindText(5, r.content);
            st->bindNullableText(6, r.threadId);
            st->bindNullableText(7, r.replyToId);
            st->bindNullableText(8, r.forwardedFromId);
            st->bindNullableText(9, r.metadata);
            st->bindNullableText(10, r.attachments);
            st->bindNullableText(11, r.mentions);
            st->bindInt(12, r.createdAt);
            QString text;
            if (st->exec(&text)) return insertMessageUploads(db, r, error) && logged();
            *error = StoreStatus::fromSqliteCode(st->lastErrorCode(), text);
            return false;
        }
        QSqlQuery &q = StoreWriter::prepared(db, QString::fromLatin1(kInsert));
        int i = 0;
        for (const QVariant &v : QVariantList{r.id, r.channelId, r.userId, seq, text(r.content), nullable(r.threadId),
                                              nullable(r.replyToId), nullable(r.forwardedFromId), nullable(r.metadata),
                                              nullable(r.attachments), nullable(r.mentions), r.createdAt})
            q.bindValue(i++, v);
        return exec(q, error) && insertMessageUploads(db, r, error) && logged();
    };
    enqueueRow(std::move(write), std::move(done), std::move(row));
}

void Store::updateMessageContent(const QString &id, const QString &content, qint64 editedAt, Done done,
                                 EventStampPtr stamp)
{
    SB_WRITE_LOGGED("UPDATE messages SET content = ?, edited_at = ? WHERE id = ?", text(content), editedAt, id);
}

void Store::markMessageDeleted(const QString &id, qint64 deletedAt, Done done, EventStampPtr stamp)
{
    // Soft delete keeps the message's place in history; the content is gone.
    SB_WRITE_LOGGED("UPDATE messages SET content = '', deleted_at = ? WHERE id = ?", deletedAt, id);
}

void Store::bumpThread(const QString &parentId, qint64 at, Done done)
{
    SB_WRITE("UPDATE messages SET reply_count = reply_count + 1, last_reply_at = ? WHERE id = ?", at, parentId);
}

void Store::insertReaction(const Reaction &r, Done done, EventStampPtr stamp)
{
    SB_WRITE_LOGGED("INSERT INTO reactions (id, message_id, user_id, emoji, created_at) VALUES (?, ?, ?, ?, ?)", r.id,
                    r.messageId, r.userId, r.emoji, r.createdAt);
}

void Store::deleteReaction(const QString &id, Done done, EventStampPtr stamp)
{
    SB_WRITE_LOGGED("DELETE FROM reactions WHERE id = ?", id);
}

void Store::insertAttachment(const Attachment &a, Done done)
{
    SB_WRITE("INSERT INTO attachments (id, uploader_id, filename, original_name, mime_type, size, url, created_at)"
             " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
             a.id, a.uploaderId, a.filename, a.originalName, a.mimeType, a.size, a.url, a.createdAt);
}

void Store::markRead(const QString &channelId, const QString &userId, const QString &messageId, qint64 at, Done done)
{
    enqueue(
        [=](QSqlDatabase &db, StoreStatus *error) {
        QSqlQuery q(db);
        q.prepare("INSERT INTO read_receipts (message_id, user_id, read_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
        q.addBindValue(messageId);
        q.addBindValue(userId);
        q.addBindValue(at);
        if (!exec(q, error)) return false;
        q.prepare(
            "UPDATE channel_members SET last_read_message_id = ?, last_read_at = ? WHERE channel_id = ? AND user_id = ?");
        q.addBindValue(messageId);
        q.addBindValue(at);
        q.addBindValue(channelId);
        q.addBindValue(userId);
        return exec(q, error);
        },
        std::move(done));
}

void Store::pruneEventLog(int keepPerChannel, qint64 minAt, Done done)
{
    pruneEventLogSlice(keepPerChannel, minAt, 0, {}, [done](const StoreStatus &status, const auto &) {
        if (done) done(status);
    });
}

void Store::pruneEventLogSlice(int keepPerChannel, qint64 minAt, int maxRows, const ChannelEventLog::PruneSlice &from,
                               PruneDone done)
{
    // Written on the writer thread, read in done: the writer is finished with it by then.
    auto slice = std::make_shared<ChannelEventLog::PruneSlice>();
    enqueue(
        [=](QSqlDatabase &db, StoreStatus *error) {
        *slice = from; // a batch replayed after a rollback starts where this slice did
        if (!ChannelEventLog::prune(db, keepPerChannel, minAt, error, maxRows, slice.get())) return false;
        // Sessions take what the log left of the slice, once the log is done.
        const qint64 room = maxRows > 0 ? maxRows - slice->dropped : 0;
        if (slice->more) return true;
        if (maxRows > 0 && room <= 0) {
            slice->more = true;
            return true;
        }
        QSqlQuery q(db);
        if (maxRows > 0) {
            q.prepare("DELETE FROM resume_sessions WHERE id IN"
                      " (SELECT id FROM resume_sessions WHERE updated_at < ? LIMIT ?)");
            q.addBindValue(minAt);
            q.addBindValue(room);
        } else {
            q.prepare("DELETE FROM resume_sessions WHERE updated_at < ?");
            q.addBindValue(minAt);
        }
        if (!exec(q, error)) return false;
        slice->dropped += q.numRowsAffected();
        slice->more = maxRows > 0 && q.numRowsAffected() >= room;
        return true;
        },
        [slice, done](const StoreStatus &status) {
        if (done) done(status, *slice);
    });
}

void Store::saveResumeSession(const QString &id, const QString &userId, const QString &scope, const QByteArray &state,
                              qint64 at, Done done)
{
    SB_WRITE("INSERT INTO resume_sessions (id, user_id, scope, state, updated_at) VALUES (?, ?, ?, ?, ?)"
             " ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
             id, userId, scope, QString::fromUtf8(state), at);
}

void Store::deleteResumeSession(const QString &id, Done done)
{
    SB_WRITE("DELETE FROM resume_sessions WHERE id = ?", id);
}

std::optional<Store::ResumeSession> Store::resumeSession(const QString &id)
{
    QSqlQuery q(readDb());
    q.prepare("SELECT user_id, scope, state, updated_at FROM resume_sessions WHERE id = ?");
    q.addBindValue(id);
    if (!q.exec() || !q.next()) return std::nullopt;
    return ResumeSession{q.value(0).toString(), q.value(1).toString(), q.value(2).toString().toUtf8(),
                         q.value(3).toLongLong()};
}

QList<ChannelEventLog::Entry> Store::channelEvents(const QString &channelId, qint64 afterSeq, qint64 maxGid, int limit,
                                                   StoreStatus *error)
{
    QSqlDatabase db = readDb();
    return ChannelEventLog::since(db, channelId, afterSeq, maxGid, limit, error);
}

QList<ChannelEventLog::Entry> Store::channelEventsByGid(const QStringList &channelIds, qint64 afterGid, qint64 maxGid,
                                                        int limit)
{
    QSqlDatabase db = readDb();
    return ChannelEventLog::sinceGid(db, channelIds, afterGid, maxGid, limit);
}

ChannelEventLog::Floor Store::channelLogFloor(const QString &channelId)
{
    QSqlDatabase db = readDb();
    return ChannelEventLog::floor(db, channelId);
}

qint64 Store::lastEventGid()
{
    QSqlDatabase db = readDb();
    return ChannelEventLog::lastGid(db);
}

} // namespace switchboard
