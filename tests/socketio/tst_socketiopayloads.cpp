#include "dialects/socketio/ChatNamespaceJson.h"
#include "dialects/socketio/DefaultNamespaceJson.h"
#include "Timestamp.h"

#include <QJsonArray>
#include <QTest>

using namespace switchboard;

namespace {
User alice()
{
    User u;
    u.id = QStringLiteral("u-alice");
    u.username = QStringLiteral("alice");
    u.displayName = QStringLiteral("Alice A.");
    u.avatarUrl = QStringLiteral("https://x/a.png");
    return u;
}
Message sample()
{
    Message m;
    m.id = QStringLiteral("m-1");
    m.channelId = QStringLiteral("c-1");
    m.userId = QStringLiteral("u-alice");
    m.content = QStringLiteral("hello");
    m.createdAt = 1700000000123;
    return m;
}
} // namespace

class TestSocketIoPayloads : public QObject
{
    Q_OBJECT

    User m_alice = alice();
    DefaultNamespaceJson::UserLookup m_lookup = [this](const QString &id) -> const User * {
        return id == m_alice.id ? &m_alice : nullptr;
    };

private Q_SLOTS:
    void channelMessageHasEverySeed001Field()
    {
        Message m = sample();
        m.replyToId = QStringLiteral("m-0");
        Attachment a;
        a.id = QStringLiteral("a-1");
        a.filename = QStringLiteral("f.png");
        a.originalName = QStringLiteral("photo.png");
        a.mimeType = QStringLiteral("image/png");
        a.size = 1234;
        a.url = QStringLiteral("/uploads/f.png");
        a.createdAt = 1700000000000;
        m.attachments << a;
        Reaction r;
        r.id = QStringLiteral("r-1");
        r.messageId = m.id;
        r.userId = m_alice.id;
        r.emoji = QStringLiteral("👍");
        r.createdAt = 1700000000500;
        m.reactions << r;
        Message parent = sample();
        parent.id = QStringLiteral("m-0");
        parent.replyToId = QStringLiteral("m-older");

        const QJsonObject o = DefaultNamespaceJson::message(m, false, parent, m_lookup);
        for (const char *key : {"id", "content", "channelId", "userId", "createdAt", "updatedAt", "replyToId", "user",
                                "replyTo", "attachments", "reactions"})
            QVERIFY2(o.contains(QLatin1String(key)), key);
        QVERIFY(!o.contains("conversationId"));
        QCOMPARE(o.value("createdAt").toString(), QStringLiteral("2023-11-14T22:13:20.123Z"));
        QCOMPARE(o.value("updatedAt").toString(), o.value("createdAt").toString());
        QCOMPARE(o.value("user").toObject().value("name").toString(), QStringLiteral("Alice A."));
        QCOMPARE(o.value("user").toObject().value("image").toString(), QStringLiteral("https://x/a.png"));
        const QJsonObject replyTo = o.value("replyTo").toObject();
        QCOMPARE(replyTo.value("id").toString(), QStringLiteral("m-0"));
        QVERIFY(replyTo.value("replyTo").isNull()); // one level only
        const QJsonObject att = o.value("attachments").toArray().at(0).toObject();
        for (const char *key : {"id", "filename", "originalName", "mimeType", "size", "url", "createdAt"})
            QVERIFY2(att.contains(QLatin1String(key)), key);
        QCOMPARE(att.value("size").toInt(), 1234);
        const QJsonObject react = o.value("reactions").toArray().at(0).toObject();
        for (const char *key : {"id", "emoji", "messageId", "userId", "createdAt", "user"})
            QVERIFY2(react.contains(QLatin1String(key)), key);
        QVERIFY(!react.value("user").toObject().contains("image")); // Reaction.user is {id, name}
    }

    void directMessageUsesConversationId()
    {
        const QJsonObject o = DefaultNamespaceJson::message(sample(), true, Message(), m_lookup);
        QCOMPARE(o.value("conversationId").toString(), QStringLiteral("c-1"));
        QVERIFY(!o.contains("channelId"));
        QVERIFY(o.value("replyTo").isNull());
        QVERIFY(o.value("replyToId").isNull());
    }

    void unknownUserStillHasTheSeedShape()
    {
        Message m = sample();
        m.userId = QStringLiteral("ghost");
        const QJsonObject u = DefaultNamespaceJson::message(m, false, Message(), m_lookup).value("user").toObject();
        QCOMPARE(u.value("id").toString(), QStringLiteral("ghost"));
        QVERIFY(u.value("name").isString());
        QVERIFY(u.value("image").isNull());
    }

    void chatMessageHasSeed002FieldsAndOmitsAbsentOptionals()
    {
        const QJsonObject plain = ChatNamespaceJson::message(sample());
        QCOMPARE(plain.value("sender").toString(), QStringLiteral("u-alice"));
        QCOMPARE(plain.value("roomId").toString(), QStringLiteral("c-1"));
        QCOMPARE(plain.value("timestamp").toString(), QStringLiteral("2023-11-14T22:13:20.123Z"));
        QVERIFY(!plain.contains("replyToId"));
        QVERIFY(!plain.contains("attachment"));
        QVERIFY(!plain.contains("metadata"));

        Message m = sample();
        m.replyToId = QStringLiteral("m-0");
        m.metadata = QJsonObject{{"customField", "value"}};
        m.attachments << ChatNamespaceJson::attachmentFromJson(
            QJsonObject{{"url", "https://example.com/file.jpg"}, {"type", "image/jpeg"}, {"name", "image.jpg"}});
        const QJsonObject full = ChatNamespaceJson::message(m);
        QCOMPARE(full.value("replyToId").toString(), QStringLiteral("m-0"));
        QCOMPARE(full.value("metadata").toObject().value("customField").toString(), QStringLiteral("value"));
        const QJsonObject att = full.value("attachment").toObject();
        QCOMPARE(att.value("url").toString(), QStringLiteral("https://example.com/file.jpg"));
        QCOMPARE(att.value("type").toString(), QStringLiteral("image/jpeg"));
        QCOMPARE(att.value("name").toString(), QStringLiteral("image.jpg"));
    }

    void receiptCarriesIdTimestampAndStatus()
    {
        const QJsonObject r = ChatNamespaceJson::receipt(sample());
        QCOMPARE(r.value("id").toString(), QStringLiteral("m-1"));
        QCOMPARE(r.value("timestamp").toString(), QStringLiteral("2023-11-14T22:13:20.123Z"));
        QCOMPARE(r.value("status").toString(), QStringLiteral("sent"));
    }
};

QTEST_APPLESS_MAIN(TestSocketIoPayloads)
#include "tst_socketiopayloads.moc"
