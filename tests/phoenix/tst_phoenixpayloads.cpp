#include "core/Directory.h"
#include "dialects/phoenix/PhoenixPayloads.h"

#include <QJsonArray>
#include <QTest>

using namespace switchboard;

class TestPhoenixPayloads : public QObject
{
    Q_OBJECT

    Directory m_dir;
    User m_alice;

private Q_SLOTS:
    void initTestCase()
    {
        m_alice.id = QStringLiteral("u-alice");
        m_alice.username = QStringLiteral("alice");
        m_alice.displayName = QStringLiteral("Alice A.");
        m_alice.avatarUrl = QStringLiteral("https://example.com/a.png");
        m_dir.putUser(m_alice);
    }

    void messageHasTheSeedFields()
    {
        Message m;
        m.id = "m1";
        m.channelId = "c1";
        m.userId = m_alice.id;
        m.content = QString::fromUtf8("Hello everyone! 👋");
        m.createdAt = 1694882700000;
        m.mentions = {"u-bob"};
        Attachment a;
        a.id = "attachment_123";
        a.filename = "stored.jpg";
        a.originalName = "image.jpg";
        a.mimeType = "image/jpeg";
        a.url = "https://files.example/image.jpg";
        m.attachments = {a};
        m.reactions = {Reaction{"r1", "m1", m_alice.id, ":thumbsup:", 1694882800000}};
        const QJsonObject o = PhoenixPayloads::message(m, m_dir);
        for (const char *key : {"id", "content", "user", "channel_id", "inserted_at", "attachments", "reactions",
                                "mentions", "thread_id", "is_edited", "edited_at"})
            QVERIFY2(o.contains(QLatin1String(key)), key);
        QCOMPARE(o.value("inserted_at").toString(), "2023-09-16T16:45:00.000Z");
        QCOMPARE(o.value("user").toObject().value("name").toString(), "Alice A.");
        QCOMPARE(o.value("user").toObject().value("avatar_url").toString(), m_alice.avatarUrl);
        QVERIFY(o.value("thread_id").isNull());
        QCOMPARE(o.value("is_edited").toBool(), false);
        QVERIFY(o.value("edited_at").isNull());
        QCOMPARE(o.value("mentions").toArray(), QJsonArray{"u-bob"});
        const QJsonObject att = o.value("attachments").toArray().at(0).toObject();
        QCOMPARE(att.value("filename").toString(), "image.jpg"); // the name the uploader gave
        QCOMPARE(att.value("content_type").toString(), "image/jpeg");
        const QJsonObject reaction = o.value("reactions").toArray().at(0).toObject();
        QCOMPARE(reaction.value("user").toObject(), (QJsonObject{{"id", m_alice.id}, {"name", "Alice A."}}));
    }

    void editedMessageSaysSo()
    {
        Message m;
        m.id = "m2";
        m.userId = m_alice.id;
        m.createdAt = 1000;
        m.editedAt = 1694883000000;
        const QJsonObject o = PhoenixPayloads::message(m, m_dir);
        QCOMPARE(o.value("is_edited").toBool(), true);
        QCOMPARE(o.value("edited_at").toString(), "2023-09-16T16:50:00.000Z");
    }

    void historyLeavesDeletedMessagesOut()
    {
        Message kept, gone;
        kept.id = "keep";
        gone.id = "gone";
        gone.deletedAt = 5;
        const QJsonArray list = PhoenixPayloads::messages({kept, gone, kept}, m_dir);
        QCOMPARE(list.size(), 2);
        QCOMPARE(list.at(0).toObject().value("id").toString(), "keep");
    }

    void unknownAuthorStillGivesAUserObject()
    {
        Message m;
        m.id = "m3";
        m.userId = "nobody";
        const QJsonObject u = PhoenixPayloads::message(m, m_dir).value("user").toObject();
        QCOMPARE(u.value("id").toString(), "nobody");
        QVERIFY(u.contains("name"));
    }

    void presenceMetaUsesSecondsAndTheSeedKeys()
    {
        const QJsonObject meta = PhoenixPayloads::presenceMeta(m_alice, 1694972400123, "ref1");
        QCOMPARE(meta.keys(), (QStringList{"avatar_url", "joined_at", "name", "phx_ref"}));
        QCOMPARE(meta.value("joined_at").toInteger(), 1694972400);
        QCOMPARE(meta.value("phx_ref").toString(), "ref1");
    }

