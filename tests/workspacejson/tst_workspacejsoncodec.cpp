// Seed 003 (workspace JSON) codec: envelopes, every server event's exact data
// fields, client event parsing, and the error and close code mapping.
#include "dialects/workspacejson/WorkspaceJsonCodec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

using namespace switchboard;

namespace {

const qint64 kAt = 1704110400123; // 2024-01-01T12:00:00.123Z
const QString kWs = QStringLiteral("11111111-1111-1111-1111-111111111111");

QJsonObject decode(const QByteArray &bytes)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) qWarning() << "not a JSON object:" << bytes;
    return doc.object();
}

QStringList sortedKeys(const QJsonObject &o)
{
    QStringList k = o.keys();
    k.sort();
    return k;
}

Channel channel(Channel::Type type = Channel::Type::Public)
{
    Channel c;
    c.id = QStringLiteral("c1");
    c.workspaceId = kWs;
    c.name = QStringLiteral("general");
    c.type = type;
    c.description = QStringLiteral("Talk");
    c.createdBy = QStringLiteral("u-creator");
    c.createdAt = kAt - 5000;
    return c;
}

Message message()
{
    Message m;
    m.id = QStringLiteral("m1");
    m.channelId = QStringLiteral("c1");
    m.userId = QStringLiteral("u1");
    m.content = QStringLiteral("Hello, world!");
    m.threadId = QStringLiteral("parent"); // not in the seed's shape: must not leak
    m.createdAt = kAt - 1000;
    return m;
}

User user(const QString &id)
{
    User u;
    u.id = id;
    u.username = QStringLiteral("name-") + id;
    return u;
}

ChatEvent makeEvent(ChatEvent::Type type)
{
    ChatEvent e;
    e.type = type;
    e.at = kAt;
    e.channel = channel();
    e.message = message();
    e.actor = user(QStringLiteral("u1"));
    return e;
}

} // namespace

class TestWorkspaceJsonCodec : public QObject
{
    Q_OBJECT

private:
    // Decodes an event and checks the envelope; returns its data.
    QJsonObject envelopeOf(const ChatEvent &e, const QString &type, const QStringList &dataKeys)
    {
        const QJsonObject o = decode(WorkspaceJsonCodec::encodeEvent(e, kWs));
        [&] {
            QCOMPARE(sortedKeys(o), (QStringList{"data", "timestamp", "type", "workspace_id"}));
            QCOMPARE(o.value("type").toString(), type);
            QCOMPARE(o.value("workspace_id").toString(), kWs);
            QCOMPARE(o.value("timestamp").toString(), QStringLiteral("2024-01-01T12:00:00.123Z"));
            QStringList expected = dataKeys;
            expected.sort();
            QCOMPARE(sortedKeys(o.value("data").toObject()), expected);
            }();
        return o.value("data").toObject();
    }

private Q_SLOTS:
    void messageNewHasExactlyTheSeedFields()
    {
        ChatEvent e = makeEvent(ChatEvent::Type::MessageCreated);
        Attachment a;
        a.id = QStringLiteral("a1");
        a.filename = QStringLiteral("f.png");
        e.message.attachments.append(a);
        const QJsonObject d = envelopeOf(e, "message.new",
                                         {"id", "channel_id", "user_id", "content", "attachments", "reactions",
                                          "created_at"});
        QCOMPARE(d.value("id").toString(), QStringLiteral("m1"));
        QCOMPARE(d.value("channel_id").toString(), QStringLiteral("c1"));
        QCOMPARE(d.value("user_id").toString(), QStringLiteral("u1"));
        QCOMPARE(d.value("content").toString(), QStringLiteral("Hello, world!"));
        QCOMPARE(d.value("attachments").toArray().size(), 1);
        QCOMPARE(d.value("attachments").toArray().first().toObject().value("id").toString(), QStringLiteral("a1"));
        QCOMPARE(d.value("reactions").toArray(), QJsonArray());
        QCOMPARE(d.value("created_at").toString(), QStringLiteral("2024-01-01T11:59:59.123Z"));
    }

