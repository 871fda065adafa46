// FlatJsonCodec against seed 004 ("Pythia"): each server message has exactly
// the seed's fields plus the extensions docs/api/flatjson.md documents.

#include "dialects/flatjson/FlatJsonCodec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace switchboard;

using T = ChatEvent::Type;

namespace {

const qint64 kAt = 1704623400000; // 2024-01-07T10:30:00.000Z, the seed's example time
const QString kAtIso = QStringLiteral("2024-01-07T10:30:00.000Z");

QJsonObject decode(const QByteArray &bytes)
{
    QJsonParseError e;
    const QJsonDocument d = QJsonDocument::fromJson(bytes, &e);
    if (e.error != QJsonParseError::NoError || !d.isObject()) qWarning() << "not a JSON object:" << bytes;
    return d.object();
}

QSet<QString> keys(const QJsonObject &o)
{
    const QStringList k = o.keys();
    return QSet<QString>(k.begin(), k.end());
}

QSet<QString> set(std::initializer_list<const char *> names)
{
    QSet<QString> out;
    for (const char *n : names) out.insert(QString::fromLatin1(n));
    return out;
}

User john()
{
    User u;
    u.id = QStringLiteral("11111111-1111-1111-1111-111111111111");
    u.username = QStringLiteral("john_doe");
    u.email = QStringLiteral("john@example.com");
    u.displayName = QStringLiteral("John");
    return u;
}

User jane()
{
    User u;
    u.id = QStringLiteral("22222222-2222-2222-2222-222222222222");
    u.username = QStringLiteral("jane_doe");
    return u;
}

Channel channel()
{
    Channel c;
    c.id = QStringLiteral("33333333-3333-3333-3333-333333333333");
    c.workspaceId = QStringLiteral("44444444-4444-4444-4444-444444444444");
    c.name = QStringLiteral("general");
    return c;
}

Message message()
{
    Message m;
    m.id = QStringLiteral("55555555-5555-5555-5555-555555555555");
    m.channelId = channel().id;
    m.userId = john().id;
    m.content = QStringLiteral("Hello everyone!");
    m.createdAt = kAt;
    m.seq = 1;
    return m;
}

ChatEvent makeEvent(T type)
{
    ChatEvent e;
    e.type = type;
    e.at = kAt;
    e.channel = channel();
    e.message = message();
    e.actor = john();
    return e;
}

} // namespace

class FlatJsonCodecTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // ---- parse -----------------------------------------------------------------

    void validCommandIsParsed()
    {
        const FlatJsonCodec::Command c = FlatJsonCodec::parse(
            QStringLiteral(R"({"type":"join_channel","channel_id":"c-1","extra":[1]})"));
        QVERIFY(c.ok());
        QCOMPARE(c.type, QStringLiteral("join_channel"));
        QCOMPARE(c.fields.value(QLatin1String("channel_id")).toString(), QStringLiteral("c-1"));
        QCOMPARE(c.fields.value(QLatin1String("extra")).toArray().size(), 1);
        QVERIFY(c.errorMessage.isEmpty());
    }

    // The send_message fast path must agree with parse() on every frame it
    // takes, and leave everything else to parse().
    void sendMessageFastPathAgreesWithParse_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("fast");
        QTest::newRow("bench frame") << R"({"type":"send_message","channel_id":"c-1","content":"hi","client_id":"7"})"
                                     << true;
        QTest::newRow("any key order, spaces")
            << " {\n\t\"content\" : \"a b\" , \"channel_id\":\"c\",\"type\":\"send_message\"}\r\n"
            << true;
        QTest::newRow("no content, no client id") << R"({"type":"send_message","channel_id":"c"})" << true;
        QTest::newRow("empty content") << R"({"type":"send_message","channel_id":"c","content":""})" << true;
        QTest::newRow("unicode and a surrogate pair") << QString::fromUtf16(
            u"{\"type\":\"send_message\",\"channel_id\":\"c\",\"content\":\"\u00e9\u4e2d\U0001F600\"}")
                                                      << true;
        QTest::newRow("escape in content")
            << QStringLiteral("{\"type\":\"send_message\",\"channel_id\":\"c\",\"content\":\"a\\\"b\"}") << false;
        QTest::newRow("escaped slash")
            << QStringLiteral("{\"type\":\"send_message\",\"channel_id\":\"c\",\"content\":\"a\\/b\"}") << false;
        QTest::newRow("lone surrogate")
            << QString::fromUtf16(u"{\"type\":\"send_message\",\"channel_id\":\"c\",\"content\":\"\xD800\"}") << false;
        QTest::newRow("numeric client id") << R"({"type":"send_message","channel_id":"c","client_id":7})" << false;
        QTest::newRow("thread id") << R"({"type":"send_message","channel_id":"c","thread_id":"t"})" << false;
        QTest::newRow("duplicate key") << R"({"type":"send_message","channel_id":"c","channel_id":"d"})" << false;
        QTest::newRow("empty channel") << R"({"type":"send_message","channel_id":""})" << false;
        QTest::newRow("no channel") << R"({"type":"send_message","content":"x"})" << false;
        QTest::newRow("other type") << R"({"type":"join_channel","channel_id":"c"})" << false;
        QTest::newRow("trailing garbage") << R"({"type":"send_message","channel_id":"c"}x)" << false;
        QTest::newRow("trailing comma") << R"({"type":"send_message","channel_id":"c",})" << false;
        QTest::newRow("control character")
            << QStringLiteral("{\"type\":\"send_message\",\"channel_id\":\"c\",\"content\":\"a\tb\"}") << false;
        QTest::newRow("truncated") << R"({"type":"send_message","channel_id":"c")" << false;
        QTest::newRow("array") << R"([{"type":"send_message","channel_id":"c"}])" << false;
    }

    void sendMessageFastPathAgreesWithParse()
    {
        QFETCH(QString, text);
        QFETCH(bool, fast);
        FlatJsonCodec::SendMessageFrame f;
        QCOMPARE(FlatJsonCodec::parseSendMessage(text, &f), fast);
        if (!fast) return;
        const FlatJsonCodec::Command c = FlatJsonCodec::parse(text);
        QVERIFY(c.ok());
        QCOMPARE(c.type, QStringLiteral("send_message"));
        QCOMPARE(f.channelId, c.fields.value(QLatin1String("channel_id")).toString());
        QCOMPARE(f.content, c.fields.value(QLatin1String("content")).toString());
        QCOMPARE(f.content.isNull(), !c.fields.contains(QLatin1String("content")));
        QCOMPARE(f.clientId, c.fields.value(QLatin1String("client_id")));
        for (const QString &k : c.fields.keys())
            QVERIFY(QStringList({"type", "channel_id", "content", "client_id"}).contains(k));
    }

    void sendMessageFastPathAgreesWithParseOnRandomFrames()
    {
        // Frames assembled from valid and invalid pieces: whatever the fast
        // path accepts, parse() accepts with the same fields.
        const QStringList keys{"\"type\"",      "\"channel_id\"", "\"content\"",
                               "\"client_id\"", "\"thread_id\"",  "\"ty\\u0070e\""};
        const QStringList values{"\"send_message\"", "\"c-1\"", "\"\"", "\"a b\"", "\"x\\ny\"", "7", "null", "{}",
                                 "\"\\u00e9\""};
        QRandomGenerator rng(42);
        int accepted = 0;
        for (int i = 0; i < 20000; ++i) {
            QString text = QStringLiteral("{");
            const int n = int(rng.bounded(5));
            for (int k = 0; k < n; ++k) {
                if (k) text += rng.bounded(20) ? QStringLiteral(",") : QStringLiteral(" ");
                text += keys[int(rng.bounded(keys.size()))] + QStringLiteral(":")
                      + values[int(rng.bounded(values.size()))];
            }
            text += rng.bounded(20) ? QStringLiteral("}") : QStringLiteral("");
            FlatJsonCodec::SendMessageFrame f;
            if (!FlatJsonCodec::parseSendMessage(text, &f)) continue;
            ++accepted;
            const FlatJsonCodec::Command c = FlatJsonCodec::parse(text);
            QVERIFY2(c.ok() && c.type == QLatin1String("send_message"), qPrintable(text));
            QCOMPARE(f.channelId, c.fields.value(QLatin1String("channel_id")).toString());
            QCOMPARE(f.content, c.fields.value(QLatin1String("content")).toString());
            QCOMPARE(f.clientId, c.fields.value(QLatin1String("client_id")));
        }
        QVERIFY(accepted > 0);
    }

    void malformedJsonIsInvalidJson_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << "";
        QTest::newRow("truncated") << R"({"type":"ping")";
        QTest::newRow("not json") << "ping";
        QTest::newRow("trailing comma") << R"({"type":"ping",})";
        QTest::newRow("single quotes") << "{'type':'ping'}";
        QTest::newRow("two objects") << R"({"type":"ping"}{"type":"ping"})";
    }

    void malformedJsonIsInvalidJson()
    {
        QFETCH(QString, text);
        const FlatJsonCodec::Command c = FlatJsonCodec::parse(text);
        QVERIFY(!c.ok());
        QCOMPARE(c.errorCode, QStringLiteral("invalid_json"));
        QVERIFY2(c.errorMessage.startsWith(QLatin1String("Malformed JSON")), qPrintable(c.errorMessage));
    }

    void loneSurrogateEscapeReadsAsReplacementCharacter()
    {
        // JSON.stringify escapes a lone surrogate; it reads as U+FFFD, as a
        // browser's WebSocket sends a raw one, so stored and delivered text agree.
        const FlatJsonCodec::Command c = FlatJsonCodec::parse(
            QStringLiteral("{\"type\":\"send_message\",\"channel_id\":\"c\",\"content\":\"a\\udc00b\"}"));
        QVERIFY2(c.ok(), qPrintable(c.errorMessage));
        QCOMPARE(c.fields.value(QLatin1String("content")).toString(), QString::fromUtf16(u"a\uFFFDb"));
    }

    void nonObjectIsInvalidJson_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("array") << R"([{"type":"ping"}])";
        QTest::newRow("empty array") << "[]";
    }

    void nonObjectIsInvalidJson()
    {
        QFETCH(QString, text);
        const FlatJsonCodec::Command c = FlatJsonCodec::parse(text);
        QVERIFY(!c.ok());
        QCOMPARE(c.errorCode, QStringLiteral("invalid_json"));
        QVERIFY(c.type.isEmpty());
    }

    void scalarDocumentsAreInvalidJson()
    {
        for (const char *text : {"\"ping\"", "42", "null", "true"}) {
            const FlatJsonCodec::Command c = FlatJsonCodec::parse(QString::fromLatin1(text));
            QVERIFY2(!c.ok(), text);
            QCOMPARE(c.errorCode, QStringLiteral("invalid_json"));
        }
    }

    void missingOrNonStringTypeIsUnknownMessageType_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("missing") << R"({"channel_id":"c"})";
        QTest::newRow("empty object") << "{}";
        QTest::newRow("number") << R"({"type":1})";
        QTest::newRow("null") << R"({"type":null})";
        QTest::newRow("object") << R"({"type":{"name":"ping"}})";
        QTest::newRow("array") << R"({"type":["ping"]})";
        QTest::newRow("empty string") << R"({"type":""})";
        QTest::newRow("bool") << R"({"type":true})";
    }

    void missingOrNonStringTypeIsUnknownMessageType()
    {
        QFETCH(QString, text);
        const FlatJsonCodec::Command c = FlatJsonCodec::parse(text);
        QVERIFY(!c.ok());
        QCOMPARE(c.errorCode, QStringLiteral("unknown_message_type"));
        QVERIFY(!c.errorMessage.isEmpty());
    }

    // ---- server messages of the seed ------------------------------------------

    void newMessageHasTheSeedFieldsPlusDocumentedExtras()
    {
        const QJsonObject o = decode(FlatJsonCodec::encodeEvent(makeEvent(T::MessageCreated)));
        QCOMPARE(keys(o), set({"type", "data", "timestamp"}));
        QCOMPARE(o.value(QLatin1String("type")).toString(), QStringLiteral("new_message"));
        QCOMPARE(o.value(QLatin1String("timestamp")).toString(), kAtIso);
        const QJsonObject d = o.value(QLatin1String("data")).toObject();
        QCOMPARE(keys(d), set({"id", "content", "channelId", "userId", "createdAt", "updatedAt", "user", "threadId",
                               "replyToId", "attachments", "mentions"}));
        QCOMPARE(d.value(QLatin1String("id")).toString(), message().id);
        QCOMPARE(d.value(QLatin1String("content")).toString(), QStringLiteral("Hello everyone!"));
        QCOMPARE(d.value(QLatin1String("channelId")).toString(), channel().id);
        QCOMPARE(d.value(QLatin1String("userId")).toString(), john().id);
        QCOMPARE(d.value(QLatin1String("createdAt")).toString(), kAtIso);
        QCOMPARE(d.value(QLatin1String("updatedAt")).toString(), kAtIso); // never edited
        QVERIFY(d.value(QLatin1String("threadId")).isNull());
        QVERIFY(d.value(QLatin1String("replyToId")).isNull());
        QCOMPARE(d.value(QLatin1String("attachments")).toArray(), QJsonArray());
        QCOMPARE(d.value(QLatin1String("mentions")).toArray(), QJsonArray());
        const QJsonObject user = d.value(QLatin1String("user")).toObject();
        QCOMPARE(keys(user), set({"id", "username", "email"}));
        QCOMPARE(user.value(QLatin1String("id")).toString(), john().id);
        QCOMPARE(user.value(QLatin1String("username")).toString(), QStringLiteral("john_doe"));
        QCOMPARE(user.value(QLatin1String("email")).toString(), QStringLiteral("john@example.com"));
    }

    void newMessageExtrasCarryThreadsRepliesFilesMentionsAndForwards()
    {
        ChatEvent e = makeEvent(T::MessageCreated);
        e.message.threadId = QStringLiteral("parent-id");
        e.message.replyToId = QStringLiteral("quoted-id");
        e.message.forwardedFromId = QStringLiteral("original-id");
        e.message.mentions = {jane().id};
        e.message.editedAt = kAt + 1500;
        Attachment a;
        a.id = QStringLiteral("att-1");
        a.filename = QStringLiteral("f.png");
        a.originalName = QStringLiteral("photo.png");
        a.mimeType = QStringLiteral("image/png");
        a.size = 10;
        a.url = QStringLiteral("/api/v1/uploads/att-1");
        a.createdAt = kAt;
        e.message.attachments = {a};
        e.actor.email.clear();
        const QJsonObject d = decode(FlatJsonCodec::encodeEvent(e)).value(QLatin1String("data")).toObject();
        QCOMPARE(keys(d), set({"id", "content", "channelId", "userId", "createdAt", "updatedAt", "user", "threadId",
                               "replyToId", "attachments", "mentions", "forwardedFromId"}));
        QCOMPARE(d.value(QLatin1String("threadId")).toString(), QStringLiteral("parent-id"));
        QCOMPARE(d.value(QLatin1String("replyToId")).toString(), QStringLiteral("quoted-id"));
        QCOMPARE(d.value(QLatin1String("forwardedFromId")).toString(), QStringLiteral("original-id"));
        QCOMPARE(d.value(QLatin1String("mentions")).toArray(), QJsonArray{jane().id});
        QCOMPARE(d.value(QLatin1String("updatedAt")).toString(), QStringLiteral("2024-01-07T10:30:01.500Z"));
        QCOMPARE(d.value(QLatin1String("createdAt")).toString(), kAtIso);
        const QJsonArray atts = d.value(QLatin1String("attachments")).toArray();
        QCOMPARE(atts.size(), 1);
        QCOMPARE(atts.first().toObject(), a.toJson());
        QVERIFY(d.value(QLatin1String("user"))
                    .toObject()
                    .value(QLatin1String("email"))
                    .isNull()); // no email: null, still present
    }

    // The per-message encoders write bytes directly; they must equal what the
    // QJsonObject form (messageData, as sync_messages sends it) compacts to.
    void messageBytesEqualTheQJsonDocumentEncoding_data()
    {
        QTest::addColumn<Message>("m");
        QTest::addColumn<User>("author");
        QTest::newRow("plain") << message() << john();
        Message all = message();
        all.threadId = QStringLiteral("parent-id");
        all.replyToId = QStringLiteral("quoted-id");
        all.forwardedFromId = QStringLiteral("original-id");
        all.mentions = {jane().id, john().id};
        all.editedAt = kAt + 1500;
        Attachment a;
        a.id = QStringLiteral("att-1");
        a.filename = QStringLiteral("f.png");
        a.originalName = QStringLiteral("ph\"oto\u00e9.png");
        a.mimeType = QStringLiteral("image/png");
        a.size = 10;
        a.url = QStringLiteral("/api/v1/uploads/att-1");
        a.createdAt = kAt;
        all.attachments = {a, a};
        QTest::newRow("every extra, no email") << all << jane();
        Message odd = message();
        odd.content = QString::fromUtf16(
            u"quote \" backslash \\ newline \n tab \t nul \u0001 \u00e9 \u20ac \U0001F600 lone \xD800 end");
        QTest::newRow("escapes and unicode") << odd << john();
        Message empty = message();
        empty.content = QString();
        QTest::newRow("null content, unknown author") << empty << User();
    }

    void messageBytesEqualTheQJsonDocumentEncoding()
    {
        QFETCH(Message, m);
        QFETCH(User, author);
        const QJsonObject data = FlatJsonCodec::messageData(m, author);
        auto compact = [](const QJsonObject &o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); };

        ChatEvent e = makeEvent(T::MessageCreated);
        e.message = m;
        e.actor = author;
        QCOMPARE(FlatJsonCodec::encodeEvent(e),
                 compact({{"type", "new_message"}, {"data", data}, {"timestamp", kAtIso}}));
        e.type = T::MessageUpdated;
        QCOMPARE(FlatJsonCodec::encodeEvent(e),
                 compact({{"type", "message_updated"}, {"data", data}, {"timestamp", kAtIso}}));

        const QJsonValue clientIds[] = {QJsonValue(QStringLiteral("c-1")),
                                        QJsonValue(42),
                                        QJsonValue(1.5),
                                        QJsonValue(),
                                        QJsonValue(QJsonObject{{"k", "v"}}),
                                        QJsonValue(QJsonValue::Undefined)};
        for (const QJsonValue &clientId : clientIds) {
            QJsonObject expected{{"type", "message_sent"}, {"data", data}, {"timestamp", kAtIso}};
            expected.insert(QStringLiteral("client_id"), clientId); // undefined: no key, as before
            QCOMPARE(FlatJsonCodec::messageSent(clientId, m, author, kAt), compact(expected));
        }
    }

    void messageReactionHasTheSeedFields()
    {
        ChatEvent e = makeEvent(T::ReactionAdded);
        e.actor = jane();
        e.reaction = Reaction{QStringLiteral("r-1"), message().id, jane().id, QStringLiteral("👍"), kAt};
        const QJsonObject o = decode(FlatJsonCodec::encodeEvent(e));
        QCOMPARE(o.value(QLatin1String("type")).toString(), QStringLiteral("message_reaction"));
        QCOMPARE(o.value(QLatin1String("message_id")).toString(), message().id);
        QCOMPARE(o.value(QLatin1String("timestamp")).toString(), kAtIso);
        const QJsonObject d = o.value(QLatin1String("data")).toObject();
        QCOMPARE(keys(d), set({"emoji", "user_id", "username", "action"}));
        QCOMPARE(d.value(QLatin1String("emoji")).toString(), QStringLiteral("👍"));
        QCOMPARE(d.value(QLatin1String("user_id")).toString(), jane().id);
        QCOMPARE(d.value(QLatin1String("username")).toString(), QStringLiteral("jane_doe"));
        QCOMPARE(d.value(QLatin1String("action")).toString(), QStringLiteral("add"));
        e.type = T::ReactionRemoved;
        QCOMPARE(decode(FlatJsonCodec::encodeEvent(e))
                     .value(QLatin1String("data"))
                     .toObject()
                     .value(QLatin1String("action"))
                     .toString(),
                 QStringLiteral("remove"));
        // channel_id is an extension: the channel the event's seq counts in.
        QCOMPARE(keys(o), set({"type", "message_id", "channel_id", "data", "timestamp"}));
        QCOMPARE(o.value(QLatin1String("channel_id")).toString(), channel().id);
    }

    void loggedEventsCarryTheEventsOwnSeq()
    {
        for (T type : {T::MessageCreated, T::MessageUpdated, T::MessageDeleted, T::ReactionAdded, T::ReactionRemoved,
                       T::MemberJoined, T::MemberLeft}) {
            ChatEvent e = makeEvent(type);
            e.subject = jane();
            e.seq = 42; // the message itself has seq 1: the frame carries the event's
            const QJsonObject o = decode(FlatJsonCodec::encodeEvent(e));
            QCOMPARE(o.value(QLatin1String("seq")).toInteger(), 42);
            e.seq = 0; // not logged (no store): no seq at all
            QVERIFY(!decode(FlatJsonCodec::encodeEvent(e)).contains(QLatin1String("seq")));
        }
        // Events that are not logged never carry one.
        ChatEvent typing = makeEvent(T::TypingStarted);
        typing.seq = 0;
        QVERIFY(!decode(FlatJsonCodec::encodeEvent(typing)).contains(QLatin1String("seq")));
    }

    void channelSyncedSaysWhetherTheReplayWasExact()
    {
        const QJsonObject ok = decode(FlatJsonCodec::channelSynced(QStringLiteral("c1"), 7, true, QString()));
        QCOMPARE(keys(ok), set({"type", "channel_id", "seq", "recovered", "timestamp"}));
        QCOMPARE(ok.value(QLatin1String("type")).toString(), QStringLiteral("channel_synced"));
        QCOMPARE(ok.value(QLatin1String("seq")).toInteger(), 7);
        QCOMPARE(ok.value(QLatin1String("recovered")).toBool(false), true);
        const QJsonObject no = decode(
            FlatJsonCodec::channelSynced(QStringLiteral("c1"), 7, false, QStringLiteral("beyond_retention")));
        QCOMPARE(no.value(QLatin1String("recovered")).toBool(true), false);
        QCOMPARE(no.value(QLatin1String("reason")).toString(), QStringLiteral("beyond_retention"));
    }

    void typingIndicatorHasTheSeedFields()
    {
        const QJsonObject on = decode(FlatJsonCodec::encodeEvent(makeEvent(T::TypingStarted)));
        QCOMPARE(keys(on), set({"type", "user_id", "channel_id", "is_typing", "timestamp"}));
        QCOMPARE(on.value(QLatin1String("type")).toString(), QStringLiteral("typing_indicator"));
        QCOMPARE(on.value(QLatin1String("user_id")).toString(), john().id);
        QCOMPARE(on.value(QLatin1String("channel_id")).toString(), channel().id);
        QCOMPARE(on.value(QLatin1String("is_typing")), QJsonValue(true));
        const QJsonObject off = decode(FlatJsonCodec::encodeEvent(makeEvent(T::TypingStopped)));
        QCOMPARE(off.value(QLatin1String("is_typing")), QJsonValue(false));
        QCOMPARE(off.value(QLatin1String("type")).toString(), QStringLiteral("typing_indicator"));
    }

    void userStatusHasTheSeedFields()
    {
        for (const char *status : {"online", "away", "busy", "offline"}) {
            ChatEvent e = makeEvent(T::PresenceChanged);
            e.channel = Channel(); // presence is not about a channel
            e.status = QString::fromLatin1(status);
            const QJsonObject o = decode(FlatJsonCodec::encodeEvent(e));
            QCOMPARE(keys(o), set({"type", "user_id", "status", "timestamp"}));
            QCOMPARE(o.value(QLatin1String("type")).toString(), QStringLiteral("user_status"));
            QCOMPARE(o.value(QLatin1String("user_id")).toString(), john().id);
            QCOMPARE(o.value(QLatin1String("status")).toString(), QString::fromLatin1(status));
        }
    }

    void userJoinedAndLeftNameTheMemberNotTheActor()
    {
        for (const auto &[type, name] :
             {std::pair{T::MemberJoined, "user_joined"}, std::pair{T::MemberLeft, "user_left"}}) {
            ChatEvent e = makeEvent(type);
            e.subject = jane(); // the member
            e.actor = john();   // who added or removed her
            const QJsonObject o = decode(FlatJsonCodec::encodeEvent(e));
            QCOMPARE(keys(o), set({"type", "user_id", "channel_id", "timestamp"}));
            QCOMPARE(o.value(QLatin1String("type")).toString(), QString::fromLatin1(name));
            QCOMPARE(o.value(QLatin1String("user_id")).toString(), jane().id);
            QCOMPARE(o.value(QLatin1String("channel_id")).toString(), channel().id);
        }
    }

    void mentionNotificationHasTheSeedFields()
    {
        ChatEvent e = makeEvent(T::Mention);
        e.actor = jane();
        e.subject = john();
        e.message.userId = jane().id;
        e.message.content = QStringLiteral("Hey @john_doe, check this out!");
        const QJsonObject o = decode(FlatJsonCodec::encodeEvent(e));
        QCOMPARE(keys(o), set({"type", "data", "timestamp"}));
        QCOMPARE(o.value(QLatin1String("type")).toString(), QStringLiteral("mention_notification"));
        const QJsonObject d = o.value(QLatin1String("data")).toObject();
        QCOMPARE(keys(d), set({"message_id", "channel_id", "content", "from_user_id", "from_username"}));
        QCOMPARE(d.value(QLatin1String("message_id")).toString(), message().id);
        QCOMPARE(d.value(QLatin1String("channel_id")).toString(), channel().id);
        QCOMPARE(d.value(QLatin1String("content")).toString(), QStringLiteral("Hey @john_doe, check this out!"));
        QCOMPARE(d.value(QLatin1String("from_user_id")).toString(), jane().id);
        QCOMPARE(d.value(QLatin1String("from_username")).toString(), QStringLiteral("jane_doe"));
    }

    void errorHasTheSeedFields()
    {
        const QJsonObject o = decode(
            FlatJsonCodec::error(QStringLiteral("access_denied"), QStringLiteral("Access denied to channel"),
                                 QStringLiteral("User is not a member of this private channel")));
        QCOMPARE(o.value(QLatin1String("type")).toString(), QStringLiteral("error"));
        QCOMPARE(o.value(QLatin1String("error_code")).toString(), QStringLiteral("access_denied"));
        QCOMPARE(o.value(QLatin1String("message")).toString(), QStringLiteral("Access denied to channel"));
        QCOMPARE(o.value(QLatin1String("details")).toString(),
                 QStringLiteral("User is not a member of this private channel"));
        // Without details the key is left out rather than sent empty.
        const QJsonObject bare = decode(
            FlatJsonCodec::error(QStringLiteral("invalid_json"), QStringLiteral("Malformed JSON")));
        QVERIFY(!bare.contains(QLatin1String("details")));
        QCOMPARE(bare.value(QLatin1String("error_code")).toString(), QStringLiteral("invalid_json"));
        QCOMPARE(keys(o), set({"type", "error_code", "message", "details"}));
    }

    void connectionEstablishedReplyHasTheSeedFields()
    {
        const QJsonObject o = decode(FlatJsonCodec::reply(QStringLiteral("connection_established"),
                                                          {{"user_id", john().id}, {"username", john().username}}));
        QCOMPARE(keys(o), set({"type", "user_id", "username", "timestamp"}));
        QCOMPARE(o.value(QLatin1String("type")).toString(), QStringLiteral("connection_established"));
        static const QRegularExpression iso(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$"));
        QVERIFY2(iso.match(o.value(QLatin1String("timestamp")).toString()).hasMatch(),
                 qPrintable(o.value(QLatin1String("timestamp")).toString()));
        // A reply keeps a timestamp the caller set, and "type" always wins.
        const QJsonObject fixed = decode(
            FlatJsonCodec::reply(QStringLiteral("pong"), {{"timestamp", kAtIso}, {"type", "spoofed"}}));
        QCOMPARE(fixed.value(QLatin1String("timestamp")).toString(), kAtIso);
        QCOMPARE(fixed.value(QLatin1String("type")).toString(), QStringLiteral("pong"));
    }

    // ---- documented extensions --------------------------------------------------

    void extensionEventsHaveTheDocumentedFields()
    {
        const QJsonObject updated = decode(FlatJsonCodec::encodeEvent(makeEvent(T::MessageUpdated)));
        QCOMPARE(keys(updated), set({"type", "data", "timestamp"}));
        QCOMPARE(updated.value(QLatin1String("type")).toString(), QStringLiteral("message_updated"));
        QCOMPARE(updated.value(QLatin1String("data")).toObject().value(QLatin1String("id")).toString(), message().id);

        const QJsonObject deleted = decode(FlatJsonCodec::encodeEvent(makeEvent(T::MessageDeleted)));
        QCOMPARE(keys(deleted), set({"type", "message_id", "channel_id", "timestamp"}));
        QCOMPARE(deleted.value(QLatin1String("type")).toString(), QStringLiteral("message_deleted"));

        ChatEvent read = makeEvent(T::MessageRead);
        read.actor = jane();
        const QJsonObject r = decode(FlatJsonCodec::encodeEvent(read));
        QCOMPARE(keys(r), set({"type", "message_id", "channel_id", "user_id", "timestamp"}));
        QCOMPARE(r.value(QLatin1String("user_id")).toString(), jane().id);

        ChatEvent thread = makeEvent(T::ThreadUpdated);
        thread.message.replyCount = 3;
        thread.message.lastReplyAt = kAt + 60000;
        const QJsonObject t = decode(FlatJsonCodec::encodeEvent(thread));
        QCOMPARE(keys(t), set({"type", "message_id", "channel_id", "reply_count", "last_reply_at", "timestamp"}));
        QCOMPARE(t.value(QLatin1String("reply_count")).toInt(), 3);
        QCOMPARE(t.value(QLatin1String("last_reply_at")).toString(), QStringLiteral("2024-01-07T10:31:00.000Z"));

        for (const auto &[type, name] :
             {std::pair{T::ChannelCreated, "channel_created"}, std::pair{T::ChannelUpdated, "channel_updated"}}) {
            const QJsonObject c = decode(FlatJsonCodec::encodeEvent(makeEvent(type)));
            QCOMPARE(keys(c), set({"type", "data", "timestamp"}));
            QCOMPARE(c.value(QLatin1String("type")).toString(), QString::fromLatin1(name));
            QCOMPARE(c.value(QLatin1String("data")).toObject(), channel().toJson());
        }
        const QJsonObject gone = decode(FlatJsonCodec::encodeEvent(makeEvent(T::ChannelDeleted)));
        QCOMPARE(keys(gone), set({"type", "channel_id", "timestamp"}));
    }

    void eventsWithoutAFlatJsonMessageEncodeToNothing()
    {
        QVERIFY(FlatJsonCodec::encodeEvent(makeEvent(T::SystemMessage)).isEmpty());
    }

    void everyEncodedEventIsCompactJson()
    {
        for (int t = int(T::MessageCreated); t <= int(T::Mention); ++t) {
            const QByteArray bytes = FlatJsonCodec::encodeEvent(makeEvent(T(t)));
            QVERIFY2(!bytes.isEmpty(), qPrintable(QStringLiteral("type %1").arg(t)));
            QVERIFY(!bytes.contains('\n'));
            QVERIFY(decode(bytes).contains(QLatin1String("type")));
        }
    }

    // ---- error mapping ----------------------------------------------------------

    void coreErrorsMapToSeedCodes_data()
    {
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("expected");
        QTest::newRow("access denied") << int(CoreError::AccessDenied) << ""
                                       << "access_denied";
        QTest::newRow("internal") << int(CoreError::Internal) << ""
                                  << "internal_error";
        QTest::newRow("unavailable") << int(CoreError::Unavailable) << ""
                                     << "unavailable";
        QTest::newRow("rate limited") << int(CoreError::RateLimited) << ""
                                      << "rate_limited";
        QTest::newRow("too large") << int(CoreError::TooLarge) << ""
                                   << "message_too_large";
        QTest::newRow("missing channel") << int(CoreError::Invalid) << "channel_id"
                                         << "missing_channel_id";
        QTest::newRow("other invalid") << int(CoreError::Invalid) << "content"
                                       << "join_channel_error";
        QTest::newRow("not found") << int(CoreError::NotFound) << ""
                                   << "join_channel_error";
        QTest::newRow("conflict") << int(CoreError::Conflict) << ""
                                  << "join_channel_error";
        QTest::newRow("unauthorized") << int(CoreError::Unauthorized) << ""
                                      << "join_channel_error";
    }

    void coreErrorsMapToSeedCodes()
    {
        QFETCH(int, code);
        QFETCH(QString, field);
        QFETCH(QString, expected);
        CoreError e;
        e.code = CoreError::Code(code);
        e.field = field;
        QCOMPARE(FlatJsonCodec::errorCodeFor(e, QStringLiteral("join_channel_error")), expected);
    }

    void eachEventIsEncodedOncePerDialect()
    {
        const auto e = std::make_shared<ChatEvent>(makeEvent(T::MessageCreated));
        int encodes = 0;
        const auto encode = [&] {
            ++encodes;
            return FlatJsonCodec::encodeEvent(*e);
        };
        const QByteArray first = e->encodedFor(QByteArrayLiteral("flatjson"), encode);
        const QByteArray second = e->encodedFor(QByteArrayLiteral("flatjson"), encode);
        QCOMPARE(encodes, 1);
        QCOMPARE(first, second);
        e->encodedFor(QByteArrayLiteral("other"), [&] {
            ++encodes;
            return QByteArray("x");
        });
        QCOMPARE(encodes, 2);
    }
};

QTEST_APPLESS_MAIN(FlatJsonCodecTest)
#include "tst_flatjsoncodec.moc"
