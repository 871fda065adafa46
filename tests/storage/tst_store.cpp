// The Store, run twice: against SQLite in a temporary directory and against
// PostgreSQL (SWITCHBOARD_TEST_POSTGRES_URL; skipped with a message when unset).
// Every check that a write is durable reads through a second, independent
// connection, so "visible" means "committed", not "in our own transaction".

#include "storage/CommitMark.h"
#include "storage/Migrations.h"
#include "storage/PostgresCopy.h"
#include "storage/Store.h"
#include "Timestamp.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <memory>

using namespace switchboard;

namespace {

const char *kPostgresEnv = "SWITCHBOARD_TEST_POSTGRES_URL";

User makeUser(const QString &name, const QString &email = QString())
{
    User u;
    u.id = Timestamp::newId();
    u.username = name;
    u.email = email;
    u.displayName = name.toUpper();
    u.avatarUrl = QStringLiteral("https://example.test/%1.png").arg(name);
    u.createdAt = 1700000000000;
    return u;
}

Workspace makeWorkspace(const QString &name, const QString &owner = QString())
{
    return Workspace{Timestamp::newId(), name, owner, false, 1700000000001};
}

Channel makeChannel(const QString &workspaceId, const QString &name, Channel::Type type = Channel::Type::Public)
{
    Channel c;
    c.id = Timestamp::newId();
    c.workspaceId = workspaceId;
    c.name = name;
    c.type = type;
    c.description = QStringLiteral("about %1").arg(name);
    c.createdAt = 1700000000002;
    return c;
}

Message makeMessage(const QString &channelId, const QString &userId, qint64 seq, const QString &content)
{
    Message m;
    m.id = Timestamp::newId();
    m.channelId = channelId;
    m.userId = userId;
    m.seq = seq;
    m.content = content;
    m.createdAt = 1700000000000 + seq * 1000;
    return m;
}

QStringList contents(const QList<Message> &messages)
{
    QStringList out;
    for (const Message &m : messages) out.append(m.content);
    return out;
}

// Runs one write to completion now and reports how it went.
bool commitNow(Store &store, const std::function<void(Store::Done)> &write, QString *error = nullptr)
{
    auto result = std::make_shared<QPair<int, QString>>(-1, QStringLiteral("callback not called"));
    write([result](const StoreStatus &st) { *result = {st.ok() ? 1 : 0, st.text}; });
    store.flush();
    if (error) *error = result->second;
    return result->first == 1;
}

// What the callbacks of a batch saw. Shared, so a failing test cannot leave
// a callback pointing into a dead stack frame.
struct CallbackLog
{
    QList<bool> ok;
    QStringList errors;
    QList<int> visibleRows; // rows a second connection could see when the callback ran
};

// A stamp as the core makes one: the payload records the number it was given.
EventStampPtr stampFor(const QString &channelId, const QString &type, qint64 at = 1700000000000)
{
    auto s = std::make_shared<EventStamp>();
    s->channelId = channelId;
    s->type = type;
    s->at = at;
    s->payload = [](qint64 seq) -> QByteArray { return QByteArray("{\"n\":") + QByteArray::number(seq) + "}"; };
    return s;
}

QList<qint64> seqsOf(const QList<ChannelEventLog::Entry> &entries)
{
    QList<qint64> out;
    for (const auto &e : entries) out.append(e.seq);
    return out;
}

} // namespace

class StoreSuite : public QObject
{
    Q_OBJECT
public:
    enum class Backend { Sqlite, Postgres };

protected:
    explicit StoreSuite(Backend backend) : m_backend(backend) {}

    Store &store() { return *m_store; }

    QString url() const { return m_backend == Backend::Sqlite ? QStringLiteral("sqlite:") : m_postgresUrl; }
    QString dataDir() const { return m_dir ? m_dir->path() : QString(); }

    bool openStore(std::unique_ptr<Store> &s, QString *error)
    {
        s = std::make_unique<Store>();
        return s->open(url(), dataDir(), error);
    }