    void everyCoreErrorHasAReason_data()
    {
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("reason");
        QTest::newRow("unauthorized") << int(CoreError::Unauthorized) << "unauthorized";
        QTest::newRow("access denied") << int(CoreError::AccessDenied) << "forbidden";
        QTest::newRow("not found") << int(CoreError::NotFound) << "not_found";
        QTest::newRow("invalid") << int(CoreError::Invalid) << "invalid";
        QTest::newRow("conflict") << int(CoreError::Conflict) << "conflict";
        QTest::newRow("rate limited") << int(CoreError::RateLimited) << "rate_limit_exceeded";
        QTest::newRow("too large") << int(CoreError::TooLarge) << "too_large";
        QTest::newRow("internal") << int(CoreError::Internal) << "internal_error";
        QTest::newRow("unavailable") << int(CoreError::Unavailable) << "unavailable";
    }
    void everyCoreErrorHasAReason()
    {
        QFETCH(int, code);
        QFETCH(QString, reason);
        const CoreError e{CoreError::Code(code), "words", "", 0};
        const QJsonObject o = PhoenixPayloads::error(e);
        QCOMPARE(o.value("reason").toString(), reason);
        QCOMPARE(o.value("message").toString(), "words");
        QCOMPARE(o.contains("retry_after"), code == CoreError::RateLimited);
    }

    void rateLimitCarriesRetryAfterAndTheSeedMessage()
    {
        const QJsonObject o = PhoenixPayloads::error(CoreError::rateLimited(30000));
        QCOMPARE(o.value("reason").toString(), "rate_limit_exceeded");
        QCOMPARE(o.value("retry_after").toInteger(), 30000);
        QCOMPARE(o.value("message").toString(), "Too many requests. Retry after 30 seconds.");
    }

    void validationErrorsAreKeyedByField()
    {
        const QJsonObject o = PhoenixPayloads::error(CoreError::invalid("content", "can't be blank"));
        QCOMPARE(o.value("errors").toObject(), (QJsonObject{{"content", QJsonArray{"can't be blank"}}}));
        QCOMPARE(PhoenixPayloads::fieldErrors(CoreError::tooLarge("too big")),
                 (QJsonObject{{"content", QJsonArray{"too big"}}}));
        QCOMPARE(PhoenixPayloads::fieldErrors(CoreError::conflict("dup")), (QJsonObject{{"base", QJsonArray{"dup"}}}));
    }

    void joinRefusalSaysAccessDeniedAsTheSeed()
    {
        QCOMPARE(PhoenixPayloads::joinError(CoreError::accessDenied("x")).value("reason").toString(), "Access denied");
        QCOMPARE(PhoenixPayloads::joinError(CoreError::notFound("x")).value("reason").toString(), "not_found");
    }

    void attachmentsInTheSeedShapeParse()
    {
        QList<Attachment> out;
        QString error;
        const QJsonArray seed{QJsonObject{{"id", "attachment_123"},
                                          {"filename", "image.jpg"},
                                          {"content_type", "image/jpeg"},
                                          {"url", "https://f/x.jpg"}}};
        QVERIFY(PhoenixPayloads::parseAttachments(seed, &out, &error));
        QCOMPARE(out.size(), 1);
        QCOMPARE(out.at(0).mimeType, "image/jpeg");
        QCOMPARE(PhoenixPayloads::attachment(out.at(0)).value("filename").toString(), "image.jpg");
        out.clear();
        QVERIFY(PhoenixPayloads::parseAttachments(QJsonValue(), &out, &error));
        QVERIFY(out.isEmpty());
    }

    void malformedAttachmentsAreRefused()
    {
        QList<Attachment> out;
        QString error;
        QVERIFY(!PhoenixPayloads::parseAttachments(QJsonValue("x"), &out, &error));
        QVERIFY(!error.isEmpty());
        QVERIFY(!PhoenixPayloads::parseAttachments(QJsonArray{1}, &out, &error));
        QVERIFY(!PhoenixPayloads::parseAttachments(QJsonArray{QJsonObject{{"filename", "no-url.txt"}}}, &out, &error));
    }
};

QTEST_APPLESS_MAIN(TestPhoenixPayloads)
#include "tst_phoenixpayloads.moc"