    void messageUpdatedCarriesIdContentAndUpdatedAt()
    {
        ChatEvent e = makeEvent(ChatEvent::Type::MessageUpdated);
        e.message.content = QStringLiteral("Updated content");
        e.message.editedAt = kAt + 300000;
        const QJsonObject d = envelopeOf(e, "message.updated", {"id", "content", "updated_at"});
        QCOMPARE(d.value("content").toString(), QStringLiteral("Updated content"));
        QCOMPARE(d.value("updated_at").toString(), QStringLiteral("2024-01-01T12:05:00.123Z"));
    }

    void messageDeletedCarriesIdAndDeletedAt()
    {
        ChatEvent e = makeEvent(ChatEvent::Type::MessageDeleted);
        e.message.deletedAt = kAt + 600000;
        const QJsonObject d = envelopeOf(e, "message.deleted", {"id", "deleted_at"});
        QCOMPARE(d.value("id").toString(), QStringLiteral("m1"));
        QCOMPARE(d.value("deleted_at").toString(), QStringLiteral("2024-01-01T12:10:00.123Z"));
    }

    void reactionEventsNameMessageEmojiAndReactor()
    {
        for (auto [type, name] : {std::pair{ChatEvent::Type::ReactionAdded, "reaction.added"},
                                  std::pair{ChatEvent::Type::ReactionRemoved, "reaction.removed"}}) {
            ChatEvent e = makeEvent(type);
            e.reaction = Reaction{QStringLiteral("r1"), QStringLiteral("m1"), QStringLiteral("u2"), QStringLiteral("👍"),
                                  kAt};
            e.actor = user(QStringLiteral("u2"));
            const QJsonObject d = envelopeOf(e, name, {"message_id", "emoji", "user_id"});
            QCOMPARE(d.value("message_id").toString(), QStringLiteral("m1"));
            QCOMPARE(d.value("emoji").toString(), QStringLiteral("👍"));
            QCOMPARE(d.value("user_id").toString(), QStringLiteral("u2"));
        }
    }

    void typingEventsNameChannelAndTypist()
    {
        for (auto [type, name] : {std::pair{ChatEvent::Type::TypingStarted, "typing.start"},
                                  std::pair{ChatEvent::Type::TypingStopped, "typing.stop"}}) {
            const QJsonObject d = envelopeOf(makeEvent(type), name, {"channel_id", "user_id"});
            QCOMPARE(d.value("channel_id").toString(), QStringLiteral("c1"));
            QCOMPARE(d.value("user_id").toString(), QStringLiteral("u1"));
        }
    }

    void presenceUsesTheConnectionsWorkspaceAndTheSeedsStatuses()
    {
        ChatEvent e = makeEvent(ChatEvent::Type::PresenceChanged);
        e.channel = Channel(); // presence belongs to no channel
        for (auto [core, seed] : {std::pair{"online", "online"}, std::pair{"away", "away"}, std::pair{"busy", "away"},
                                  std::pair{"offline", "offline"}}) {
            e.status = QString::fromLatin1(core);
            const QJsonObject d = envelopeOf(e, "presence.updated", {"user_id", "status"});
            QCOMPARE(d.value("user_id").toString(), QStringLiteral("u1"));
            QCOMPARE(d.value("status").toString(), QString::fromLatin1(seed));
        }
    }

    void channelEventsHaveTheSeedsFields()
    {
        ChatEvent created = makeEvent(ChatEvent::Type::ChannelCreated);
        created.channel.type = Channel::Type::Private;
        QJsonObject d = envelopeOf(created, "channel.created", {"id", "name", "type", "created_by"});
        QCOMPARE(d.value("id").toString(), QStringLiteral("c1"));
        QCOMPARE(d.value("name").toString(), QStringLiteral("general"));
        QCOMPARE(d.value("type").toString(), QStringLiteral("private"));
        QCOMPARE(d.value("created_by").toString(), QStringLiteral("u-creator"));

        d = envelopeOf(makeEvent(ChatEvent::Type::ChannelUpdated), "channel.updated", {"id", "name", "description"});
        QCOMPARE(d.value("description").toString(), QStringLiteral("Talk"));

        d = envelopeOf(makeEvent(ChatEvent::Type::ChannelDeleted), "channel.deleted", {"id"});
        QCOMPARE(d.value("id").toString(), QStringLiteral("c1"));
    }