    // A second connection to the same database, for checking what is committed.
    QSqlDatabase verifyDb()
    {
        if (QSqlDatabase::contains(m_verifyName)) return QSqlDatabase::database(m_verifyName);
        QSqlDatabase db;
        if (m_backend == Backend::Sqlite) {
            db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_verifyName);
            db.setDatabaseName(QDir(dataDir()).filePath(QStringLiteral("switchboard.db")));
        } else {
            const QUrl u(m_postgresUrl);
            db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_verifyName);
            db.setHostName(u.host());
            db.setPort(u.port(5432));
            db.setUserName(u.userName());
            db.setPassword(u.password());
            db.setDatabaseName(u.path().mid(1));
        }
        if (!db.open()) qWarning() << "verify connection failed:" << db.lastError().text();
        return db;
    }

    void closeVerifyDb()
    {
        if (!QSqlDatabase::contains(m_verifyName)) return;
        QSqlDatabase::database(m_verifyName, false).close();
        QSqlDatabase::removeDatabase(m_verifyName);
    }

    QVariant scalar(const QString &sql, const QVariantList &binds = {})
    {
        QSqlQuery q(verifyDb());
        q.prepare(sql);
        for (const QVariant &b : binds) q.addBindValue(b);
        if (!q.exec() || !q.next()) {
            qWarning() << "verify query failed:" << sql << q.lastError().text();
            return QVariant();
        }
        return q.value(0);
    }

    int rowCount(const QString &table, const QString &where = QString(), const QVariantList &binds = {})
    {
        const QVariant v = scalar(QStringLiteral("SELECT COUNT(*) FROM %1%2")
                                      .arg(table, where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + where),
                                  binds);
        return v.isValid() ? v.toInt() : -1;
    }

    // Two users, a workspace with both, two public channels with both as members.
    struct Fixture
    {
        User alice, bob;
        Workspace ws;
        Channel one, two;
    };
    Fixture seed()
    {
        Fixture f{makeUser(QStringLiteral("alice"), QStringLiteral("alice@example.test")),
                  makeUser(QStringLiteral("bob")),
                  makeWorkspace(QStringLiteral("Acme")),
                  {},
                  {}};
        f.one = makeChannel(f.ws.id, QStringLiteral("one"));
        f.two = makeChannel(f.ws.id, QStringLiteral("two"));
        store().insertUser(f.alice, QStringLiteral("hash-a"), nullptr);
        store().insertUser(f.bob, QStringLiteral("hash-b"), nullptr);
        store().insertWorkspace(f.ws, nullptr);
        store().insertChannel(f.one, nullptr);
        store().insertChannel(f.two, nullptr);
        for (const Channel &c : {f.one, f.two})
            for (const User &u : {f.alice, f.bob}) store().addChannelMember(c.id, u.id, 1700000000003, nullptr);
        store().flush();
        return f;
    }

    // n message events in a channel's log, created at 1700000000000 + first.. on; their stamps.
    QList<EventStampPtr> fillLog(const Fixture &f, const QString &channelId, int n, int first = 1)
    {
        QList<EventStampPtr> stamps;
        for (int i = first; i < first + n; ++i) {
            stamps.append(stampFor(channelId, QStringLiteral("message.created"), 1700000000000 + i));
            store().insertMessage(makeMessage(channelId, f.alice.id, 0, QStringLiteral("m%1").arg(i)), nullptr,
                                  stamps.last());
        }
        store().flush();
        return stamps;
    }

    // One retention slice through the store, going on from *slice; *slice
    // becomes where the next one goes on. False if the write failed.
    bool pruneSlice(int keep, qint64 minAt, int maxRows, ChannelEventLog::PruneSlice *slice)
    {
        auto next = std::make_shared<ChannelEventLog::PruneSlice>();
        const bool ok = commitNow(store(), [&](Store::Done d) {
            store().pruneEventLogSlice(keep, minAt, maxRows, *slice,
                                       [next, d](const StoreStatus &st, const ChannelEventLog::PruneSlice &n) {
                *next = n;
                d(st);
            });
        });
        *slice = *next;
        return ok;
    }

    // Inserts messages 1..n into a channel, contents "m1".."mn".
    QList<Message> postMany(const Fixture &f, const Channel &c, int n)
    {
        QList<Message> out;
        for (int i = 1; i <= n; ++i) {
            out.append(makeMessage(c.id, f.alice.id, i, QStringLiteral("m%1").arg(i)));
            store().insertMessage(out.last(), nullptr);
        }
        store().flush();
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (m_backend == Backend::Postgres) {
            m_postgresUrl = qEnvironmentVariable(kPostgresEnv);
            if (m_postgresUrl.isEmpty())
                QSKIP(
                    "SWITCHBOARD_TEST_POSTGRES_URL is not set: PostgreSQL half skipped. Start a throwaway cluster with "
                    "eval \"$(scripts/postgres-test.sh start)\"; export SWITCHBOARD_TEST_POSTGRES_URL");
            QVERIFY2(verifyDb().isOpen(), qPrintable(QStringLiteral("cannot connect to %1").arg(m_postgresUrl)));
        }
    }

    void init()
    {
        if (m_backend == Backend::Sqlite) {
            m_dir = std::make_unique<QTemporaryDir>();
            QVERIFY(m_dir->isValid());
        } else {
            // A fresh, empty schema per test: migrations start from nothing every time.
            QSqlQuery q(verifyDb());
            QVERIFY2(q.exec(QStringLiteral("DROP SCHEMA public CASCADE")), qPrintable(q.lastError().text()));
            QVERIFY2(q.exec(QStringLiteral("CREATE SCHEMA public")), qPrintable(q.lastError().text()));
        }
        QString error;
        QVERIFY2(openStore(m_store, &error), qPrintable(error));
    }

    void cleanup()
    {
        m_store.reset();
        if (m_backend == Backend::Sqlite) {
            closeVerifyDb();
            m_dir.reset();
        }
    }

    void cleanupTestCase() { closeVerifyDb(); }

    // ---- migrations --------------------------------------------------------

    void openSelectsTheDriverFromTheUrl()
    {
        QVERIFY(store().isOpen());
        QCOMPARE(store().driverName(),
                 m_backend == Backend::Sqlite ? QStringLiteral("QSQLITE") : QStringLiteral("QPSQL"));
    }

    void migrationsRecordEveryVersionOnce()
    {
        const int latest = Migrations::latestVersion();
        QVERIFY(latest >= 1);
        QCOMPARE(rowCount(QStringLiteral("schema_migrations")), latest);
        QCOMPARE(scalar(QStringLiteral("SELECT MIN(version) FROM schema_migrations")).toInt(), 1);
        QCOMPARE(scalar(QStringLiteral("SELECT MAX(version) FROM schema_migrations")).toInt(), latest);
        // Every table of the schema exists (COUNT on a missing table fails and gives -1).
        for (const char *table : {"users", "workspaces", "workspace_members", "channels", "channel_members", "messages",
                                  "reactions", "attachments", "read_receipts"})
            QCOMPARE(rowCount(QString::fromLatin1(table)), 0);
    }

    void reopeningDoesNotRerunMigrations()
    {
        const qint64 appliedAt = scalar(QStringLiteral("SELECT MAX(applied_at) FROM schema_migrations")).toLongLong();
        QVERIFY(appliedAt > 0);
        const Fixture f = seed();
        m_store.reset();
        QString error;
        QVERIFY2(openStore(m_store, &error), qPrintable(error));
        QCOMPARE(rowCount(QStringLiteral("schema_migrations")), Migrations::latestVersion());
        QCOMPARE(scalar(QStringLiteral("SELECT MAX(applied_at) FROM schema_migrations")).toLongLong(), appliedAt);
        // A rerun of step 1 would have failed on CREATE TABLE or wiped the data.
        QCOMPARE(store().loadUsers().size(), 2);
        QCOMPARE(store().loadChannels().size(), 2);
        Q_UNUSED(f);
    }

    void schemaNewerThanTheServerIsRefused()
    {
        m_store.reset();
        QSqlQuery q(verifyDb());
        q.prepare(QStringLiteral("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"));
        q.addBindValue(Migrations::latestVersion() + 1);
        q.addBindValue(Timestamp::nowMs());
        QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
        QString error;
        QVERIFY(!openStore(m_store, &error));
        QVERIFY2(error.contains(QLatin1String("newer")), qPrintable(error));
        QVERIFY(!m_store->isOpen());
    }

    // ---- directory round trips ---------------------------------------------

    void usersRoundTripWithPasswordHash()
    {
        const User alice = makeUser(QStringLiteral("alice"), QStringLiteral("alice@example.test"));
        QString error;
        QVERIFY2(commitNow(
                     store(), [&](Store::Done d) { store().insertUser(alice, QStringLiteral("$argon2id$x"), d); },
                     &error),
                 qPrintable(error));
        const QList<User> users = store().loadUsers();
        QCOMPARE(users.size(), 1);
        const User &u = users.first();
        QCOMPARE(u.id, alice.id);
        QCOMPARE(u.username, alice.username);
        QCOMPARE(u.email, alice.email);
        QCOMPARE(u.displayName, alice.displayName);
        QCOMPARE(u.avatarUrl, alice.avatarUrl);
        QCOMPARE(u.createdAt, alice.createdAt);
        QCOMPARE(u.disabled, false);
        QCOMPARE(store().passwordHash(alice.id), QStringLiteral("$argon2id$x"));
        QCOMPARE(store().passwordHash(Timestamp::newId()), QString());
    }

    void usersWithoutEmailDoNotCollide()
    {
        // Empty email is stored as NULL, and UNIQUE ignores NULLs.
        QVERIFY(commitNow(store(),
                          [&](Store::Done d) { store().insertUser(makeUser(QStringLiteral("a")), QString(), d); }));
        QVERIFY(commitNow(store(),
                          [&](Store::Done d) { store().insertUser(makeUser(QStringLiteral("b")), QString(), d); }));
        QCOMPARE(store().loadUsers().size(), 2);
        QCOMPARE(rowCount(QStringLiteral("users"), QStringLiteral("email IS NULL")), 2);
    }

    void duplicateUsernameOrEmailIsRefused()
    {
        QVERIFY(commitNow(store(), [&](Store::Done d) {
            store().insertUser(makeUser(QStringLiteral("a"), QStringLiteral("a@x.test")), QString(), d);
        }));
        QString error;
        QVERIFY(!commitNow(
            store(), [&](Store::Done d) { store().insertUser(makeUser(QStringLiteral("a")), QString(), d); }, &error));
        QVERIFY(!error.isEmpty());
        QVERIFY(!commitNow(
            store(),
            [&](Store::Done d) {
            store().insertUser(makeUser(QStringLiteral("b"), QStringLiteral("a@x.test")), QString(), d);
            },
            &error));
        QCOMPARE(store().loadUsers().size(), 1);
    }

    void duplicatesAreConflictsByTheDriversCode()
    {
        // The core maps Conflict to its own error without reading message text.
        const User u = makeUser(QStringLiteral("dup"), QStringLiteral("dup@x.test"));
        StoreStatus first, second, other;
        store().insertUser(u, QString(), [&](const StoreStatus &st) { first = st; });
        store().flush();
        store().insertUser(u, QString(), [&](const StoreStatus &st) { second = st; });
        store().flush();
        QCOMPARE(first.kind, StoreStatus::Ok);
        QCOMPARE(second.kind, StoreStatus::Conflict);
        QVERIFY(!second.text.isEmpty());
        // A failure that is not a uniqueness violation is not a Conflict.
        store().enqueue(
            [](QSqlDatabase &db, StoreStatus *status) {
            QSqlQuery q(db);
            if (q.exec(QStringLiteral("INSERT INTO no_such_table VALUES (1)"))) return true;
            *status = StoreStatus::fromSqlError(q.lastError());
            return false;
            },
            [&](const StoreStatus &st) { other = st; });
        store().flush();
        QCOMPARE(other.kind, StoreStatus::Failed);
    }

    void disablingAUserIsPersisted()
    {
        const User u = makeUser(QStringLiteral("carol"));
        QVERIFY(commitNow(store(), [&](Store::Done d) { store().insertUser(u, QString(), d); }));
        QVERIFY(commitNow(store(), [&](Store::Done d) { store().setUserDisabled(u.id, true, d); }));
        QCOMPARE(store().loadUsers().first().disabled, true);
        QVERIFY(commitNow(store(), [&](Store::Done d) { store().setUserDisabled(u.id, false, d); }));
        QCOMPARE(store().loadUsers().first().disabled, false);
    }

    void workspacesAndMembershipsRoundTrip()
    {
        const User owner = makeUser(QStringLiteral("owner"));
        Workspace ws = makeWorkspace(QStringLiteral("Acme"), owner.id);
        Workspace def = makeWorkspace(QStringLiteral("Default"));
        def.isDefault = true;
        store().insertUser(owner, QString(), nullptr);
        store().insertWorkspace(ws, nullptr);
        store().insertWorkspace(def, nullptr);
        QVERIFY(commitNow(store(), [&](Store::Done d) {
            store().addWorkspaceMember(ws.id, owner.id, QStringLiteral("owner"), 42, d);
        }));
        // Adding the same member again is not an error and does not duplicate.
        QVERIFY(commitNow(store(), [&](Store::Done d) {
            store().addWorkspaceMember(ws.id, owner.id, QStringLiteral("member"), 43, d);
        }));

        QHash<QString, Workspace> byId;
        for (const Workspace &w : store().loadWorkspaces()) byId.insert(w.id, w);
        QCOMPARE(byId.size(), 2);
        QCOMPARE(byId.value(ws.id).name, QStringLiteral("Acme"));
        QCOMPARE(byId.value(ws.id).ownerId, owner.id);
        QCOMPARE(byId.value(ws.id).isDefault, false);
        QCOMPARE(byId.value(ws.id).createdAt, ws.createdAt);
        QCOMPARE(byId.value(def.id).isDefault, true);
        QCOMPARE(byId.value(def.id).ownerId, QString());

        const QList<Store::Membership> members = store().loadWorkspaceMembers();
        QCOMPARE(members.size(), 1);
        QCOMPARE(members.first().scopeId, ws.id);
        QCOMPARE(members.first().userId, owner.id);
        QCOMPARE(members.first().role, QStringLiteral("owner"));
        QCOMPARE(members.first().joinedAt, qint64(42));
    }

    void channelsRoundTripAndUpdate()
    {
        const Fixture f = seed();
        Channel priv = makeChannel(f.ws.id, QStringLiteral("secret"), Channel::Type::Private);
        priv.createdBy = f.alice.id;
        Channel dm = makeChannel(f.ws.id, QStringLiteral("alice,bob"), Channel::Type::Dm);
        QVERIFY(commitNow(store(), [&](Store::Done d) { store().insertChannel(priv, d); }));
        QVERIFY(commitNow(store(), [&](Store::Done d) { store().insertChannel(dm, d); }));
        priv.name = QStringLiteral("renamed");
        priv.description = QString(); // a null description must not violate NOT NULL
        QVERIFY(commitNow(store(), [&](Store::Done d) { store().updateChannel(priv, d); }));

        QHash<QString, Channel> byId;
        for (const Channel &c : store().loadChannels()) byId.insert(c.id, c);
        QCOMPARE(byId.size(), 4);
        QCOMPARE(byId.value(priv.id).name, QStringLiteral("renamed"));
        QCOMPARE(byId.value(priv.id).description, QString());
        QCOMPARE(byId.value(priv.id).type, Channel::Type::Private);
        QCOMPARE(byId.value(priv.id).createdBy, f.alice.id);
        QCOMPARE(byId.value(priv.id).workspaceId, f.ws.id);
        QCOMPARE(byId.value(dm.id).type, Channel::Type::Dm);
        QCOMPARE(byId.value(f.one.id).type, Channel::Type::Public);
        QCOMPARE(byId.value(f.one.id).description, QStringLiteral("about one"));
        QCOMPARE(byId.value(f.one.id).createdAt, f.one.createdAt);
    }

    void channelMembershipsAddAndRemove()
    {
        const Fixture f = seed();
        QCOMPARE(store().loadChannelMembers().size(), 4);
        // Adding an existing member is idempotent.
        QVERIFY(commitNow(store(), [&](Store::Done d) { store().addChannelMember(f.one.id, f.bob.id, 99, d); }));
        QCOMPARE(store().loadChannelMembers().size(), 4);
        QVERIFY(commitNow(store(), [&](Store::Done d) { store().removeChannelMember(f.one.id, f.bob.id, d); }));
        const QList<Store::Membership> members = store().loadChannelMembers();
        QCOMPARE(members.size(), 3);
        for (const Store::Membership &m : members) QVERIFY(!(m.scopeId == f.one.id && m.userId == f.bob.id));
        // Membership needs a real user (foreign key).
        QVERIFY(
            !commitNow(store(), [&](Store::Done d) { store().addChannelMember(f.one.id, Timestamp::newId(), 1, d); }));
    }

    // ---- messages ------------------------------------------------------------

    void messageRoundTripKeepsEveryField()
    {
        const Fixture f = seed();
        Message parent = makeMessage(f.one.id, f.alice.id, 1, QStringLiteral("parent"));
        Message m = makeMessage(f.one.id, f.bob.id, 2, QStringLiteral("héllo @alice ✓"));
        m.threadId = parent.id;
        m.replyToId = parent.id;
        m.forwardedFromId = parent.id;
        m.metadata = QJsonObject{{"system", true}, {"n", 3}};
        Attachment a;
        a.id = Timestamp::newId();
        a.filename = QStringLiteral("x.png");
        a.originalName = QStringLiteral("my x.png");
        a.mimeType = QStringLiteral("image/png");
        a.size = 1234;
        a.url = QStringLiteral("/api/v1/uploads/") + a.id;
        a.uploaderId = f.bob.id;
        a.createdAt = 1700000000500;
        m.attachments = {a};
        m.mentions = {f.alice.id};
        const quint64 replays = store().replayCount();
        store().insertMessage(parent, nullptr);
        QString error;
        QVERIFY2(commitNow(
                     store(), [&](Store::Done d) { store().insertMessage(m, d); }, &error),
                 qPrintable(error));
        QCOMPARE(store().replayCount(), replays); // both rows in one batch: on PostgreSQL, the batched path

        const std::optional<Message> got = store().message(m.id);
        QVERIFY(got.has_value());
        QCOMPARE(got->id, m.id);
        QCOMPARE(got->channelId, f.one.id);
        QCOMPARE(got->userId, f.bob.id);
        QCOMPARE(got->seq, qint64(2));
        QCOMPARE(got->content, m.content);
        QCOMPARE(got->threadId, parent.id);
        QCOMPARE(got->replyToId, parent.id);
        QCOMPARE(got->forwardedFromId, parent.id);
        QCOMPARE(got->metadata, m.metadata);
        QCOMPARE(got->mentions, m.mentions);
        QCOMPARE(got->createdAt, m.createdAt);
        QCOMPARE(got->editedAt, qint64(0));
        QCOMPARE(got->deletedAt, qint64(0));
        QCOMPARE(got->attachments.size(), 1);
        const Attachment &ga = got->attachments.first();
        QCOMPARE(ga.id, a.id);
        QCOMPARE(ga.filename, a.filename);
        QCOMPARE(ga.originalName, a.originalName);
        QCOMPARE(ga.mimeType, a.mimeType);
        QCOMPARE(ga.size, a.size);
        QCOMPARE(ga.url, a.url);
        // A plain message reads back with empty optional fields.
        const std::optional<Message> p = store().message(parent.id);
        QVERIFY(p.has_value());
        QVERIFY(p->threadId.isEmpty());
        QVERIFY(p->metadata.isEmpty());
        QVERIFY(p->attachments.isEmpty());
        QVERIFY(p->mentions.isEmpty());
        QCOMPARE(store().message(Timestamp::newId()).has_value(), false);
        QCOMPARE(store().messageCount(), qint64(2));
    }

    void messageAttachmentKeepsItsCreationTime()
    {
        // History and sync show a message's attachments from this JSON column; the
        // live event shows the original. Both must say when the file was uploaded.
        const Fixture f = seed();
        Message m = makeMessage(f.one.id, f.alice.id, 1, QString());
        Attachment a;
        a.id = Timestamp::newId();
        a.filename = QStringLiteral("x.png");
        a.originalName = QStringLiteral("x.png");
        a.mimeType = QStringLiteral("image/png");
        a.size = 1;
        a.url = QStringLiteral("/u/x.png");
        a.createdAt = 1700000000500;
        m.attachments = {a};
        QVERIFY(commitNow(store(), [&](Store::Done d) { store().insertMessage(m, d); }));
        const std::optional<Message> got = store().message(m.id);
        QVERIFY(got.has_value());
        QCOMPARE(got->attachments.size(), 1);
        QCOMPARE(got->attachments.first().createdAt, a.createdAt);
        QCOMPARE(got->attachments.first().toJson(), a.toJson()); // what every dialect sends for history
    }

    void channelSequencesReportTheHighestSeq()
    {
        const Fixture f = seed();
        postMany(f, f.one, 5);
        store().insertMessage(makeMessage(f.two.id, f.bob.id, 7, QStringLiteral("x")), nullptr);
        store().flush();
        const QHash<QString, qint64> seqs = store().loadChannelSequences();
        QCOMPARE(seqs.size(), 2);
        QCOMPARE(seqs.value(f.one.id), qint64(5));
        QCOMPARE(seqs.value(f.two.id), qint64(7));
    }

    void sequenceIsUniquePerChannel()
    {
        const Fixture f = seed();
        QVERIFY(commitNow(store(), [&](Store::Done d) {
            store().insertMessage(makeMessage(f.one.id, f.alice.id, 1, QStringLiteral("a")), d);
        }));
        QVERIFY(!commitNow(store(), [&](Store::Done d) {
            store().insertMessage(makeMessage(f.one.id, f.bob.id, 1, QStringLiteral("b")), d);
        }));
        // The same number in another channel is fine.
        QVERIFY(commitNow(store(), [&](Store::Done d) {
            store().insertMessage(makeMessage(f.two.id, f.bob.id, 1, QStringLiteral("c")), d);
        }));
    }

    void messagesBeforeGivesOlderMessagesOldestFirst()
    {
        const Fixture f = seed();
        const QList<Message> all = postMany(f, f.one, 10);
        postMany(f, f.two, 3); // another channel's messages never leak in
        QCOMPARE(contents(store().messagesBefore(f.one.id, 0, 3)), QStringList({"m8", "m9", "m10"}));
        QCOMPARE(contents(store().messagesBefore(f.one.id, all[7].seq, 3)), QStringList({"m5", "m6", "m7"}));
        QCOMPARE(contents(store().messagesBefore(f.one.id, all[2].seq, 50)), QStringList({"m1", "m2"}));
        QVERIFY(store().messagesBefore(f.one.id, all[0].seq, 50).isEmpty());
    }

    void messagesBeforeLeavesThreadRepliesInTheirThread()
    {
        const Fixture f = seed();
        const QList<Message> all = postMany(f, f.one, 2);
        Message reply = makeMessage(f.one.id, f.bob.id, 3, QStringLiteral("reply"));
        reply.threadId = all[0].id;
        QVERIFY(commitNow(store(), [&](Store::Done d) { store().insertMessage(reply, d); }));
        QCOMPARE(contents(store().messagesBefore(f.one.id, 0, 50)), QStringList({"m1", "m2"}));
        QCOMPARE(contents(store().messagesPage(f.one.id, 1, 50)), QStringList({"m1", "m2"}));
    }

    void messagesAfterGivesNewerMessagesInOrderWithThreadReplies()
    {
        const Fixture f = seed();
        const QList<Message> all = postMany(f, f.one, 4);
        Message reply = makeMessage(f.one.id, f.bob.id, 5, QStringLiteral("reply"));
        reply.threadId = all[0].id;
        store().insertMessage(reply, nullptr);
        store().insertMessage(makeMessage(f.one.id, f.alice.id, 6, QStringLiteral("m6")), nullptr);
        store().flush();
        // Exact sync: everything with a higher sequence, replies included.
        QCOMPARE(contents(store().messagesAfter(f.one.id, all[1].seq, 50)), QStringList({"m3", "m4", "reply", "m6"}));
        QCOMPARE(contents(store().messagesAfter(f.one.id, 0, 2)), QStringList({"m1", "m2"}));
        QVERIFY(store().messagesAfter(f.one.id, 6, 50).isEmpty());
        QVERIFY(store().messagesAfter(f.two.id, 0, 50).isEmpty());
    }

    void messagesPageOneIsTheNewestPageOldestFirst()
    {
        const Fixture f = seed();
        postMany(f, f.one, 7);
        QCOMPARE(contents(store().messagesPage(f.one.id, 1, 3)), QStringList({"m5", "m6", "m7"}));
        QCOMPARE(contents(store().messagesPage(f.one.id, 2, 3)), QStringList({"m2", "m3", "m4"}));
        QCOMPARE(contents(store().messagesPage(f.one.id, 3, 3)), QStringList({"m1"}));
        QVERIFY(store().messagesPage(f.one.id, 4, 3).isEmpty());
        // Page numbers below 1 mean the first page.
        QCOMPARE(contents(store().messagesPage(f.one.id, 0, 3)), QStringList({"m5", "m6", "m7"}));
    }

    void threadRepliesAndBumpThread()
    {
        const Fixture f = seed();
        const QList<Message> all = postMany(f, f.one, 2);
        const Message parent = all[0];
        for (int i = 0; i < 3; ++i) {
            Message r = makeMessage(f.one.id, f.bob.id, 10 + i, QStringLiteral("r%1").arg(i));
            r.threadId = parent.id;
            store().insertMessage(r, nullptr);
            store().bumpThread(parent.id, r.createdAt, nullptr);
        }
        store().flush();
        QCOMPARE(contents(store().threadReplies(parent.id, 50)), QStringList({"r0", "r1", "r2"}));
        QCOMPARE(contents(store().threadReplies(parent.id, 2)), QStringList({"r0", "r1"}));
        QVERIFY(store().threadReplies(all[1].id, 50).isEmpty());
        const std::optional<Message> p = store().message(parent.id);
        QVERIFY(p.has_value());
        QCOMPARE(p->replyCount, 3);
        QCOMPARE(p->lastReplyAt, makeMessage(QString(), QString(), 12, QString()).createdAt);
        QCOMPARE(store().message(all[1].id)->replyCount, 0);
    }

    void blankContentIsStoredEmptyAndMissingReferencesAsNull()
    {
        // The same NULL/'' rules on every backend and binding path.
        const Fixture f = seed();
        const Message blank = makeMessage(f.one.id, f.alice.id, 1, QString());
        bool ok = false;
        store().insertMessage(blank, [&](const StoreStatus &st) { ok = st.ok(); });
        store().flush();
        QVERIFY(ok);
        // The message row's own binding path classifies a duplicate too.
        StoreStatus again;
        store().insertMessage(blank, [&](const StoreStatus &st) { again = st; });
        store().flush();
        QCOMPARE(again.kind, StoreStatus::Conflict);
        QCOMPARE(rowCount(QStringLiteral("messages"), QStringLiteral("id = ? AND content = ''"), {blank.id}), 1);
        QCOMPARE(rowCount(QStringLiteral("messages"),
                          QStringLiteral("thread_id IS NULL AND reply_to_id IS NULL AND"
                                         " forwarded_from_id IS NULL AND mentions IS NULL")),
                 1);
    }

    void threadIndexCoversOnlyThreadReplies()
    {
        // Migration 3: top-level messages (thread_id NULL) cost no index insert.
        const QString def =
            m_backend == Backend::Sqlite
                ? scalar(
                      QStringLiteral("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'messages_thread'"))
                      .toString()
                : scalar(QStringLiteral("SELECT indexdef FROM pg_indexes WHERE indexname = 'messages_thread'"))
                      .toString();
        QVERIFY2(def.contains(QLatin1String("thread_id IS NOT NULL"), Qt::CaseInsensitive), qPrintable(def));
        if (m_backend == Backend::Sqlite) {
            // ... and thread lookups still use it.
            QSqlQuery q(verifyDb());
            QVERIFY(q.exec(
                QStringLiteral("EXPLAIN QUERY PLAN SELECT id FROM messages WHERE thread_id = 'x' ORDER BY seq")));
            QString plan;
            while (q.next()) plan += q.value(3).toString() + QLatin1Char('\n');
            QVERIFY2(plan.contains(QLatin1String("messages_thread")), qPrintable(plan));
        }
    }

    void reactionsAreUniquePerMessageUserAndEmoji()
    {
        const Fixture f = seed();
        const Message m = postMany(f, f.one, 1).first();
        const Reaction first{Timestamp::newId(), m.id, f.alice.id, QStringLiteral("👍"), 1};
        QVERIFY(commitNow(store(), [&](Store::Done d) { store().insertReaction(first, d); }));
        QString error;
        QVERIFY(!commitNow(
            store(),
            [&](Store::Done d) {
            store().insertReaction({Timestamp::newId(), m.id, f.alice.id, QStringLiteral("👍"), 2}, d);
            },
            &error));
        QVERIFY(!error.isEmpty());
        // Another emoji, or another user with the same emoji, is a new reaction.
        QVERIFY(commitNow(store(), [&](Store::Done d) {
            store().insertReaction({Timestamp::newId(), m.id, f.alice.id, QStringLiteral("🎉"), 3}, d);
        }));
        QVERIFY(commitNow(store(), [&](Store::Done d) {
            store().insertReaction({Timestamp::newId(), m.id, f.bob.id, QStringLiteral("👍"), 4}, d);
        }));
        // A reaction needs an existing message (foreign key).
        QVERIFY(!commitNow(store(), [&](Store::Done d) {
            store().insertReaction({Timestamp::newId(), Timestamp::newId(), f.bob.id, QStringLiteral("👍"), 5}, d);
        }));
        QCOMPARE(rowCount(QStringLiteral("reactions")), 3);
    }

    void reactionsAreFilledIntoMessagesAndCanBeDeleted()
    {
        const Fixture f = seed();
        const QList<Message> all = postMany(f, f.one, 2);
        const Reaction r1{Timestamp::newId(), all[0].id, f.alice.id, QStringLiteral("👍"), 10};
        const Reaction r2{Timestamp::newId(), all[0].id, f.bob.id, QStringLiteral("❤️"), 20};
        store().insertReaction(r2, nullptr);
        store().insertReaction(r1, nullptr);
        store().flush();
        const QList<Message> listed = store().messagesAfter(f.one.id, 0, 50);
        QCOMPARE(listed.size(), 2);
        QCOMPARE(listed[0].reactions.size(), 2);
        QCOMPARE(listed[0].reactions[0].id, r1.id); // ordered by time
        QCOMPARE(listed[0].reactions[1].emoji, r2.emoji);
        QCOMPARE(listed[0].reactions[1].userId, f.bob.id);
        QVERIFY(listed[1].reactions.isEmpty());
        const std::optional<Reaction> got = store().reaction(r2.id);
        QVERIFY(got.has_value());
        QCOMPARE(got->messageId, all[0].id);
        QCOMPARE(got->createdAt, qint64(20));
        QVERIFY(commitNow(store(), [&](Store::Done d) { store().deleteReaction(r2.id, d); }));
        QVERIFY(!store().reaction(r2.id).has_value());
        QCOMPARE(store().message(all[0].id)->reactions.size(), 1);
    }

    void softDeleteBlanksContentAndKeepsTheSequence()
    {
        const Fixture f = seed();
        const QList<Message> all = postMany(f, f.one, 3);
        QVERIFY(commitNow(store(), [&](Store::Done d) {
            store().updateMessageContent(all[0].id, QStringLiteral("edited"), 5000, d);
        }));
        QVERIFY(commitNow(store(), [&](Store::Done d) { store().markMessageDeleted(all[1].id, 6000, d); }));
        const std::optional<Message> edited = store().message(all[0].id);
        QCOMPARE(edited->content, QStringLiteral("edited"));
        QCOMPARE(edited->editedAt, qint64(5000));
        const std::optional<Message> gone = store().message(all[1].id);
        QVERIFY(gone.has_value());
        QVERIFY(gone->isDeleted());
        QCOMPARE(gone->deletedAt, qint64(6000));
        QCOMPARE(gone->content, QString());
        // Still listed: a syncing client learns that m2 is gone.
        const QList<Message> after = store().messagesAfter(f.one.id, 0, 50);
        QCOMPARE(after.size(), 3);
        QCOMPARE(after[1].seq, qint64(2));
        QVERIFY(after[1].isDeleted());
    }

    void markReadRecordsReceiptAndLastRead()
    {
        const Fixture f = seed();
        const QList<Message> all = postMany(f, f.one, 2);
        QVERIFY(commitNow(store(), [&](Store::Done d) { store().markRead(f.one.id, f.bob.id, all[0].id, 111, d); }));
        QVERIFY(commitNow(store(), [&](Store::Done d) { store().markRead(f.one.id, f.bob.id, all[1].id, 222, d); }));
        // Reading the same message twice is not an error.
        QVERIFY(commitNow(store(), [&](Store::Done d) { store().markRead(f.one.id, f.bob.id, all[1].id, 333, d); }));
        QCOMPARE(rowCount(QStringLiteral("read_receipts"), QStringLiteral("user_id = ?"), {f.bob.id}), 2);
        QCOMPARE(scalar(QStringLiteral("SELECT read_at FROM read_receipts WHERE message_id = ? AND user_id = ?"),
                        {all[1].id, f.bob.id})
                     .toLongLong(),
                 qint64(222));
        QCOMPARE(scalar(QStringLiteral(
                            "SELECT last_read_message_id FROM channel_members WHERE channel_id = ? AND user_id = ?"),
                        {f.one.id, f.bob.id})
                     .toString(),
                 all[1].id);
        QCOMPARE(scalar(QStringLiteral("SELECT last_read_at FROM channel_members WHERE channel_id = ? AND user_id = ?"),
                        {f.one.id, f.bob.id})
                     .toLongLong(),
                 qint64(333));
        QCOMPARE(scalar(QStringLiteral("SELECT last_read_at FROM channel_members WHERE channel_id = ? AND user_id = ?"),
                        {f.one.id, f.alice.id})
                     .toLongLong(),
                 qint64(0));
    }

    void deleteChannelRemovesItsMessagesOnly()
    {
        const Fixture f = seed();
        const QList<Message> doomed = postMany(f, f.one, 3);
        postMany(f, f.two, 2);
        store().insertReaction({Timestamp::newId(), doomed[0].id, f.bob.id, QStringLiteral("👍"), 1}, nullptr);
        store().markRead(f.one.id, f.bob.id, doomed[0].id, 1, nullptr);
        store().flush();
        QString error;
        QVERIFY2(commitNow(
                     store(), [&](Store::Done d) { store().deleteChannel(f.one.id, d); }, &error),
                 qPrintable(error));
        QCOMPARE(rowCount(QStringLiteral("messages"), QStringLiteral("channel_id = ?"), {f.one.id}), 0);
        QCOMPARE(rowCount(QStringLiteral("reactions")), 0);
        QCOMPARE(rowCount(QStringLiteral("read_receipts")), 0);
        QCOMPARE(rowCount(QStringLiteral("channel_members"), QStringLiteral("channel_id = ?"), {f.one.id}), 0);
        QCOMPARE(rowCount(QStringLiteral("channels"), QStringLiteral("id = ?"), {f.one.id}), 0);
        QVERIFY(!store().message(doomed[0].id).has_value());
        QVERIFY(!store().loadChannelSequences().contains(f.one.id));
        // The other channel is untouched.
        QCOMPARE(contents(store().messagesAfter(f.two.id, 0, 50)), QStringList({"m1", "m2"}));
        QCOMPARE(rowCount(QStringLiteral("channel_members"), QStringLiteral("channel_id = ?"), {f.two.id}), 2);
    }

    void attachmentsRoundTrip()
    {
        Attachment a;
        a.id = Timestamp::newId();
        a.uploaderId = Timestamp::newId();
        a.filename = QStringLiteral("abc.bin");
        a.originalName = QStringLiteral("report (final).pdf");
        a.mimeType = QStringLiteral("application/pdf");
        a.size = qint64(5) * 1024 * 1024 * 1024; // BIGINT, beyond 32 bits
        a.url = QStringLiteral("/api/v1/uploads/") + a.id;
        a.createdAt = 1700000000999;
        QVERIFY(commitNow(store(), [&](Store::Done d) { store().insertAttachment(a, d); }));
        const std::optional<Attachment> got = store().attachment(a.id);
        QVERIFY(got.has_value());
        QCOMPARE(got->toJson(), a.toJson());
        QCOMPARE(got->uploaderId, a.uploaderId);
        QCOMPARE(got->size, a.size);
        QVERIFY(!store().attachment(Timestamp::newId()).has_value());
    }

    // ---- group commit ------------------------------------------------------

    void writesQueuedInOneLoopPassShareOneCommit()
    {
        const quint64 commits = store().commitCount();
        const quint64 writes = store().writeCount();
        const double totalMsBefore = store().totalCommitMs();
        const int n = 40;
        auto log = std::make_shared<CallbackLog>();
        for (int i = 0; i < n; ++i)
            store().insertUser(makeUser(QStringLiteral("batch%1").arg(i)), QString(), [log](const StoreStatus &st) {
                log->ok.append(st.ok());
                log->errors.append(st.text);
            });
        // Queued, not written: nothing happens before the event loop runs.
        QCOMPARE(log->ok.size(), 0);
        QCOMPARE(store().commitCount(), commits);
        QCOMPARE(rowCount(QStringLiteral("users")), 0);
        QTRY_COMPARE(log->ok.size(), n);
        QCOMPARE(log->ok, QList<bool>(n, true));
        QCOMPARE(store().commitCount(), commits + 1);
        QCOMPARE(store().writeCount(), writes + n);
        QCOMPARE(rowCount(QStringLiteral("users")), n);
        // The timing figures describe that one commit: it took some time (a
        // transaction of 40 inserts cannot take under a microsecond), the total
        // grew by exactly its duration (whole microseconds), and it is within
        // the slowest so far.
        const double lastMs = store().lastCommitMs();
        QVERIFY2(lastMs > 0, qPrintable(QString::number(lastMs)));
        QCOMPARE(qRound64(store().totalCommitMs() * 1000) - qRound64(totalMsBefore * 1000), qRound64(lastMs * 1000));
        QVERIFY2(store().maxCommitMs() >= lastMs,
                 qPrintable(QStringLiteral("max %1 < last %2").arg(store().maxCommitMs()).arg(lastMs)));
    }

    void callbacksRunOnlyAfterTheBatchIsCommitted()
    {
        const int n = 10;
        auto log = std::make_shared<CallbackLog>();
        for (int i = 0; i < n; ++i)
            store().insertUser(makeUser(QStringLiteral("durable%1").arg(i)), QString(),
                               [this, log](const StoreStatus &st) {
                const bool ok = st.ok();
                log->ok.append(ok);
                // Another connection sees only committed rows: all n, already at the first callback.
                log->visibleRows.append(rowCount(QStringLiteral("users")));
            });
        QTRY_COMPARE(log->ok.size(), n);
        QCOMPARE(log->visibleRows, QList<int>(n, n));
    }

    void failingWriteFailsAloneWhileTheRestOfTheBatchCommits()
    {
        const User a = makeUser(QStringLiteral("a"));
        User dup = makeUser(QStringLiteral("dup"));
        dup.id = a.id; // primary key clash
        const User c = makeUser(QStringLiteral("c"));
        const quint64 commits = store().commitCount();
        auto log = std::make_shared<CallbackLog>();
        auto rec = [log](const StoreStatus &st) {
            log->ok.append(st.ok());
            log->errors.append(st.text);
        };
        store().insertUser(a, QString(), rec);
        store().insertUser(dup, QString(), rec);
        store().insertUser(c, QString(), rec);
        QTRY_COMPARE(log->ok.size(), 3);
        QCOMPARE(log->ok, QList<bool>({true, false, true}));
        QVERIFY(log->errors[0].isEmpty());
        QVERIFY(!log->errors[1].isEmpty());
        QVERIFY(store().commitCount() > commits);
        QCOMPARE(rowCount(QStringLiteral("users")), 2);
        QCOMPARE(rowCount(QStringLiteral("users"), QStringLiteral("username = ?"), {QStringLiteral("dup")}), 0);
        QCOMPARE(rowCount(QStringLiteral("users"), QStringLiteral("username = ?"), {QStringLiteral("c")}), 1);
    }

    void failedWriteLeavesNoDriverWarnings()
    {
        // A failing statement must be cleaned up like a good one. On PostgreSQL a
        // statement freed while the transaction is aborted cannot be deallocated:
        // the driver warns and the server keeps the prepared statement.
        const User a = makeUser(QStringLiteral("a"));
        QVERIFY(commitNow(store(), [&](Store::Done d) { store().insertUser(a, QString(), d); }));
        static QStringList warnings;
        warnings.clear();
        const QtMessageHandler previous = qInstallMessageHandler(
            [](QtMsgType type, const QMessageLogContext &, const QString &msg) {
            if (type != QtDebugMsg) warnings.append(msg.trimmed());
        });
        const bool failed = !commitNow(store(), [&](Store::Done d) { store().insertUser(a, QString(), d); });
        qInstallMessageHandler(previous);
        QVERIFY(failed);
        QCOMPARE(warnings, QStringList());
        // The same statement works again after failing (prepared statements are reused).
        QVERIFY(commitNow(store(),
                          [&](Store::Done d) { store().insertUser(makeUser(QStringLiteral("b")), QString(), d); }));
        QCOMPARE(rowCount(QStringLiteral("users")), 2);
    }

    void writeQueuedFromACallbackGoesIntoTheNextBatch()
    {
        const quint64 commits = store().commitCount();
        auto log = std::make_shared<CallbackLog>();
        store().insertUser(makeUser(QStringLiteral("first")), QString(), [this, log](const StoreStatus &st) {
            const bool ok = st.ok();
            log->ok.append(ok);
            store().insertUser(makeUser(QStringLiteral("second")), QString(),
                               [log](const StoreStatus &st2) { log->ok.append(st2.ok()); });
        });
        QTRY_COMPARE(log->ok.size(), 2);
        QCOMPARE(log->ok, QList<bool>({true, true}));
        QCOMPARE(store().commitCount(), commits + 2);
    }

    void enqueuedRawWritesJoinTheBatch()
    {
        auto log = std::make_shared<CallbackLog>();
        store().enqueue(
            [](QSqlDatabase &db, StoreStatus *error) {
            QSqlQuery q(db);
            if (q.exec(QStringLiteral("INSERT INTO workspaces (id, name, created_at) VALUES ('w1', 'Raw', 1)")))
                return true;
            *error = StoreStatus::fromSqlError(q.lastError());
            return false;
            },
            [log](const StoreStatus &st) {
            log->ok.append(st.ok());
            log->errors.append(st.text);
        });
        // A write that reports failure is rolled back to its savepoint, even if its SQL ran.
        store().enqueue(
            [](QSqlDatabase &db, StoreStatus *error) {
            QSqlQuery q(db);
            q.exec(QStringLiteral("INSERT INTO workspaces (id, name, created_at) VALUES ('w2', 'Undone', 1)"));
            *error = StoreStatus::failed(QStringLiteral("changed my mind"));
            return false;
            },
            [log](const StoreStatus &st) {
            log->ok.append(st.ok());
            log->errors.append(st.text);
        });
        QTRY_COMPARE(log->ok.size(), 2);
        QCOMPARE(log->ok, QList<bool>({true, false}));
        QCOMPARE(log->errors[1], QStringLiteral("changed my mind"));
        QCOMPARE(rowCount(QStringLiteral("workspaces"), QStringLiteral("id = 'w1'")), 1);
        QCOMPARE(rowCount(QStringLiteral("workspaces"), QStringLiteral("id = 'w2'")), 0);
    }

    // ---- durability ----------------------------------------------------------

    void closeFlushesPendingWrites()
    {
        auto log = std::make_shared<CallbackLog>();
        const User u = makeUser(QStringLiteral("late"));
        store().insertUser(u, QString(), [log](const StoreStatus &st) { log->ok.append(st.ok()); });
        store().close();
        QCOMPARE(log->ok, QList<bool>({true}));
        QVERIFY(!store().isOpen());
        QString error;
        QVERIFY2(openStore(m_store, &error), qPrintable(error));
        QCOMPARE(store().loadUsers().size(), 1);
        QCOMPARE(store().loadUsers().first().id, u.id);
    }

    void reopenAfterCloseKeepsData()
    {
        const Fixture f = seed();
        const QList<Message> all = postMany(f, f.one, 3);
        store().insertReaction({Timestamp::newId(), all[2].id, f.bob.id, QStringLiteral("👍"), 1}, nullptr);
        store().flush();
        m_store.reset();
        QString error;
        QVERIFY2(openStore(m_store, &error), qPrintable(error));
        QCOMPARE(store().loadUsers().size(), 2);
        QCOMPARE(store().loadChannelMembers().size(), 4);
        QCOMPARE(store().loadChannelSequences().value(f.one.id), qint64(3));
        const QList<Message> back = store().messagesBefore(f.one.id, 0, 50);
        QCOMPARE(contents(back), QStringList({"m1", "m2", "m3"}));
        QCOMPARE(back[2].reactions.size(), 1);
        QCOMPARE(store().passwordHash(f.alice.id), QStringLiteral("hash-a"));
    }

    // ---- the channel event log (resume) -----------------------------------------

    void loggedWritesNumberEachChannelInTheirTransaction()
    {
        const Fixture f = seed();
        QList<EventStampPtr> stamps;
        for (int i = 0; i < 3; ++i) {
            stamps.append(stampFor(f.one.id, QStringLiteral("message.created")));
            store().insertMessage(makeMessage(f.one.id, f.alice.id, 0, QStringLiteral("m%1").arg(i)), nullptr,
                                  stamps.last());
        }
        const Message first = store().messagesAfter(f.one.id, 0, 10).value(0);
        auto reaction = stampFor(f.two.id, QStringLiteral("member.left"));
        store().removeChannelMember(f.two.id, f.bob.id, nullptr, reaction);
        auto again = stampFor(f.two.id, QStringLiteral("member.left"));
        store().removeChannelMember(f.two.id, f.bob.id, nullptr, again); // changes nothing: logs nothing
        store().flush();
        QCOMPARE(stamps[0]->seq, qint64(1));
        QCOMPARE(stamps[2]->seq, qint64(3));
        QVERIFY(stamps[0]->gid < stamps[1]->gid && stamps[1]->gid < stamps[2]->gid);
        // The message row carries its creation event's number.
        const QList<Message> rows = store().messagesAfter(f.one.id, 0, 10);
        QCOMPARE(rows.size(), 3);
        QCOMPARE(rows[2].seq, qint64(3));
        Q_UNUSED(first);
        QCOMPARE(reaction->seq, qint64(1));
        QVERIFY(again->skip);
        QCOMPARE(again->seq, qint64(0));
        const auto log = store().channelEvents(f.one.id, 0, -1, 100);
        QCOMPARE(seqsOf(log), QList<qint64>({1, 2, 3}));
        QCOMPARE(log[1].payload, QByteArray("{\"n\":2}"));
        QCOMPARE(log[1].type, QStringLiteral("message.created"));
        QCOMPARE(seqsOf(store().channelEvents(f.one.id, 1, stamps[1]->gid, 100)), QList<qint64>({2}));
        QCOMPARE(seqsOf(store().channelEvents(f.two.id, 0, -1, 100)), QList<qint64>({1}));
        QCOMPARE(store().channelLogFloor(f.one.id).lastSeq, qint64(3));
        QCOMPARE(store().lastEventGid(), reaction->gid);
        QCOMPARE(store().loadChannelSequences().value(f.one.id), qint64(3));
        // By global position, across channels, in commit order.
        const auto byGid = store().channelEventsByGid({f.one.id, f.two.id}, stamps[0]->gid, -1, 100);
        QCOMPARE(byGid.size(), 3);
        QCOMPARE(byGid.last().channelId, f.two.id);
    }

    void aFailedWriteGivesItsNumberBack()
    {
        const Fixture f = seed();
        const Message taken = makeMessage(f.one.id, f.alice.id, 0, QStringLiteral("first"));
        auto s1 = stampFor(f.one.id, QStringLiteral("message.created"));
        QVERIFY(commitNow(store(), [&](Store::Done d) { store().insertMessage(taken, d, s1); }));
        // One batch: a good write, a duplicate id (fails), a good write.
        auto s2 = stampFor(f.one.id, QStringLiteral("message.created"));
        auto s3 = stampFor(f.one.id, QStringLiteral("message.created"));
        auto s4 = stampFor(f.one.id, QStringLiteral("message.created"));
        auto log = std::make_shared<QList<bool>>();
        const auto record = [log](const StoreStatus &st) { log->append(st.ok()); };
        store().insertMessage(makeMessage(f.one.id, f.alice.id, 0, QStringLiteral("second")), record, s2);
        Message dup = taken;
        dup.content = QStringLiteral("duplicate");
        store().insertMessage(dup, record, s3);
        store().insertMessage(makeMessage(f.one.id, f.alice.id, 0, QStringLiteral("third")), record, s4);
        store().flush();
        QCOMPARE(*log, QList<bool>({true, false, true}));
        QCOMPARE(s2->seq, qint64(2));
        QCOMPARE(s4->seq, qint64(3)); // the failed one's number went back
        QCOMPARE(seqsOf(store().channelEvents(f.one.id, 0, -1, 100)), QList<qint64>({1, 2, 3}));
        QCOMPARE(contents(store().messagesAfter(f.one.id, 0, 10)), QStringList({"first", "second", "third"}));
    }

    void aBigBatchAcrossChannelsIsNumberedGaplessInOrder()
    {
        // More rows than one multi-row statement takes (MessageBatchWriter), two
        // channels interleaved, and a logged non-message write in the middle.
        const Fixture f = seed();
        const quint64 commits = store().commitCount(), replays = store().replayCount();
        struct Sent
        {
            QString channelId, content;
            EventStampPtr stamp;
        };
        QList<Sent> sent;
        for (int i = 0; i < 1200; ++i) {
            if (i == 700) {
                sent.append({f.two.id, QString(), stampFor(f.two.id, QStringLiteral("member.left"))});
                store().removeChannelMember(f.two.id, f.bob.id, nullptr, sent.last().stamp);
            }
            const QString channel = i % 3 == 0 ? f.two.id : f.one.id;
            sent.append({channel, QStringLiteral("m%1 'quoted' \\ ✓").arg(i),
                         stampFor(channel, QStringLiteral("message.created"))});
            store().insertMessage(makeMessage(channel, f.alice.id, 0, sent.last().content), nullptr, sent.last().stamp);
        }
        store().flush();
        QCOMPARE(store().commitCount(), commits + 1); // one batch, committed once
        QCOMPARE(store().replayCount(), replays);     // by the batched path, not row by row after a failure
        QHash<QString, qint64> expected;
        qint64 lastGid = 0;
        for (const Sent &s : sent) {
            QCOMPARE(s.stamp->seq, ++expected[s.channelId]); // gapless, in the order written
            QVERIFY(s.stamp->gid > lastGid);                 // global positions in the order written
            lastGid = s.stamp->gid;
        }
        for (const Channel &c : {f.one, f.two}) {
            const QList<Message> rows = store().messagesAfter(c.id, 0, 2000);
            const auto log = store().channelEvents(c.id, 0, -1, 2000);
            QCOMPARE(log.size(), qsizetype(expected.value(c.id)));
            QCOMPARE(store().channelLogFloor(c.id).lastSeq, expected.value(c.id));
            QStringList want;
            for (const Sent &s : sent)
                if (s.channelId == c.id && !s.content.isNull()) want.append(s.content);
            QCOMPARE(contents(rows), want);
            // Each message row carries its event's number; the log entry its gid and payload.
            QHash<qint64, ChannelEventLog::Entry> bySeq;
            for (const auto &e : log) bySeq.insert(e.seq, e);
            for (const Message &m : rows) {
                const ChannelEventLog::Entry e = bySeq.value(m.seq);
                QCOMPARE(e.type, QStringLiteral("message.created"));
                QCOMPARE(e.payload, QByteArray("{\"n\":") + QByteArray::number(m.seq) + "}");
            }
        }
        for (const Sent &s : sent) {
            const auto entry = store().channelEvents(s.channelId, s.stamp->seq - 1, -1, 1).value(0);
            QCOMPARE(entry.gid, s.stamp->gid);
        }
    }

    void aBatchKeepsTabsNewlinesAndBackslashes()
    {
        // On PostgreSQL a batch goes in by COPY, whose text format escapes tab,
        // newline, carriage return and backslash, and reads \N as NULL: all of
        // them must come back as written, in the messages and in the event log.
        const Fixture f = seed();
        const quint64 commits = store().commitCount(), replays = store().replayCount();
        const QStringList written{QStringLiteral("tab\there"),
                                  QStringLiteral("line\nbreak\r\n"),
                                  QStringLiteral("back\\slash \\N \\t \\\\"),
                                  QStringLiteral("\\N"),
                                  QString(),
                                  QStringLiteral("\t\t")};
        QList<EventStampPtr> stamps;
        for (const QString &content : written) {
            stamps.append(stampFor(f.one.id, QStringLiteral("message.created")));
            stamps.last()->payload = [content](qint64) -> QByteArray {
                return QByteArray("raw\t\\N\n") + content.toUtf8();
            };
            store().insertMessage(makeMessage(f.one.id, f.alice.id, 0, content), nullptr, stamps.last());
        }
        store().flush();
        QCOMPARE(store().commitCount(), commits + 1); // one batch
        QCOMPARE(store().replayCount(), replays);     // no row failed
        QStringList want = written;
        want[4] = QStringLiteral(""); // a null content is stored as empty text
        QCOMPARE(contents(store().messagesAfter(f.one.id, 0, 10)), want);
        const auto log = store().channelEvents(f.one.id, 0, -1, 10);
        QCOMPARE(log.size(), written.size());
        for (int i = 0; i < written.size(); ++i) {
            QCOMPARE(log[i].payload, QByteArray(QByteArray("raw\t\\N\n") + written[i].toUtf8()));
            QCOMPARE(log[i].gid, stamps[i]->gid);
        }
    }

    void aBatchLargerThanOneCopyChunkArrivesWhole()
    {
        // A build with libpq really takes the COPY path on a QPSQL connection (a
        // wrong driver-handle check once made every batch fall back to INSERT).
        if (m_backend == Backend::Postgres && PostgresCopy::compiledIn()) QVERIFY(PostgresCopy::available(verifyDb()));
        // PostgreSQL streams a batch's COPY in chunks while it formats the rows: a
        // batch of several chunks (escapes across chunk edges included) must come
        // back whole and in order, and one bad row still fails alone.
        const Fixture f = seed();
        const quint64 commits = store().commitCount(), replays = store().replayCount();
        QStringList written;
        QList<EventStampPtr> stamps;
        for (int i = 0; i < 40; ++i) {
            QString content = QStringLiteral("m%1 ").arg(i);
            while (content.size() < 4000) content += QStringLiteral("tab\t\there\\ line\n");
            written.append(content);
            stamps.append(stampFor(f.one.id, QStringLiteral("message.created")));
            stamps.last()->payload = [content](qint64 seq) -> QByteArray {
                return QByteArray::number(seq) + content.toUtf8();
            };
            store().insertMessage(makeMessage(f.one.id, f.alice.id, 0, content), nullptr, stamps.last());
        }
        store().flush();
        QCOMPARE(store().commitCount(), commits + 1); // one batch of about 160 kB, 3 chunks
        QCOMPARE(store().replayCount(), replays);
        QCOMPARE(contents(store().messagesAfter(f.one.id, 0, 100)), written);
        const auto log = store().channelEvents(f.one.id, 0, -1, 100);
        QCOMPARE(log.size(), written.size());
        for (int i = 0; i < written.size(); ++i)
            QCOMPARE(log[i].payload, QByteArray::number(stamps[i]->seq) + written[i].toUtf8());
        // The same size with one message for a channel that does not exist.
        auto results = std::make_shared<QList<bool>>();
        for (int i = 0; i < 40; ++i)
            store().insertMessage(makeMessage(i == 25 ? Timestamp::newId() : f.two.id, f.alice.id, i + 1, written[i]),
                                  [results](const StoreStatus &st) { results->append(st.ok()); });
        store().flush();
        QCOMPARE(results->size(), 40);
        QCOMPARE(results->count(false), 1);
        QVERIFY(!results->at(25));
        QCOMPARE(rowCount(QStringLiteral("messages"), QStringLiteral("channel_id = ?"), {f.two.id}), 39);
    }

    void aNulInContentEndsTheSameInABatchAsAlone()
    {
        // PostgreSQL text cannot hold U+0000: the write fails, and in a batch it
        // must fail alone rather than be cut short by the literal quoting; SQLite keeps it.
        const Fixture f = seed();
        QString content = QStringLiteral("a");
        content.append(QChar(0));
        content.append(QStringLiteral("b"));
        const Message alone = makeMessage(f.one.id, f.alice.id, 1, content);
        const bool aloneOk = commitNow(store(), [&](Store::Done d) { store().insertMessage(alone, d); });
        QCOMPARE(aloneOk, m_backend == Backend::Sqlite);
        const Message withNul = makeMessage(f.one.id, f.alice.id, 2, content);
        const Message plain = makeMessage(f.one.id, f.alice.id, 3, QStringLiteral("x"));
        auto results = std::make_shared<QList<bool>>();
        const auto record = [results](const StoreStatus &st) { results->append(st.ok()); };
        store().insertMessage(withNul, record);
        store().insertMessage(plain, record);
        store().flush();
        QCOMPARE(*results, QList<bool>({aloneOk, true}));
        const std::optional<Message> got = store().message(withNul.id);
        QCOMPARE(got.has_value(), aloneOk);
        if (got) QCOMPARE(got->content, content);
    }

    void aFailingRowInABigBatchFailsAlone()
    {
        // A duplicate id and an unknown channel among good rows of two channels:
        // the batch is replayed one by one, only those two fail, and the
        // numbers of the rest stay gapless.
        const Fixture f = seed();
        const Message taken = makeMessage(f.one.id, f.alice.id, 0, QStringLiteral("taken"));
        QVERIFY(commitNow(store(), [&](Store::Done d) {
            store().insertMessage(taken, d, stampFor(f.one.id, QStringLiteral("message.created")));
        }));
        const quint64 replays = store().replayCount();
        auto results = std::make_shared<QList<bool>>();
        QList<EventStampPtr> stamps;
        QList<bool> want;
        for (int i = 0; i < 40; ++i) {
            Message m = makeMessage(i % 2 ? f.two.id : f.one.id, f.bob.id, 0, QStringLiteral("b%1").arg(i));
            if (i == 11) m.id = taken.id; // primary key clash
            if (i == 25) m.channelId = Timestamp::newId();
            stamps.append(stampFor(m.channelId, QStringLiteral("message.created")));
            want.append(i != 11 && i != 25);
            store().insertMessage(
                m, [results](const StoreStatus &st) { results->append(st.ok()); }, stamps.last());
        }
        store().flush();
        QCOMPARE(*results, want);
        QCOMPARE(store().replayCount(), replays + 1);
        QHash<QString, qint64> expected{{f.one.id, 1}};
        for (int i = 0; i < 40; ++i)
            if (want[i]) QCOMPARE(stamps[i]->seq, ++expected[i % 2 ? f.two.id : f.one.id]);
        QCOMPARE(store().channelEvents(f.one.id, 0, -1, 100).size(), qsizetype(expected.value(f.one.id)));
        QCOMPARE(store().channelEvents(f.two.id, 0, -1, 100).size(), qsizetype(expected.value(f.two.id)));
        QCOMPARE(store().messagesAfter(f.one.id, 0, 100).size(), qsizetype(expected.value(f.one.id)));
        QCOMPARE(store().messagesAfter(f.two.id, 0, 100).size(), qsizetype(expected.value(f.two.id)));
        QCOMPARE(store().message(taken.id)->content, QStringLiteral("taken"));
    }

    void pruningKeepsTheTailAndRaisesTheFloor()
    {
        const Fixture f = seed();
        const QList<EventStampPtr> stamps = fillLog(f, f.one.id, 10);
        QVERIFY(commitNow(store(), [&](Store::Done d) { store().pruneEventLog(3, 0, d); }));
        QCOMPARE(seqsOf(store().channelEvents(f.one.id, 0, -1, 100)), QList<qint64>({8, 9, 10}));
        ChannelEventLog::Floor floor = store().channelLogFloor(f.one.id);
        QCOMPARE(floor.floorSeq, qint64(7));
        QCOMPARE(floor.floorGid, stamps[6]->gid);
        // By age: everything is old, but the newest entry stays (it proves nothing newer was pruned).
        QVERIFY(commitNow(store(), [&](Store::Done d) { store().pruneEventLog(1000, 1800000000000, d); }));
        QCOMPARE(seqsOf(store().channelEvents(f.one.id, 0, -1, 100)), QList<qint64>({10}));
        floor = store().channelLogFloor(f.one.id);
        QCOMPARE(floor.floorSeq, qint64(9));
        QCOMPARE(floor.floorGid, stamps[8]->gid);
        // Numbers go on; a pruned log never hands out a position twice.
        auto next = stampFor(f.one.id, QStringLiteral("message.created"));
        QVERIFY(commitNow(store(), [&](Store::Done d) {
            store().insertMessage(makeMessage(f.one.id, f.alice.id, 0, QStringLiteral("m11")), d, next);
        }));
        QCOMPARE(next->seq, qint64(11));
        QVERIFY(next->gid > stamps.last()->gid);
    }

    void pruningInSlicesEndsWhereOnePruneWould()
    {
        // Two channels, 12 and 7 entries, keep 2 each: 15 entries to drop, and
        // 6 expired resume sessions, in slices of 4 rows of either kind.
        const Fixture f = seed();
        const QList<EventStampPtr> stamps = fillLog(f, f.one.id, 12) + fillLog(f, f.two.id, 7, 13);
        for (int i = 0; i < 6; ++i)
            QVERIFY(commitNow(store(), [&](Store::Done d) {
                store().saveResumeSession(QStringLiteral("old-%1").arg(i), f.alice.id, QStringLiteral("/chat"), "{}", 5,
                                          d);
            }));
        const auto remaining = [&] {
            return store().channelEvents(f.one.id, 0, -1, 100).size()
                 + store().channelEvents(f.two.id, 0, -1, 100).size();
        };
        const auto sessionsLeft = [&] {
            int n = 0;
            for (int i = 0; i < 6; ++i) n += store().resumeSession(QStringLiteral("old-%1").arg(i)).has_value();
            return n;
        };
        QCOMPARE(remaining(), qsizetype(19));
        QList<qsizetype> left;
        QList<int> sessions;
        qint64 dropped = 0;
        ChannelEventLog::PruneSlice slice;
        for (int call = 0; call < 10; ++call) {
            QVERIFY(pruneSlice(2, 7, 4, &slice));
            QVERIFY(slice.dropped <= 4); // one cap for both kinds of row
            dropped += slice.dropped;
            left.append(remaining());
            sessions.append(sessionsLeft());
            if (!slice.more) break;
        }
        // The log first, then the sessions with what is left of a slice; the last call says it is done.
        QCOMPARE(left, QList<qsizetype>({15, 11, 7, 4, 4, 4}));
        QCOMPARE(sessions, QList<int>({6, 6, 6, 5, 1, 0}));
        QCOMPARE(dropped, qint64(21));
        QVERIFY(slice.afterChannelId.isEmpty());
        QCOMPARE(seqsOf(store().channelEvents(f.one.id, 0, -1, 100)), QList<qint64>({11, 12}));
        QCOMPARE(seqsOf(store().channelEvents(f.two.id, 0, -1, 100)), QList<qint64>({6, 7}));
        QCOMPARE(store().channelLogFloor(f.one.id).floorSeq, qint64(10));
        QCOMPARE(store().channelLogFloor(f.one.id).floorGid, stamps[9]->gid);
        QCOMPARE(store().channelLogFloor(f.two.id).floorSeq, qint64(5));
        QCOMPARE(store().channelLogFloor(f.two.id).floorGid, stamps[16]->gid);
    }

    void pruningInSlicesWalksTheChannelsOnce()
    {
        // A chain of slices walks the channels by id, once: a channel behind
        // the cursor that grows meanwhile waits for the next pass.
        const Fixture f = seed();
        fillLog(f, f.one.id, 3);
        fillLog(f, f.two.id, 3, 4);
        ChannelEventLog::PruneSlice slice;
        QVERIFY(pruneSlice(1, 0, 2, &slice));
        QVERIFY(slice.more);
        QVERIFY(slice.afterChannelId == f.one.id || slice.afterChannelId == f.two.id);
        const QString first = slice.afterChannelId;
        const QString second = first == f.one.id ? f.two.id : f.one.id;
        QCOMPARE(seqsOf(store().channelEvents(first, 0, -1, 100)), QList<qint64>({3}));
        fillLog(f, first, 3, 7);
        QVERIFY(pruneSlice(1, 0, 2, &slice));
        QCOMPARE(seqsOf(store().channelEvents(second, 0, -1, 100)), QList<qint64>({3}));
        QCOMPARE(seqsOf(store().channelEvents(first, 0, -1, 100)), QList<qint64>({3, 4, 5, 6}));
        QVERIFY(slice.afterChannelId.isEmpty()); // the pass is over
        for (int call = 0; call < 10 && slice.more; ++call) QVERIFY(pruneSlice(1, 0, 2, &slice));
        QVERIFY(!slice.more);
        QCOMPARE(seqsOf(store().channelEvents(first, 0, -1, 100)), QList<qint64>({6}));
        QCOMPARE(store().channelLogFloor(first).floorSeq, qint64(5));
    }

    void pruningByAgeInSlicesWalksUpTheLog()
    {
        // Ten entries, all too old, kept by count: the age cut walks a slice at a time.
        const Fixture f = seed();
        const QList<EventStampPtr> stamps = fillLog(f, f.one.id, 10);
        QList<qsizetype> left;
        QList<bool> mores;
        ChannelEventLog::PruneSlice slice;
        for (int call = 0; call < 10; ++call) {
            QVERIFY(pruneSlice(1000, 1800000000000, 3, &slice));
            left.append(store().channelEvents(f.one.id, 0, -1, 100).size());
            mores.append(slice.more);
            if (!slice.more) break;
        }
        QCOMPARE(left, QList<qsizetype>({7, 4, 1, 1}));
        QCOMPARE(mores, QList<bool>({true, true, true, false}));
        QCOMPARE(store().channelLogFloor(f.one.id).floorSeq, qint64(9));
        QCOMPARE(store().channelLogFloor(f.one.id).floorGid, stamps[8]->gid);
    }

    void resumeSessionsRoundTrip()
    {
        const Fixture f = seed();
        QVERIFY(commitNow(store(), [&](Store::Done d) {
            store().saveResumeSession(QStringLiteral("pid-1"), f.alice.id, QStringLiteral("/chat"), "{\"a\":1}", 5, d);
        }));
        QVERIFY(commitNow(store(), [&](Store::Done d) {
            store().saveResumeSession(QStringLiteral("pid-1"), f.alice.id, QStringLiteral("/chat"), "{\"a\":2}", 6, d);
        }));
        auto s = store().resumeSession(QStringLiteral("pid-1"));
        QVERIFY(s.has_value());
        QCOMPARE(s->state, QByteArray("{\"a\":2}"));
        QCOMPARE(s->updatedAt, qint64(6));
        QVERIFY(commitNow(store(), [&](Store::Done d) { store().pruneEventLog(1000, 7, d); }));
        QVERIFY(!store().resumeSession(QStringLiteral("pid-1")).has_value()); // older than the retention
    }

