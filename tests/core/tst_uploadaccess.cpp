// Who may download an upload (UploadAccess through ChatService::upload), on a
// real Store: the uploader always; others only while a message they can read
// carries it; everyone else gets NotFound, the same as for an unknown id.

#include "core/ChatService.h"
#include "CoreFixture.h"
#include "storage/Store.h"
#include "Timestamp.h"

#include <QDir>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace switchboard;

namespace {

const QByteArray kSecret = QByteArrayLiteral("tst_uploadaccess-secret-0123456789abcdef");

} // namespace

class UploadAccessTest : public QObject, protected CoreFixture
{
    Q_OBJECT

    User m_alice, m_bob, m_carol;

    Attachment uploadBy(const User &u)
    {
        Attachment a;
        a.id = Timestamp::newId();
        a.filename = a.id + QStringLiteral("-x.png");
        a.originalName = QStringLiteral("x.png");
        a.mimeType = QStringLiteral("image/png");
        a.size = 1;
        a.url = QStringLiteral("/api/v1/uploads/") + a.id;
        a.createdAt = Timestamp::nowMs();
        const Result<Attachment> r = AWAIT(Attachment, chat().registerUpload(u.id, a, nullptr, done));
        if (!r.ok()) qWarning() << "upload failed:" << r.error.message;
        return r.value;
    }

    Message postWith(const User &by, const QString &channelId, const QString &uploadId)
    {
        ChatService::PostMessage p;
        p.channelId = channelId;
        p.content = QStringLiteral("file");
        p.uploadIds = QStringList{uploadId};
        const Result<Message> r = AWAIT(Message, chat().postMessage(by.id, p, nullptr, done));
        if (!r.ok()) qWarning() << "post failed:" << r.error.message;
        return r.value;
    }

    bool canDownload(const User &u, const QString &uploadId)
    {
        const Result<Attachment> r = chat().upload(u.id, uploadId);
        if (r.ok()) return r.value.id == uploadId;
        if (r.error.code != CoreError::NotFound) qWarning() << "unexpected error" << r.error.message;
        return false;
    }

    QString general() const
    {
        return m_chat->directory().findChannelByName(m_chat->directory().defaultWorkspaceId(),
                                                     QStringLiteral("general"));
    }

private Q_SLOTS:
    void init()
    {
        m_config = CoreConfig();
        m_config.fastPasswordHashing = true;
        m_secret = kSecret;
        QVERIFY(openStore());
        QVERIFY(startChat());
        m_alice = registered(QStringLiteral("alice"));
        m_bob = registered(QStringLiteral("bob"));
        m_carol = registered(QStringLiteral("carol"));
        QVERIFY(m_alice.isValid() && m_bob.isValid() && m_carol.isValid());
    }

    void cleanup() { closeAll(); }

    void uploaderAloneBeforePosting()
    {
        const Attachment up = uploadBy(m_alice);
        QVERIFY(up.isValid());
        QVERIFY(canDownload(m_alice, up.id));
        QVERIFY(!canDownload(m_bob, up.id));
        // Indistinguishable from ids that do not exist.
        QCOMPARE(chat().upload(m_bob.id, up.id).error.message, QStringLiteral("no such upload"));
        QCOMPARE(chat().upload(m_bob.id, Timestamp::newId()).error.message, QStringLiteral("no such upload"));
        QCOMPARE(chat().upload(m_bob.id, QString()).error.code, CoreError::NotFound);
        QCOMPARE(chat().upload(QStringLiteral("not-a-user"), up.id).error.code, CoreError::NotFound);
    }

    void publicChannelOpensItToTheWorkspace()
    {
        const Attachment up = uploadBy(m_alice);
        QVERIFY(postWith(m_alice, general(), up.id).isValid());
        QVERIFY(canDownload(m_bob, up.id));
        QVERIFY(canDownload(m_carol, up.id));
    }