    void memberEventsNameTheMemberNotTheActor()
    {
        for (auto [type, name] : {std::pair{ChatEvent::Type::MemberJoined, "member.joined"},
                                  std::pair{ChatEvent::Type::MemberLeft, "member.left"}}) {
            ChatEvent e = makeEvent(type);
            e.actor = user(QStringLiteral("owner"));
            e.subject = user(QStringLiteral("u3"));
            const QJsonObject d = envelopeOf(e, name, {"channel_id", "user_id"});
            QCOMPARE(d.value("channel_id").toString(), QStringLiteral("c1"));
            QCOMPARE(d.value("user_id").toString(), QStringLiteral("u3"));
        }
    }

    void threadUpdatedCarriesReplyCountAndLastReply()
    {
        ChatEvent e = makeEvent(ChatEvent::Type::ThreadUpdated);
        e.message.replyCount = 5;
        e.message.lastReplyAt = kAt;
        const QJsonObject d = envelopeOf(e, "thread.updated", {"parent_message_id", "reply_count", "last_reply_at"});
        QCOMPARE(d.value("parent_message_id").toString(), QStringLiteral("m1"));
        QCOMPARE(d.value("reply_count").toInt(), 5);
        QCOMPARE(d.value("last_reply_at").toString(), QStringLiteral("2024-01-01T12:00:00.123Z"));
    }

    void eventsTheSeedLacksEncodeToNothing()
    {
        for (auto type : {ChatEvent::Type::Mention, ChatEvent::Type::MessageRead, ChatEvent::Type::SystemMessage})
            QVERIFY(WorkspaceJsonCodec::encodeEvent(makeEvent(type), kWs).isEmpty());
    }

    void channelEventsCarryTheirChannelsWorkspace()
    {
        ChatEvent e = makeEvent(ChatEvent::Type::MessageCreated);
        e.channel.workspaceId = QStringLiteral("other");
        QCOMPARE(decode(WorkspaceJsonCodec::encodeEvent(e, kWs)).value("workspace_id").toString(),
                 QStringLiteral("other"));
    }