protected:
    Backend m_backend;
    QString m_postgresUrl;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Store> m_store;
    const QString m_verifyName = QStringLiteral("tst_store-verify");
};

class SqliteStoreTest : public StoreSuite
{
    Q_OBJECT
public:
    SqliteStoreTest() : StoreSuite(Backend::Sqlite) {}

private Q_SLOTS:
    void defaultSqliteFileLivesInTheDataDir()
    {
        QVERIFY(QFileInfo::exists(QDir(dataDir()).filePath(QStringLiteral("switchboard.db"))));
        QCOMPARE(scalar(QStringLiteral("PRAGMA journal_mode")).toString().toLower(), QStringLiteral("wal"));
    }

    void explicitSqlitePathIsUsedAndSurvivesReopen()
    {
        const QString path = QDir(dataDir()).filePath(QStringLiteral("elsewhere.db"));
        const User u = makeUser(QStringLiteral("file"));
        {
            Store s;
            QString error;
            QVERIFY2(s.open(QStringLiteral("sqlite:") + path, QString(), &error), qPrintable(error));
            QVERIFY(commitNow(s, [&](Store::Done d) { s.insertUser(u, QStringLiteral("h"), d); }));
        }
        QVERIFY(QFileInfo::exists(path));
        Store again;
        QString error;
        QVERIFY2(again.open(QStringLiteral("sqlite:") + path, QString(), &error), qPrintable(error));
        QCOMPARE(again.loadUsers().size(), 1);
        QCOMPARE(again.loadUsers().first().id, u.id);
        QCOMPARE(again.passwordHash(u.id), QStringLiteral("h"));
    }