    void privateChannelOpensItToMembersOnly()
    {
        const Result<Channel> secret = AWAIT(Channel, chat().createChannel(m_alice.id, QStringLiteral("secret"),
                                                                           QStringLiteral("private"), QString(),
                                                                           QString(), nullptr, done));
        QVERIFY(secret.ok());
        QVERIFY(AWAIT(Channel, chat().addMember(m_alice.id, secret.value.id, m_bob.id, nullptr, done)).ok());
        const Attachment up = uploadBy(m_alice);
        QVERIFY(postWith(m_alice, secret.value.id, up.id).isValid());
        QVERIFY(canDownload(m_bob, up.id));
        QVERIFY(!canDownload(m_carol, up.id));
        // Leaving the channel takes the right away again.
        QVERIFY(AWAIT(Channel, chat().removeMember(m_alice.id, secret.value.id, m_bob.id, nullptr, done)).ok());
        QVERIFY(!canDownload(m_bob, up.id));
    }

    void conversationOpensItToParticipantsOnly()
    {
        const Result<Channel> dm = AWAIT(Channel, chat().openConversation(m_bob.id, {m_alice.id}, nullptr, done));
        QVERIFY(dm.ok());
        const Attachment up = uploadBy(m_bob);
        QVERIFY(postWith(m_bob, dm.value.id, up.id).isValid());
        QVERIFY(canDownload(m_alice, up.id));
        QVERIFY(!canDownload(m_carol, up.id));
    }

    void deletedMessageNoLongerCarriesIt()
    {
        const Attachment up = uploadBy(m_alice);
        const Message m = postWith(m_alice, general(), up.id);
        QVERIFY(canDownload(m_bob, up.id));
        QVERIFY(AWAIT(Message, chat().deleteMessage(m_alice.id, m.id, nullptr, done)).ok());
        QVERIFY(!canDownload(m_bob, up.id));
        QVERIFY(canDownload(m_alice, up.id));
    }

    void migrationFillsTheIndexFromExistingMessages()
    {
        const Result<Channel> secret = AWAIT(Channel, chat().createChannel(m_alice.id, QStringLiteral("secret"),
                                                                           QStringLiteral("private"), QString(),
                                                                           QString(), nullptr, done));
        QVERIFY(secret.ok());
        QVERIFY(AWAIT(Channel, chat().addMember(m_alice.id, secret.value.id, m_bob.id, nullptr, done)).ok());
        const Attachment up = uploadBy(m_alice);
        QVERIFY(postWith(m_alice, secret.value.id, up.id).isValid());
        m_chat.reset();
        m_store.reset();
        // Back to a database from before message_uploads: only the messages' JSON knows.
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("tst_uploadaccess"));
            db.setDatabaseName(QDir(m_dir->path()).filePath(QStringLiteral("switchboard.db")));
            QVERIFY(db.open());
            QSqlQuery q(db);
            // Undo migrations 5 (message_uploads) and 6 (the event log) by hand.
            for (const char *sql :
                 {"DROP TABLE message_uploads", "DROP TABLE channel_events", "DROP TABLE resume_sessions",
                  "ALTER TABLE channels DROP COLUMN last_seq", "ALTER TABLE channels DROP COLUMN log_floor_seq",
                  "ALTER TABLE channels DROP COLUMN log_floor_gid", "DELETE FROM schema_migrations WHERE version >= 5"})
                QVERIFY2(q.exec(QString::fromLatin1(sql)), sql);
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("tst_uploadaccess"));
        QVERIFY(openStore());
        QVERIFY(startChat());
        QVERIFY(canDownload(m_bob, up.id));
        QVERIFY(!canDownload(m_carol, up.id));
    }

    void aLinkMentioningTheIdDoesNotCount()
    {
        const Attachment up = uploadBy(m_alice);
        ChatService::PostMessage p;
        p.channelId = general();
        p.content = QStringLiteral("look");
        Attachment link;
        link.url = QStringLiteral("https://example.test/") + up.id;
        link.originalName = up.id;
        p.attachments = {link};
        QVERIFY(AWAIT(Message, chat().postMessage(m_bob.id, p, nullptr, done)).ok());
        QVERIFY(!canDownload(m_bob, up.id));
        QVERIFY(!canDownload(m_carol, up.id));
    }
};

QTEST_GUILESS_MAIN(UploadAccessTest)
#include "tst_uploadaccess.moc"