    void timestampsAreIsoUtcWithMilliseconds()
    {
        static const QRegularExpression iso(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$"));
        ChatEvent e = makeEvent(ChatEvent::Type::MessageCreated);
        e.at = 1704110400000; // whole second: the milliseconds must still be written
        e.message.createdAt = 1704110400000;
        const QJsonObject o = decode(WorkspaceJsonCodec::encodeEvent(e, kWs));
        QVERIFY2(iso.match(o.value("timestamp").toString()).hasMatch(), qPrintable(o.value("timestamp").toString()));
        QVERIFY(iso.match(o.value("data").toObject().value("created_at").toString()).hasMatch());
    }

    void pongAndErrorUseTheEnvelope()
    {
        QJsonObject o = decode(WorkspaceJsonCodec::pong(kWs, kAt));
        QCOMPARE(sortedKeys(o), (QStringList{"data", "timestamp", "type", "workspace_id"}));
        QCOMPARE(o.value("type").toString(), QStringLiteral("pong"));
        QCOMPARE(o.value("data").toObject(), QJsonObject());

        o = decode(WorkspaceJsonCodec::error("RATE_LIMITED", "Too many requests", kWs, kAt));
        QCOMPARE(o.value("type").toString(), QStringLiteral("error"));
        QCOMPARE(o.value("workspace_id").toString(), kWs);
        QCOMPARE(o.value("data").toObject(), (QJsonObject{{"message", "Too many requests"}, {"code", "RATE_LIMITED"}}));
    }

    void parseRejectsMalformedJsonNonObjectsAndMissingType()
    {
        QCOMPARE(WorkspaceJsonCodec::parse("{not json").errorCode, QStringLiteral("INVALID_JSON"));
        // A lone surrogate escape (JSON.stringify writes one) reads as U+FFFD.
        const WorkspaceJsonCodec::Command lone = WorkspaceJsonCodec::parse("{\"type\":\"ping\",\"x\":\"\\ude0d\"}");
        QVERIFY2(lone.ok(), qPrintable(lone.errorMessage));
        QCOMPARE(lone.fields.value(QLatin1String("x")).toString(), QString::fromUtf16(u"\uFFFD"));
        QCOMPARE(WorkspaceJsonCodec::parse("[1,2]").errorCode, QStringLiteral("INVALID_JSON"));
        QCOMPARE(WorkspaceJsonCodec::parse("\"ping\"").errorCode, QStringLiteral("INVALID_JSON"));
        QCOMPARE(WorkspaceJsonCodec::parse("{}").errorCode, QStringLiteral("INVALID_REQUEST"));
        QCOMPARE(WorkspaceJsonCodec::parse("{\"type\":42}").errorCode, QStringLiteral("INVALID_REQUEST"));
        const WorkspaceJsonCodec::Command ping = WorkspaceJsonCodec::parse("{\"type\":\"ping\"}");
        QVERIFY(ping.ok());
        QCOMPARE(ping.type, QStringLiteral("ping"));
    }

    void parseTypingReadsTheSeedsTopLevelFields()
    {
        const auto t = WorkspaceJsonCodec::parseTyping(
            {{"type", "typing"}, {"channel_id", "c1"}, {"is_typing", false}});
        QVERIFY(t.ok());
        QCOMPARE(t.channelId, QStringLiteral("c1"));
        QCOMPARE(t.isTyping, false);
    }

    void parseTypingAcceptsFieldsWrappedInData()
    {
        const auto t = WorkspaceJsonCodec::parseTyping(
            {{"type", "typing"}, {"data", QJsonObject{{"channel_id", "c2"}, {"is_typing", true}}}});
        QVERIFY(t.ok());
        QCOMPARE(t.channelId, QStringLiteral("c2"));
        QVERIFY(t.isTyping);
    }

    void loggedEventsCarrySeqAndChannelInData()
    {
        using T = ChatEvent::Type;
        for (T type : {T::MessageCreated, T::MessageUpdated, T::MessageDeleted, T::ReactionAdded, T::ReactionRemoved,
                       T::MemberJoined, T::MemberLeft}) {
            ChatEvent e = makeEvent(type);
            e.seq = 42;
            const QJsonObject d = decode(WorkspaceJsonCodec::encodeEvent(e, kWs)).value("data").toObject();
            QCOMPARE(d.value("seq").toInteger(), 42);
            QCOMPARE(d.value("channel_id").toString(), QStringLiteral("c1"));
        }
    }

    void parseSyncReadsChannelAndLastSeq()
    {
        const auto ok = WorkspaceJsonCodec::parseSync({{"data", QJsonObject{{"channel_id", "c1"}, {"last_seq", 12}}}});
        QVERIFY(ok.ok());
        QCOMPARE(ok.channelId, QStringLiteral("c1"));
        QCOMPARE(ok.lastSeq, 12);
        QCOMPARE(WorkspaceJsonCodec::parseSync({{"channel_id", "c1"}, {"last_seq", 0}}).lastSeq, 0);
        for (const QJsonValue bad : {QJsonValue(-1), QJsonValue(1.5), QJsonValue("3"), QJsonValue(), QJsonValue(true)})
            QCOMPARE(WorkspaceJsonCodec::parseSync({{"channel_id", "c1"}, {"last_seq", bad}}).errorCode,
                     QStringLiteral("INVALID_REQUEST"));
        QCOMPARE(WorkspaceJsonCodec::parseSync({{"last_seq", 1}}).errorMessage,
                 QStringLiteral("channel_id is required"));
    }

    void channelSyncedUsesTheEnvelope()
    {
        const QJsonObject o = decode(WorkspaceJsonCodec::channelSynced(QStringLiteral("c1"), 9, false,
                                                                       QStringLiteral("unknown_position"), kWs, kAt));
        QCOMPARE(o.value("type").toString(), QStringLiteral("channel.synced"));
        QCOMPARE(o.value("data").toObject(),
                 (QJsonObject{{"channel_id", "c1"}, {"seq", 9}, {"recovered", false}, {"reason", "unknown_position"}}));
    }

    void parseTypingDefaultsToStartedAndRejectsBadFields()
    {
        QVERIFY(WorkspaceJsonCodec::parseTyping({{"channel_id", "c1"}}).isTyping);
        QCOMPARE(WorkspaceJsonCodec::parseTyping({{"is_typing", true}}).errorCode, QStringLiteral("INVALID_REQUEST"));
        QCOMPARE(WorkspaceJsonCodec::parseTyping({{"channel_id", ""}}).errorCode, QStringLiteral("INVALID_REQUEST"));
        QCOMPARE(WorkspaceJsonCodec::parseTyping({{"channel_id", 7}}).errorCode, QStringLiteral("INVALID_REQUEST"));
        QCOMPARE(WorkspaceJsonCodec::parseTyping({{"channel_id", "c1"}, {"is_typing", "yes"}}).errorCode,
                 QStringLiteral("INVALID_REQUEST"));
    }

    void coreErrorsMapToTheSeedsCodes_data()
    {
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unauthorized") << int(CoreError::Unauthorized) << "INVALID_TOKEN";
        QTest::newRow("access denied") << int(CoreError::AccessDenied) << "UNAUTHORIZED";
        QTest::newRow("rate limited") << int(CoreError::RateLimited) << "RATE_LIMITED";
        QTest::newRow("internal") << int(CoreError::Internal) << "INTERNAL_ERROR";
        QTest::newRow("unavailable") << int(CoreError::Unavailable) << "UNAVAILABLE";
        QTest::newRow("not found") << int(CoreError::NotFound) << "NOT_FOUND";
        QTest::newRow("invalid") << int(CoreError::Invalid) << "INVALID_REQUEST";
        QTest::newRow("too large") << int(CoreError::TooLarge) << "MESSAGE_TOO_LARGE";
        QTest::newRow("conflict") << int(CoreError::Conflict) << "CONFLICT";
    }
    void coreErrorsMapToTheSeedsCodes()
    {
        QFETCH(int, code);
        QFETCH(QString, expected);
        QCOMPARE(WorkspaceJsonCodec::errorCodeFor(CoreError{CoreError::Code(code), QStringLiteral("m"), {}, 0}),
                 expected);
    }

    void internalErrorsDoNotLeakTheirDetails()
    {
        const CoreError e = CoreError::internal(QStringLiteral("disk I/O error at /var/lib/x.db"));
        QCOMPARE(WorkspaceJsonCodec::errorMessageFor(e), QStringLiteral("Internal server error"));
        QCOMPARE(WorkspaceJsonCodec::errorMessageFor(CoreError::rateLimited(2000)),
                 CoreError::rateLimited(2000).message);
    }

    void closeCodesSayWhy()
    {
        QCOMPARE(WorkspaceJsonCodec::closeCodeFor("INVALID_TOKEN"), quint16(4001));
        QCOMPARE(WorkspaceJsonCodec::closeCodeFor("UNAUTHORIZED"), quint16(4003));
        QCOMPARE(WorkspaceJsonCodec::closeCodeFor("RATE_LIMITED"), quint16(4029));
        QCOMPARE(WorkspaceJsonCodec::closeCodeFor("INTERNAL_ERROR"), quint16(4500));
    }
};

QTEST_GUILESS_MAIN(TestWorkspaceJsonCodec)
#include "tst_workspacejsoncodec.moc"