    void badDatabaseUrlsAreRefused_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown scheme") << "mysql://root@localhost/db"
                                        << "bad database URL";
        QTest::newRow("plain word") << "switchboard.db"
                                    << "bad database URL";
        QTest::newRow("postgres without host") << "postgres:///db"
                                               << "bad database URL";
        QTest::newRow("postgres without database") << "postgres://user@127.0.0.1:5432/"
                                                   << "bad database URL";
        QTest::newRow("postgres nobody listens") << "postgres://user@127.0.0.1:1/db"
                                                 << "cannot open database";
        QTest::newRow("sqlite in a missing directory") << "sqlite:/nonexistent-switchboard-dir/x/y.db"
                                                       << "cannot open database";
    }

    void badDatabaseUrlsAreRefused()
    {
        QFETCH(QString, url);
        QFETCH(QString, expected);
        Store s;
        QString error;
        QVERIFY(!s.open(url, dataDir(), &error));
        QVERIFY2(error.contains(expected), qPrintable(error));
        QVERIFY(!s.isOpen());
        QCOMPARE(s.driverName(), QString());
    }
};

class PostgresStoreTest : public StoreSuite
{
    Q_OBJECT
public:
    PostgresStoreTest() : StoreSuite(Backend::Postgres) {}

private:
    int channelForeignKeys(const char *table)
    {
        return scalar(QStringLiteral("SELECT COUNT(*) FROM pg_constraint WHERE contype = 'f'"
                                     " AND conrelid = '%1'::regclass AND confrelid = 'channels'::regclass")
                          .arg(QLatin1String(table)))
            .toInt();
    }
    QString errorCodeOf(const QString &sql)
    {
        QSqlQuery q(verifyDb());
        if (q.exec(sql)) return QStringLiteral("succeeded");
        return q.lastError().nativeErrorCode();
    }

private Q_SLOTS:
    // Migration 7: the channel references of messages and channel_events are
    // checked once per statement (a trigger), not per row (a foreign key).
    void channelReferencesAreCheckedPerStatement()
    {
        const Fixture f = seed();
        QCOMPARE(channelForeignKeys("messages"), 0);
        QCOMPARE(channelForeignKeys("channel_events"), 0);
        // Rows naming no channel are refused with the foreign key's own code, whoever writes them.
        QCOMPARE(errorCodeOf(QStringLiteral("INSERT INTO messages (id, channel_id, user_id, seq, content, created_at)"
                                            " VALUES ('x1', 'no-such-channel', 'u', 1, 'c', 0)")),
                 QStringLiteral("23503"));
        QCOMPARE(errorCodeOf(QStringLiteral("INSERT INTO channel_events (channel_id, seq, type, payload, created_at)"
                                            " VALUES ('no-such-channel', 1, 't', '{}', 0)")),
                 QStringLiteral("23503"));
        // One bad row among good ones fails the whole statement.
        QCOMPARE(errorCodeOf(QStringLiteral("INSERT INTO messages (id, channel_id, user_id, seq, content, created_at)"
                                            " VALUES ('x2', '%1', 'u', 1, 'c', 0), ('x3', 'gone', 'u', 1, 'c', 0)")
                                 .arg(f.one.id)),
                 QStringLiteral("23503"));
        QCOMPARE(rowCount(QStringLiteral("messages")), 0);
        // Through the writer: a batch (COPY) of unnumbered messages with one unknown
        // channel is replayed one by one and only that message fails.
        auto results = std::make_shared<QList<bool>>();
        for (int i = 0; i < 6; ++i) {
            const Message m = makeMessage(i == 3 ? Timestamp::newId() : f.one.id, f.alice.id, i + 1,
                                          QStringLiteral("u%1").arg(i));
            store().insertMessage(m, [results](const StoreStatus &st) { results->append(st.ok()); });
        }
        store().flush();
        QCOMPARE(*results, QList<bool>({true, true, true, false, true, true}));
        QCOMPARE(rowCount(QStringLiteral("messages")), 5);
    }

    void deletingAChannelOrItsWorkspaceTakesItsMessagesAndEvents()
    {
        const Fixture f = seed();
        for (const Channel &c : {f.one, f.two})
            for (int i = 0; i < 3; ++i)
                QVERIFY(commitNow(store(), [&](Store::Done d) {
                    store().insertMessage(makeMessage(c.id, f.alice.id, 0, QStringLiteral("m")), d,
                                          stampFor(c.id, QStringLiteral("message.created")));
                }));
        QCOMPARE(rowCount(QStringLiteral("channel_events")), 6);
        QString error;
        QVERIFY2(commitNow(
                     store(), [&](Store::Done d) { store().deleteChannel(f.one.id, d); }, &error),
                 qPrintable(error));
        QCOMPARE(rowCount(QStringLiteral("channel_events"), QStringLiteral("channel_id = ?"), {f.one.id}), 0);
        QCOMPARE(rowCount(QStringLiteral("channel_events"), QStringLiteral("channel_id = ?"), {f.two.id}), 3);
        QCOMPARE(rowCount(QStringLiteral("messages"), QStringLiteral("channel_id = ?"), {f.two.id}), 3);
        // A workspace's deletion cascades to its channels, and from them to their rows.
        QSqlQuery q(verifyDb());
        QVERIFY2(q.exec(QStringLiteral("DELETE FROM workspaces WHERE id = '%1'").arg(f.ws.id)),
                 qPrintable(q.lastError().text()));
        QCOMPARE(rowCount(QStringLiteral("channels")), 0);
        QCOMPARE(rowCount(QStringLiteral("messages")), 0);
        QCOMPARE(rowCount(QStringLiteral("channel_events")), 0);
    }

    // A COMMIT cut off by a lost connection is judged by the writer's own mark,
    // not by txid_status alone: after a crash restart PostgreSQL can hand the
    // lost transaction's xid to somebody else, whose commit must not count.
    void cutOffCommitIsJudgedByItsOwnMark()
    {
        seed();
        QSqlDatabase mine = QSqlDatabase::cloneDatabase(verifyDb(), QStringLiteral("mark-mine"));
        QSqlDatabase other = QSqlDatabase::cloneDatabase(verifyDb(), QStringLiteral("mark-other"));
        QVERIFY2(mine.open() && other.open(), qPrintable(mine.lastError().text() + other.lastError().text()));
        const CommitMark mark(QStringLiteral("writer-under-test"));
        QString error;
        const auto markedIn = [&](QSqlDatabase &db) {
            QSqlQuery begin(db);
            begin.exec(QStringLiteral("BEGIN"));
            const qint64 xid = mark.mark(db, &error);
            return xid;
        };
        // Ours, committed.
        const qint64 committed = markedIn(mine);
        QVERIFY2(committed > 0, qPrintable(error));
        QSqlQuery(mine).exec(QStringLiteral("COMMIT"));
        QCOMPARE(mark.outcome(other, committed, &error), CommitMark::Outcome::Committed);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        // Ours, rolled back: aborted, and the row still names the earlier commit.
        const qint64 rolledBack = markedIn(mine);
        QVERIFY(rolledBack > committed);
        QSqlQuery(mine).exec(QStringLiteral("ROLLBACK"));
        QCOMPARE(mark.outcome(other, rolledBack, &error), CommitMark::Outcome::Aborted);
        QCOMPARE(mark.outcome(other, committed, &error), CommitMark::Outcome::Committed);
        // The same xid committed by another transaction (what a reuse after a crash
        // looks like to txid_status): not ours, so aborted.
        QSqlQuery theirs(other);
        QVERIFY(theirs.exec(QStringLiteral("BEGIN")));
        QVERIFY(theirs.exec(QStringLiteral("SELECT txid_current()")) && theirs.next());
        const qint64 foreign = theirs.value(0).toLongLong();
        theirs.finish();
        QVERIFY(theirs.exec(QStringLiteral("COMMIT")));
        {
            QSqlQuery status(verifyDb());
            QVERIFY(status.exec(QStringLiteral("SELECT txid_status(%1)").arg(foreign)) && status.next());
            QCOMPARE(status.value(0).toString(), QStringLiteral("committed"));
        }
        QCOMPARE(mark.outcome(mine, foreign, &error), CommitMark::Outcome::Aborted);
        // Still running on another connection: in progress, until it ends.
        const qint64 running = markedIn(mine);
        QVERIFY(running > foreign);
        QCOMPARE(mark.outcome(other, running, &error), CommitMark::Outcome::InProgress);
        QSqlQuery(mine).exec(QStringLiteral("COMMIT"));
        QCOMPARE(mark.outcome(other, running, &error), CommitMark::Outcome::Committed);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        // A writer that never marked anything: nothing of it committed.
        QCOMPARE(CommitMark(QStringLiteral("nobody")).outcome(other, running, &error), CommitMark::Outcome::Aborted);
        // The sweep keeps a live writer's row.
        CommitMark::sweep(other);
        QCOMPARE(rowCount(QStringLiteral("commit_marks"), QStringLiteral("writer = ?"), {mark.key()}), 1);
        mine.close();
        other.close();
        mine = other = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("mark-mine"));
        QSqlDatabase::removeDatabase(QStringLiteral("mark-other"));
    }

    void migrationSevenKeepsTheDataOfAnOlderDatabase()
    {
        // Back to version 6 (the per-row foreign keys), with data in it.
        const Fixture f = seed();
        QVERIFY(commitNow(store(), [&](Store::Done d) {
            store().insertMessage(makeMessage(f.one.id, f.alice.id, 0, QStringLiteral("old")), d,
                                  stampFor(f.one.id, QStringLiteral("message.created")));
        }));
        m_store.reset();
        QSqlQuery q(verifyDb());
        for (const char *sql :
             {"DROP TRIGGER messages_channel_ref ON messages",
              "DROP TRIGGER channel_events_channel_ref ON channel_events",
              "DROP TRIGGER channels_delete_rows ON channels", "DROP FUNCTION sb_check_channel_refs()",
              "DROP FUNCTION sb_delete_channel_rows()",
              "ALTER TABLE messages ADD CONSTRAINT messages_channel_id_fkey FOREIGN KEY (channel_id)"
              " REFERENCES channels(id) ON DELETE CASCADE",
              "ALTER TABLE channel_events ADD CONSTRAINT channel_events_channel_id_fkey FOREIGN KEY (channel_id)"
              " REFERENCES channels(id) ON DELETE CASCADE",
              "DROP TABLE commit_marks", "DELETE FROM schema_migrations WHERE version >= 7"})
            QVERIFY2(q.exec(QString::fromLatin1(sql)), qPrintable(q.lastError().text()));
        QCOMPARE(channelForeignKeys("messages"), 1);
        QString error;
        QVERIFY2(openStore(m_store, &error), qPrintable(error));
        QCOMPARE(scalar(QStringLiteral("SELECT MAX(version) FROM schema_migrations")).toInt(),
                 Migrations::latestVersion());
        QCOMPARE(channelForeignKeys("messages"), 0);
        QCOMPARE(channelForeignKeys("channel_events"), 0);
        QCOMPARE(errorCodeOf(QStringLiteral("INSERT INTO channel_events (channel_id, seq, type, payload, created_at)"
                                            " VALUES ('no-such-channel', 1, 't', '{}', 0)")),
                 QStringLiteral("23503"));
        auto stamp = stampFor(f.one.id, QStringLiteral("message.created"));
        QVERIFY(commitNow(store(), [&](Store::Done d) {
            store().insertMessage(makeMessage(f.one.id, f.alice.id, 0, QStringLiteral("new")), d, stamp);
        }));
        QCOMPARE(stamp->seq, qint64(2));
        QCOMPARE(contents(store().messagesAfter(f.one.id, 0, 10)), QStringList({"old", "new"}));
        QCOMPARE(rowCount(QStringLiteral("channel_events")), 2);
    }
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    // libpq prints server NOTICEs (DROP ... CASCADE, CREATE TABLE IF NOT EXISTS) on stderr; keep the log readable.
    if (qEnvironmentVariableIsEmpty("PGOPTIONS")) qputenv("PGOPTIONS", "-c client_min_messages=warning");
    int status = 0;
    {
        SqliteStoreTest sqlite;
        status |= QTest::qExec(&sqlite, argc, argv);
    }
    {
        PostgresStoreTest postgres;
        status |= QTest::qExec(&postgres, argc, argv);
    }
    return status;
}

#include "tst_store.moc"
