// ChatService on a real Store (SQLite in a temporary directory) with fake
// sessions that record what the core delivers. Commands are awaited through
// their callbacks, which the core runs only after the write is committed.

#include "core/ChatService.h"
#include "core/EphemeralLane.h"
#include "CoreFixture.h"
#include "auth/JwtCodec.h"
#include "storage/Store.h"
#include "Timestamp.h"

#include <QDir>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <optional>

using namespace switchboard;

using T = ChatEvent::Type;

namespace {

const QByteArray kSecret = QByteArrayLiteral("tst_chatservice-secret-0123456789abcdef");
const QString kPassword = QStringLiteral("correct horse");

ChatService::PostMessage post(const QString &channelId, const QString &content, const QString &threadId = QString())
{
    ChatService::PostMessage p;
    p.channelId = channelId;
    p.content = content;
    p.threadId = threadId;
    return p;
}

QStringList contents(const QList<Message> &messages)
{
    QStringList out;
    for (const Message &m : messages) out.append(m.content);
    return out;
}

} // namespace

class ChatServiceTest : public QObject, protected CoreFixture
{
    Q_OBJECT

    Channel createChannel(const User &by, const QString &name, const QString &type)
    {
        return AWAIT(Channel, chat().createChannel(by.id, name, type, QString(), QString(), nullptr, done)).value;
    }

    Message say(const User &by, const QString &channelId, const QString &content, const QString &threadId = QString())
    {
        const Result<Message> r = AWAIT(Message,
                                        chat().postMessage(by.id, post(channelId, content, threadId), nullptr, done));
        if (!r.ok()) qWarning() << "post failed:" << r.error.message;
        return r.value;
    }

    // Reads through a second connection: what it sees is committed.
    int committedRows(const QString &table, const QString &where, const QVariantList &binds)
    {
        const QString name = QStringLiteral("tst_chatservice-verify");
        int n = -1;
        {
            QSqlDatabase db = QSqlDatabase::contains(name) ? QSqlDatabase::database(name)
                                                           : QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            db.setDatabaseName(QDir(m_dir->path()).filePath(QStringLiteral("switchboard.db")));
            if (!db.isOpen() && !db.open()) return -1;
            QSqlQuery q(db);
            q.prepare(QStringLiteral("SELECT COUNT(*) FROM %1 WHERE %2").arg(table, where));
            for (const QVariant &b : binds) q.addBindValue(b);
            if (q.exec() && q.next()) n = q.value(0).toInt();
            db.close();
        }
        QSqlDatabase::removeDatabase(name);
        return n;
    }

private Q_SLOTS:
    void init()
    {
        m_config = CoreConfig();
        m_config.fastPasswordHashing = true;
        m_secret = kSecret;
        m_password = kPassword;
        QVERIFY(openStore());
        QVERIFY(startChat());
    }

    void cleanup() { closeAll(); }

    // ---- identity ------------------------------------------------------------

    void freshDatabaseHasDefaultWorkspaceWithGeneral()
    {
        const QString ws = chat().directory().defaultWorkspaceId();
        QVERIFY(!ws.isEmpty());
        QCOMPARE(chat().directory().workspace(ws)->name, QStringLiteral("Default"));
        QVERIFY(!general().isEmpty());
        QVERIFY(chat().directory().channel(general())->isPublic());
        // A restart finds it instead of creating a second one.
        QVERIFY(restartChat());
        QCOMPARE(chat().directory().defaultWorkspaceId(), ws);
        QCOMPARE(m_store->loadWorkspaces().size(), 1);
    }

    void registeredUserJoinsDefaultWorkspaceAndGeneral()
    {
        const User alice = registered(QStringLiteral("alice"));
        QVERIFY(alice.isValid());
        QCOMPARE(alice.email, QStringLiteral("alice@example.test"));
        QVERIFY(chat().directory().isWorkspaceMember(chat().directory().defaultWorkspaceId(), alice.id));
        QVERIFY(chat().directory().isChannelMember(general(), alice.id));
        QCOMPARE(committedRows(QStringLiteral("channel_members"), QStringLiteral("channel_id = ? AND user_id = ?"),
                               {general(), alice.id}),
                 1);
    }

    void loginAcceptsUsernameOrEmailAndRefusesBadCredentials()
    {
        const User alice = registered(QStringLiteral("alice"));
        QVERIFY(alice.isValid());
        for (const QString &name :
             {QStringLiteral("alice"), QStringLiteral("alice@example.test"), QStringLiteral("ALICE")}) {
            const Result<User> r = AWAIT(User, chat().login(name, kPassword, nullptr, done));
            QVERIFY2(r.ok(), qPrintable(name + QStringLiteral(": ") + r.error.message));
            QCOMPARE(r.value.id, alice.id);
        }
        QCOMPARE(AWAIT(User, chat().login(QStringLiteral("alice"), QStringLiteral("wrong password"), nullptr, done))
                     .error.code,
                 CoreError::Unauthorized);
        QCOMPARE(AWAIT(User, chat().login(QStringLiteral("nobody"), kPassword, nullptr, done)).error.code,
                 CoreError::Unauthorized);
    }

    void registrationValidatesAndRefusesTakenNames_data()
    {
        QTest::addColumn<QString>("username");
        QTest::addColumn<QString>("password");
        QTest::addColumn<QString>("email");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("field");
        QTest::newRow("taken, other case") << "ALICE"
                                           << "secret123"
                                           << "" << int(CoreError::Conflict) << "";
        QTest::newRow("email taken") << "alice2"
                                     << "secret123"
                                     << "alice@example.test" << int(CoreError::Conflict) << "";
        QTest::newRow("one letter") << "a"
                                    << "secret123"
                                    << "" << int(CoreError::Invalid) << "username";
        QTest::newRow("space") << "bad name"
                               << "secret123"
                               << "" << int(CoreError::Invalid) << "username";
        QTest::newRow("short password") << "carol"
                                        << "12345"
                                        << "" << int(CoreError::Invalid) << "password";
        QTest::newRow("email without at") << "carol"
                                          << "secret123"
                                          << "carol.example.test" << int(CoreError::Invalid) << "email";
    }

    void registrationValidatesAndRefusesTakenNames()
    {
        QFETCH(QString, username);
        QFETCH(QString, password);
        QFETCH(QString, email);
        QFETCH(int, code);
        QFETCH(QString, field);
        QVERIFY(registered(QStringLiteral("alice")).isValid());
        const Result<User> r = AWAIT(User, chat().registerUser(username, password, email, QString(), nullptr, done));
        QCOMPARE(int(r.error.code), code);
        QCOMPARE(r.error.field, field);
        QCOMPARE(chat().directory().userCount(), 2); // alice and the system user
    }

    void authenticateAcceptsIssuedTokens()
    {
        const User alice = registered(QStringLiteral("alice"));
        const Result<User> r = chat().authenticate(chat().issueToken(alice));
        QVERIFY2(r.ok(), qPrintable(r.error.message));
        QCOMPARE(r.value.id, alice.id);
    }

    void authenticateRejectsBadTokens()
    {
        const User alice = registered(QStringLiteral("alice"));
        const User bob = registered(QStringLiteral("bob"));
        const qint64 now = Timestamp::nowMs() / 1000;
        const QByteArray good = chat().issueToken(alice);
        QList<QByteArray> parts = good.split('.');
        const QByteArray bobPayload = chat().issueToken(bob).split('.').at(1);
        const QByteArray tampered = parts[0] + '.' + bobPayload + '.' + parts[2];

        const struct
        {
            const char *what;
            QByteArray token;
            const char *reason;
        } cases[] = {
            {"empty", QByteArray(), "missing token"},
            {"garbage", QByteArrayLiteral("not.a.jwt"), "invalid token"},
            {"forged with another secret",
             JwtCodec(QByteArrayLiteral("some-other-secret-0123456789abcdef"))
                 .issue(alice.id, QStringLiteral("alice"), 3600, now),
             "unknown_key"}, // its kid names a key this server does not hold
            {"payload swapped", tampered, "bad_signature"},
            {"expired", JwtCodec(kSecret).issue(alice.id, QStringLiteral("alice"), 60, now - 3600), "expired"},
            {"unknown user", JwtCodec(kSecret).issue(Timestamp::newId(), QStringLiteral("ghost"), 3600, now),
             "unknown user"},
        };
        for (const auto &c : cases) {
            const Result<User> r = chat().authenticate(c.token);
            QVERIFY2(!r.ok(), c.what);
            QCOMPARE(r.error.code, CoreError::Unauthorized);
            QVERIFY2(r.error.message.contains(QLatin1String(c.reason)),
                     qPrintable(QStringLiteral("%1: %2").arg(QLatin1String(c.what), r.error.message)));
        }
    }

    void disablingAUserClosesSessionsAndRevokesAccess()
    {
        const User alice = registered(QStringLiteral("alice"));
        const User bob = registered(QStringLiteral("bob"));
        const QByteArray token = chat().issueToken(alice);
        FakeSession *tab1 = connectAs(alice);
        FakeSession *tab2 = connectAs(alice);
        FakeSession *other = connectAs(bob);
        QVERIFY(tab1 && tab2 && other);
        const Result<User> r = AWAIT(User, chat().disableUser(alice.id, QStringLiteral("spam"), nullptr, done));
        QVERIFY2(r.ok(), qPrintable(r.error.message));
        QVERIFY(r.value.disabled);
        QCOMPARE(tab1->disconnectReasons, QStringList{QStringLiteral("spam")});
        QCOMPARE(tab1->authLosses, QList<Session::AuthLoss>{Session::AuthLoss::AccountDisabled});
        QCOMPARE(tab2->disconnectReasons, QStringList{QStringLiteral("spam")});
        QVERIFY(other->disconnectReasons.isEmpty());

        const Result<User> auth = chat().authenticate(token);
        QCOMPARE(auth.error.code, CoreError::Unauthorized);
        QVERIFY2(auth.error.message.contains(QLatin1String("disabled")), qPrintable(auth.error.message));
        QCOMPARE(AWAIT(User, chat().login(QStringLiteral("alice"), kPassword, nullptr, done)).error.code,
                 CoreError::Unauthorized);
        FakeSession fresh(alice);
        QCOMPARE(chat().attachSession(&fresh).code, CoreError::Unauthorized);
        QCOMPARE(AWAIT(Message,
                       chat().postMessage(alice.id, post(general(), QStringLiteral("still here?")), nullptr, done))
                     .error.code,
                 CoreError::Unauthorized);
        // Persisted: a restart keeps the account disabled.
        QVERIFY(restartChat());
        QCOMPARE(chat().authenticate(token).error.code, CoreError::Unauthorized);
        QCOMPARE(AWAIT(User, chat().disableUser(Timestamp::newId(), QString(), nullptr, done)).error.code,
                 CoreError::NotFound);
    }

    void logoutRevokesOnlyThatTokenAndClosesItsSessions()
    {
        const User alice = registered(QStringLiteral("alice"));
        const QByteArray token = chat().issueToken(alice);
        const QByteArray other = chat().issueToken(alice); // same second, still a different token
        QVERIFY(token != other);
        FakeSession *onToken = connectAs(alice);
        onToken->setToken(token);
        FakeSession *onOther = connectAs(alice);
        onOther->setToken(other);
        QVERIFY(onToken && onOther);

        const Result<User> r = AWAIT(User, chat().logout(token, nullptr, done));
        QVERIFY2(r.ok(), qPrintable(r.error.message));
        QCOMPARE(r.value.id, alice.id);
        QCOMPARE(onToken->authLosses, QList<Session::AuthLoss>{Session::AuthLoss::TokenRevoked});
        QVERIFY(onOther->authLosses.isEmpty());
        QVERIFY(onOther->disconnectReasons.isEmpty());
        QCOMPARE(committedRows(QStringLiteral("revoked_tokens"), QStringLiteral("user_id = ?"), {alice.id}), 1);

        const Result<User> refused = chat().authenticate(token);
        QCOMPARE(refused.error.code, CoreError::Unauthorized);
        QVERIFY2(refused.error.message.contains(QLatin1String("revoked")), qPrintable(refused.error.message));
        QVERIFY(chat().authenticate(other).ok());
        // A second logout of the same token is refused like any bad token.
        QCOMPARE(AWAIT(User, chat().logout(token, nullptr, done)).error.code, CoreError::Unauthorized);
        QCOMPARE(AWAIT(User, chat().logout("garbage", nullptr, done)).error.code, CoreError::Unauthorized);

        // Persisted: a restart still refuses it.
        QVERIFY(restartChat());
        QCOMPARE(chat().authenticate(token).error.code, CoreError::Unauthorized);
        QVERIFY(chat().authenticate(other).ok());
    }

    void expiredRevocationsAreDroppedAtStart()
    {
        const User alice = registered(QStringLiteral("alice"));
        m_config.tokenTtlSeconds = 3;
        QVERIFY(restartChat());
        const QByteArray shortLived = chat().issueToken(alice);
        QVERIFY(AWAIT(User, chat().logout(shortLived, nullptr, done)).ok());
        QCOMPARE(committedRows(QStringLiteral("revoked_tokens"), QStringLiteral("1 = 1"), {}), 1);
        // Kept only while the token could still verify: once it expired, the row goes.
        QTRY_VERIFY_WITH_TIMEOUT(!chat().authenticate(shortLived).ok()
                                     && chat()
                                            .authenticate(shortLived)
                                            .error.message.contains(QLatin1String("expired")),
                                 10000);
        QVERIFY(restartChat());
        m_store->flush();
        QCOMPARE(committedRows(QStringLiteral("revoked_tokens"), QStringLiteral("1 = 1"), {}), 0);
    }

    void previousSecretsStillVerifyAndNewTokensUseTheCurrentKey()
    {
        const User alice = registered(QStringLiteral("alice"));
        const QByteArray oldToken = chat().issueToken(alice);
        m_config.previousJwtSecrets = {kSecret};
        const QByteArray newSecret = QByteArrayLiteral("the-next-secret-0123456789abcdef0123");
        dropSessions();
        m_chat.reset();
        m_chat = std::make_unique<ChatService>(m_store.get(), newSecret, m_config);
        QString error;
        QVERIFY2(m_chat->start(&error), qPrintable(error));
        QVERIFY(chat().authenticate(oldToken).ok());
        const QByteArray newToken = chat().issueToken(alice);
        QVERIFY(chat().authenticate(newToken).ok());

        // Without the previous secret the old token is refused.
        m_config.previousJwtSecrets.clear();
        m_chat.reset();
        m_chat = std::make_unique<ChatService>(m_store.get(), newSecret, m_config);
        QVERIFY2(m_chat->start(&error), qPrintable(error));
        const Result<User> r = chat().authenticate(oldToken);
        QCOMPARE(r.error.code, CoreError::Unauthorized);
        QVERIFY2(r.error.message.contains(QLatin1String("unknown_key")), qPrintable(r.error.message));
        QVERIFY(chat().authenticate(newToken).ok());
    }

    // ---- messages ------------------------------------------------------------

    void postIsAcknowledgedAfterCommitThenDeliveredToSubscribers()
    {
        const User alice = registered(QStringLiteral("alice"));
        const User bob = registered(QStringLiteral("bob"));
        const User carol = registered(QStringLiteral("carol"));
        FakeSession *as = connectAs(alice);
        FakeSession *bs = connectAs(bob);
        FakeSession *cs = connectAs(carol, false); // follows nothing, subscribed to nothing
        QVERIFY(as && bs && cs);
        auto order = std::make_shared<QStringList>();
        bs->onDeliver = [order](const ChatEventPtr &e) {
            if (e->type == T::MessageCreated) order->append(QStringLiteral("event"));
        };
        int committedAtAck = -1;
        const qint64 seqBefore = chat().channelSeq(general());
        const Result<Message> r = AWAIT(Message, chat().postMessage(
                                                     alice.id, post(general(), QStringLiteral("hello")), nullptr,
                                                     [&, done](const Result<Message> &res) {
            order->append(QStringLiteral("ack"));
            committedAtAck = committedRows(QStringLiteral("messages"), QStringLiteral("id = ?"), {res.value.id});
            done(res);
                                                     },
                                                     as->id()));
        QVERIFY2(r.ok(), qPrintable(r.error.message));
        QCOMPARE(committedAtAck, 1);
        QCOMPARE(*order, QStringList({"ack", "event"}));
        // The channel's next event number (member joins took the ones before).
        QCOMPARE(r.value.seq, seqBefore + 1);
        QCOMPARE(chat().channelSeq(general()), r.value.seq);
        QCOMPARE(r.value.content, QStringLiteral("hello"));

        QCOMPARE(bs->count(T::MessageCreated), 1);
        const ChatEventPtr e = bs->ofType(T::MessageCreated).first();
        QCOMPARE(e->message.id, r.value.id);
        QCOMPARE(e->actor.id, alice.id);
        QCOMPARE(e->channel.id, general());
        QCOMPARE(e->originSessionId, as->id());
        QCOMPARE(as->count(T::MessageCreated), 1); // the author's own tabs see it too
        QCOMPARE(cs->count(T::MessageCreated), 0);
        // Subscribing explicitly is what a non-following session does.
        QVERIFY(!chat().subscribe(cs, general()));
        say(bob, general(), QStringLiteral("again"));
        QCOMPARE(cs->count(T::MessageCreated), 1);
        chat().unsubscribe(cs, general());
        say(bob, general(), QStringLiteral("and again"));
        QCOMPARE(cs->count(T::MessageCreated), 1);
    }

    void callbackIsSkippedWhenItsContextIsGoneButTheMessageIsKept()
    {
        const User alice = registered(QStringLiteral("alice"));
        auto *context = new QObject;
        bool called = false;
        chat().postMessage(alice.id, post(general(), QStringLiteral("orphan")), context,
                           [&](const Result<Message> &) { called = true; });
        delete context;
        QTRY_COMPARE(m_store->messageCount(), qint64(1));
        QCoreApplication::processEvents();
        QVERIFY(!called);
        QCOMPARE(contents(chat().history(alice.id, general(), QString(), 10).value),
                 QStringList{QStringLiteral("orphan")});
    }

    void invalidPostsAreRefused()
    {
        const User alice = registered(QStringLiteral("alice"));
        m_config.maxMessageBytes = 10;
        QVERIFY(restartChat());
        QCOMPARE(AWAIT(Message, chat().postMessage(alice.id, post(general(), QStringLiteral("   ")), nullptr, done))
                     .error.code,
                 CoreError::Invalid);
        QCOMPARE(AWAIT(Message, chat().postMessage(alice.id, post(QString(), QStringLiteral("x")), nullptr, done))
                     .error.field,
                 QStringLiteral("channel_id"));
        QCOMPARE(AWAIT(Message,
                       chat().postMessage(alice.id, post(general(), QStringLiteral("0123456789!")), nullptr, done))
                     .error.code,
                 CoreError::TooLarge);
        QCOMPARE(AWAIT(Message,
                       chat().postMessage(alice.id, post(Timestamp::newId(), QStringLiteral("x")), nullptr, done))
                     .error.code,
                 CoreError::NotFound);
        QCOMPARE(AWAIT(Message,
                       chat().postMessage(Timestamp::newId(), post(general(), QStringLiteral("x")), nullptr, done))
                     .error.code,
                 CoreError::Unauthorized);
        QCOMPARE(m_store->messageCount(), qint64(0));
    }

    void privateChannelIsClosedToNonMembers()
    {
        const User alice = registered(QStringLiteral("alice"));
        const User bob = registered(QStringLiteral("bob"));
        FakeSession *bs = connectAs(bob);
        QVERIFY(bs);
        const Channel secret = createChannel(alice, QStringLiteral("secret"), QStringLiteral("private"));
        QVERIFY(secret.isValid());
        QCOMPARE(secret.type, Channel::Type::Private);
        const Message m = say(alice, secret.id, QStringLiteral("for members only"));
        QVERIFY(m.isValid());
        QCOMPARE(bs->count(T::ChannelCreated), 0);
        QCOMPARE(bs->count(T::MessageCreated), 0);

        QCOMPARE(chat().readableChannel(bob.id, secret.id).error.code, CoreError::AccessDenied);
        QCOMPARE(chat().readableChannel(bob.id, secret.id).error.message, QStringLiteral("Access denied to channel"));
        QCOMPARE(AWAIT(Message, chat().postMessage(bob.id, post(secret.id, QStringLiteral("let me in")), nullptr, done))
                     .error.code,
                 CoreError::AccessDenied);
        QCOMPARE(chat().subscribe(bs, secret.id).code, CoreError::AccessDenied);
        QCOMPARE(chat().history(bob.id, secret.id, QString(), 10).error.code, CoreError::AccessDenied);
        QCOMPARE(chat().messagesSince(bob.id, secret.id, QString(), 10).error.code, CoreError::AccessDenied);
        QCOMPARE(chat().message(bob.id, m.id).error.code, CoreError::NotFound);
        QCOMPARE(AWAIT(Channel, chat().joinChannel(bob.id, secret.id, nullptr, done)).error.code,
                 CoreError::AccessDenied);
        QCOMPARE(AWAIT(Reaction, chat().addReaction(bob.id, m.id, QStringLiteral("👀"), nullptr, done)).error.code,
                 CoreError::NotFound);
        for (const Channel &c : chat().visibleChannels(bob.id)) QVERIFY(c.id != secret.id);

        // Once added, bob's following session is subscribed and he may post.
        QVERIFY(AWAIT(Channel, chat().addMember(alice.id, secret.id, bob.id, nullptr, done)).ok());
        QVERIFY(bs->topics().contains(RoomManager::channelTopic(secret.id)));
        QVERIFY(say(bob, secret.id, QStringLiteral("thanks")).isValid());
        QCOMPARE(bs->count(T::MessageCreated), 1);
    }

    void editAndDeleteByANonAuthorAreRefused()
    {
        const User alice = registered(QStringLiteral("alice"));
        const User bob = registered(QStringLiteral("bob"));
        FakeSession *bs = connectAs(bob);
        QVERIFY(bs);
        const Message m = say(alice, general(), QStringLiteral("original"));
        QCOMPARE(AWAIT(Message, chat().editMessage(bob.id, m.id, QStringLiteral("hacked"), nullptr, done)).error.code,
                 CoreError::AccessDenied);
        QCOMPARE(AWAIT(Message, chat().deleteMessage(bob.id, m.id, nullptr, done)).error.code, CoreError::AccessDenied);
        QCOMPARE(m_store->message(m.id)->content, QStringLiteral("original"));
        QCOMPARE(bs->count(T::MessageUpdated) + bs->count(T::MessageDeleted), 0);

        const Result<Message> edited = AWAIT(Message, chat().editMessage(alice.id, m.id, QStringLiteral("better"),
                                                                         nullptr, done));
        QVERIFY2(edited.ok(), qPrintable(edited.error.message));
        QVERIFY(edited.value.editedAt > 0);
        QCOMPARE(m_store->message(m.id)->content, QStringLiteral("better"));
        QCOMPARE(bs->count(T::MessageUpdated), 1);
        QCOMPARE(bs->ofType(T::MessageUpdated).first()->message.content, QStringLiteral("better"));

        QVERIFY(AWAIT(Message, chat().deleteMessage(alice.id, m.id, nullptr, done)).ok());
        QCOMPARE(bs->count(T::MessageDeleted), 1);
        QCOMPARE(bs->ofType(T::MessageDeleted).first()->message.id, m.id);
        QCOMPARE(bs->ofType(T::MessageDeleted).first()->actor.id, alice.id);
        QVERIFY(m_store->message(m.id)->isDeleted());
        QCOMPARE(AWAIT(Message, chat().editMessage(alice.id, m.id, QStringLiteral("zombie"), nullptr, done)).error.code,
                 CoreError::NotFound);
        QCOMPARE(AWAIT(Message, chat().deleteMessage(alice.id, m.id, nullptr, done)).error.code, CoreError::NotFound);
    }

    void reactionsAddConflictAndRemove()
    {
        const User alice = registered(QStringLiteral("alice"));
        const User bob = registered(QStringLiteral("bob"));
        FakeSession *as = connectAs(alice);
        QVERIFY(as);
        const Message m = say(alice, general(), QStringLiteral("react to me"));

        const Result<Reaction> thumbs = AWAIT(Reaction,
                                              chat().addReaction(bob.id, m.id, QStringLiteral("👍"), nullptr, done));
        QVERIFY2(thumbs.ok(), qPrintable(thumbs.error.message));
        QCOMPARE(as->count(T::ReactionAdded), 1);
        const ChatEventPtr added = as->ofType(T::ReactionAdded).first();
        QCOMPARE(added->reaction.emoji, QStringLiteral("👍"));
        QCOMPARE(added->actor.id, bob.id);
        QCOMPARE(added->message.id, m.id);

        QCOMPARE(AWAIT(Reaction, chat().addReaction(bob.id, m.id, QStringLiteral("👍"), nullptr, done)).error.code,
                 CoreError::Conflict);
        QVERIFY(AWAIT(Reaction, chat().addReaction(bob.id, m.id, QStringLiteral("🎉"), nullptr, done)).ok());
        QVERIFY(AWAIT(Reaction, chat().addReaction(alice.id, m.id, QStringLiteral("👍"), nullptr, done)).ok());
        QCOMPARE(m_store->message(m.id)->reactions.size(), 3);
        QCOMPARE(AWAIT(Reaction, chat().addReaction(bob.id, m.id, QStringLiteral(" "), nullptr, done)).error.code,
                 CoreError::Invalid);

        // Only the reactor removes a reaction.
        QCOMPARE(AWAIT(Reaction, chat().removeReactionById(alice.id, thumbs.value.id, nullptr, done)).error.code,
                 CoreError::AccessDenied);
        QVERIFY(AWAIT(Reaction, chat().removeReaction(bob.id, m.id, QStringLiteral("👍"), nullptr, done)).ok());
        QCOMPARE(as->count(T::ReactionRemoved), 1);
        QCOMPARE(as->ofType(T::ReactionRemoved).first()->reaction.id, thumbs.value.id);
        QCOMPARE(AWAIT(Reaction, chat().removeReaction(bob.id, m.id, QStringLiteral("👍"), nullptr, done)).error.code,
                 CoreError::NotFound);
        QCOMPARE(m_store->message(m.id)->reactions.size(), 2);
    }

    void sameReactionTwiceInOneBatchConflictsOnce()
    {
        // Both pass the in-memory check before either is committed; the unique
        // constraint decides, and the loser must hear Conflict, not Internal.
        const User alice = registered(QStringLiteral("alice"));
        const Message m = say(alice, general(), QStringLiteral("race"));
        auto results = std::make_shared<QList<CoreError::Code>>();
        for (int i = 0; i < 2; ++i)
            chat().addReaction(alice.id, m.id, QStringLiteral("🔥"), nullptr,
                               [results](const Result<Reaction> &r) { results->append(r.error.code); });
        QTRY_COMPARE(results->size(), 2);
        QList<CoreError::Code> sorted = *results;
        std::sort(sorted.begin(), sorted.end());
        QCOMPARE(sorted, (QList<CoreError::Code>{CoreError::None, CoreError::Conflict}));
        QCOMPARE(m_store->message(m.id)->reactions.size(), 1);
    }

    void threadReplyBumpsParentAndPublishesThreadUpdated()
    {
        const User alice = registered(QStringLiteral("alice"));
        const User bob = registered(QStringLiteral("bob"));
        FakeSession *as = connectAs(alice);
        QVERIFY(as);
        const Message parent = say(alice, general(), QStringLiteral("parent"));
        const Message r1 = say(bob, general(), QStringLiteral("reply 1"), parent.id);
        QVERIFY(r1.isValid());
        QCOMPARE(r1.threadId, parent.id);
        QCOMPARE(as->count(T::ThreadUpdated), 1);
        const ChatEventPtr t1 = as->ofType(T::ThreadUpdated).first();
        QCOMPARE(t1->message.id, parent.id);
        QCOMPARE(t1->message.replyCount, 1);
        QCOMPARE(t1->message.lastReplyAt, r1.createdAt);
        QCOMPARE(t1->actor.id, bob.id);

        // Threads are one level deep: a reply to a reply joins the parent's thread.
        const Message r2 = say(alice, general(), QStringLiteral("reply 2"), r1.id);
        QCOMPARE(r2.threadId, parent.id);
        QCOMPARE(as->count(T::ThreadUpdated), 2);
        QCOMPARE(as->ofType(T::ThreadUpdated).last()->message.replyCount, 2);
        QCOMPARE(m_store->message(parent.id)->replyCount, 2);

        QCOMPARE(contents(chat().threadReplies(alice.id, parent.id, 0).value), QStringList({"reply 1", "reply 2"}));
        // The core's own reads (no user: e.g. a dialect's thread summary) see the thread too.
        QCOMPARE(contents(chat().threadReplies(QString(), parent.id, 0).value), QStringList({"reply 1", "reply 2"}));
        QCOMPARE(contents(chat().history(alice.id, general(), QString(), 50).value),
                 QStringList{QStringLiteral("parent")});
        QCOMPARE(AWAIT(Message, chat().postMessage(bob.id, post(general(), QStringLiteral("x"), Timestamp::newId()),
                                                   nullptr, done))
                     .error.code,
                 CoreError::NotFound);
    }

    void mentionsReachOnlyMentionedUsersWhoCanRead()
    {
        const User alice = registered(QStringLiteral("alice"));
        const User bob = registered(QStringLiteral("bob"));
        const User carol = registered(QStringLiteral("carol"));
        FakeSession *as = connectAs(alice);
        FakeSession *bs = connectAs(bob, false);
        FakeSession *cs = connectAs(carol, false);
        QVERIFY(as && bs && cs);
        const Channel secret = createChannel(alice, QStringLiteral("secret"), QStringLiteral("private"));
        QVERIFY(AWAIT(Channel, chat().addMember(alice.id, secret.id, bob.id, nullptr, done)).ok());

        const Message m = say(alice, secret.id, QStringLiteral("@bob @carol @alice @nobody mail carol@example.test"));
        QCOMPARE(m.mentions, QStringList{bob.id});
        QCOMPARE(bs->count(T::Mention), 1); // through the user's own topic, no channel subscription needed
        QCOMPARE(bs->ofType(T::Mention).first()->subject.id, bob.id);
        QCOMPARE(bs->ofType(T::Mention).first()->message.id, m.id);
        QCOMPARE(bs->ofType(T::Mention).first()->actor.id, alice.id);
        QCOMPARE(cs->count(T::Mention), 0); // may not read the private channel
        QCOMPARE(as->count(T::Mention), 0); // no self-mentions

        // In a public channel every workspace member can read, so carol is mentioned.
        const Message pub = say(alice, general(), QStringLiteral("hey @Carol!"));
        QCOMPARE(pub.mentions, QStringList{carol.id});
        QCOMPARE(cs->count(T::Mention), 1);
    }

    void messagesSinceReturnsExactlyTheMissedMessages()
    {
        const User alice = registered(QStringLiteral("alice"));
        QList<Message> posted;
        for (int i = 1; i <= 5; ++i) posted.append(say(alice, general(), QStringLiteral("m%1").arg(i)));
        const Message reply = say(alice, general(), QStringLiteral("late reply"), posted[0].id);
        QVERIFY(reply.isValid());

        const Result<QList<Message>> since = chat().messagesSince(alice.id, general(), posted[1].id, 100);
        QVERIFY(since.ok());
        QCOMPARE(contents(since.value), QStringList({"m3", "m4", "m5", "late reply"}));
        for (int i = 1; i < since.value.size(); ++i) QCOMPARE(since.value[i].seq, since.value[i - 1].seq + 1);
        QCOMPARE(contents(chat().messagesSince(alice.id, general(), QString(), 100).value).size(), 6);
        QCOMPARE(contents(chat().messagesSince(alice.id, general(), posted[1].id, 2).value), QStringList({"m3", "m4"}));
        QVERIFY(chat().messagesSince(alice.id, general(), reply.id, 100).value.isEmpty());
        QCOMPARE(chat().messagesSince(alice.id, general(), Timestamp::newId(), 100).error.code, CoreError::NotFound);
        const Channel other = createChannel(alice, QStringLiteral("other"), QStringLiteral("public"));
        const Message elsewhere = say(alice, other.id, QStringLiteral("elsewhere"));
        QCOMPARE(chat().messagesSince(alice.id, general(), elsewhere.id, 100).error.code, CoreError::NotFound);
    }

    void sequencesContinueAfterRestart()
    {
        const User alice = registered(QStringLiteral("alice"));
        qint64 last = 0;
        for (int i = 0; i < 3; ++i) last = say(alice, general(), QStringLiteral("before")).seq;
        QVERIFY(last > 0);
        QVERIFY(restartChat());
        QCOMPARE(chat().channelSeq(general()), last);
        const Message m = say(alice, general(), QStringLiteral("after"));
        QCOMPARE(m.seq, last + 1);
    }

    void historyPagesBackwardsOldestFirst()
    {
        const User alice = registered(QStringLiteral("alice"));
        QList<Message> posted;
        for (int i = 1; i <= 5; ++i) posted.append(say(alice, general(), QStringLiteral("m%1").arg(i)));
        QCOMPARE(contents(chat().history(alice.id, general(), QString(), 2).value), QStringList({"m4", "m5"}));
        QCOMPARE(contents(chat().history(alice.id, general(), posted[3].id, 2).value), QStringList({"m2", "m3"}));
        QCOMPARE(contents(chat().historyPage(alice.id, general(), 2, 2).value), QStringList({"m2", "m3"}));
        QCOMPARE(chat().history(alice.id, general(), Timestamp::newId(), 2).error.code, CoreError::NotFound);
    }

    void messagesAreRateLimitedPerChannel()
    {
        const User alice = registered(QStringLiteral("alice"));
        const Channel other = createChannel(alice, QStringLiteral("other"), QStringLiteral("public"));
        CoreConfig limits = chat().config();
        limits.messagesPerMinutePerChannel = 3;
        chat().setConfig(limits);
        for (int i = 0; i < 3; ++i) QVERIFY(say(alice, general(), QStringLiteral("ok %1").arg(i)).isValid());
        const Result<Message> refused =
            AWAIT(Message,
                  chat().postMessage(alice.id, post(general(), QStringLiteral("one too many")), nullptr, done));
        QCOMPARE(refused.error.code, CoreError::RateLimited);
        QVERIFY(refused.error.retryAfterMs > 0);
        QVERIFY(refused.error.retryAfterMs <= 20000); // one token per 20 s
        QCOMPARE(m_store->messageCount(), qint64(3));
        QVERIFY(say(alice, other.id, QStringLiteral("another channel has its own budget")).isValid());
    }

    void typingIsAnnouncedToChannelSubscribersAndEnds()
    {
        const User alice = registered(QStringLiteral("alice"));
        const User bob = registered(QStringLiteral("bob"));
        FakeSession *as = connectAs(alice);
        FakeSession *bs = connectAs(bob);
        QVERIFY(as && bs);
        // Typing leaves through the ephemeral lane: flush() is the barrier.
        QVERIFY(!chat().setTyping(as, general(), true));
        chat().lane()->flush();
        QCOMPARE(bs->count(T::TypingStarted), 1);
        QCOMPARE(bs->ofType(T::TypingStarted).first()->actor.id, alice.id);
        QCOMPARE(bs->ofType(T::TypingStarted).first()->channel.id, general());
        QVERIFY(!chat().setTyping(as, general(), true)); // refresh
        chat().lane()->flush();
        QCOMPARE(bs->count(T::TypingStarted), 1);
        QVERIFY(!chat().setTyping(as, general(), false));
        chat().lane()->flush();
        QCOMPARE(bs->count(T::TypingStopped), 1);

        // Typing stops when the typist's connection goes.
        QVERIFY(!chat().setTyping(as, general(), true));
        chat().lane()->flush();
        disconnectSession(as);
        chat().lane()->flush();
        QCOMPARE(bs->count(T::TypingStopped), 2);

        const Channel secret = createChannel(alice, QStringLiteral("secret"), QStringLiteral("private"));
        QCOMPARE(chat().setTyping(bs, secret.id, true).code, CoreError::AccessDenied);
        QCOMPARE(chat().setTyping(bs, Timestamp::newId(), true).code, CoreError::NotFound);
    }

    void typingEndsByItselfAfterTheTimeout()
    {
        m_config.typingTimeoutMs = 100;
        QVERIFY(restartChat());
        const User alice = registered(QStringLiteral("alice"));
        const User bob = registered(QStringLiteral("bob"));
        FakeSession *as = connectAs(alice);
        FakeSession *bs = connectAs(bob);
        QVERIFY(as && bs);
        QVERIFY(!chat().setTyping(as, general(), true));
        QTRY_COMPARE_WITH_TIMEOUT(bs->count(T::TypingStopped), 1, 10000);
        QVERIFY(!chat().typing()->isTyping(general(), alice.id));
    }

    void typingStartsAreRateLimited()
    {
        const User alice = registered(QStringLiteral("alice"));
        FakeSession *as = connectAs(alice);
        QVERIFY(as);
        CoreConfig limits = chat().config();
        limits.typingPerMinutePerChannel = 2;
        chat().setConfig(limits);
        for (int i = 0; i < 2; ++i) {
            QVERIFY(!chat().setTyping(as, general(), true));
            QVERIFY(!chat().setTyping(as, general(), false));
        }
        const CoreError e = chat().setTyping(as, general(), true);
        QCOMPARE(e.code, CoreError::RateLimited);
        QVERIFY(e.retryAfterMs > 0);
        // Stopping is never limited.
        QVERIFY(!chat().setTyping(as, general(), false));
    }

    void presenceReachesSessionsSharingAWorkspace()
    {
        const User alice = registered(QStringLiteral("alice"));
        const User bob = registered(QStringLiteral("bob"));
        FakeSession *bs = connectAs(bob, false); // no channel subscriptions: the workspace topic carries presence
        QVERIFY(bs);
        FakeSession *tab1 = connectAs(alice);
        FakeSession *tab2 = connectAs(alice);
        QVERIFY(tab1 && tab2);
        auto statuses = [&] {
            QStringList out;
            for (const ChatEventPtr &e : bs->ofType(T::PresenceChanged))
                if (e->actor.id == alice.id) out.append(e->status);
            return out;
        };
        // Presence goes out one loop pass after attach, after the dialect's greeting.
        QTRY_COMPARE(statuses(), QStringList{QStringLiteral("online")});
        QCOMPARE(chat().presence()->status(alice.id), QStringLiteral("online"));
        QStringList both{alice.id, bob.id};
        both.sort();
        QCOMPARE(chat().onlineMembers(general()), both);

        QVERIFY(!chat().setPresence(alice.id, QStringLiteral("away")));
        chat().lane()->flush(); // presence leaves through the ephemeral lane
        QCOMPARE(statuses(), QStringList({"online", "away"}));
        QCOMPARE(chat().setPresence(alice.id, QStringLiteral("asleep")).code, CoreError::Invalid);
        const User carol = registered(QStringLiteral("carol"));
        QCOMPARE(chat().setPresence(carol.id, QStringLiteral("busy")).code, CoreError::Invalid); // not connected

        disconnectSession(tab1);
        chat().lane()->flush();
        QCOMPARE(statuses(), QStringList({"online", "away"}));
        disconnectSession(tab2);
        chat().lane()->flush();
        QCOMPARE(statuses(), QStringList({"online", "away", "offline"}));
        QCOMPARE(chat().onlineMembers(general()), QStringList{bob.id});
    }

    void connectionsPerUserAreLimited()
    {
        m_config.connectionsPerUser = 2;
        QVERIFY(restartChat());
        const User alice = registered(QStringLiteral("alice"));
        QVERIFY(connectAs(alice));
        QVERIFY(connectAs(alice));
        FakeSession third(alice);
        QCOMPARE(chat().attachSession(&third).code, CoreError::RateLimited);
        QCOMPARE(chat().sessionsOfUser(alice.id).size(), 2);
    }

    // ---- channels and conversations ------------------------------------------

    void sameParticipantSetGivesTheSameConversation()
    {
        const User alice = registered(QStringLiteral("alice"));
        const User bob = registered(QStringLiteral("bob"));
        const User carol = registered(QStringLiteral("carol"));
        FakeSession *bs = connectAs(bob, false);
        QVERIFY(bs);
        const Result<Channel> first = AWAIT(Channel, chat().openConversation(alice.id, {bob.id}, nullptr, done));
        QVERIFY2(first.ok(), qPrintable(first.error.message));
        QCOMPARE(first.value.type, Channel::Type::Dm);
        QCOMPARE(first.value.name, QStringLiteral("alice,bob"));
        QCOMPARE(bs->count(T::ChannelCreated), 1); // the other participant hears of it

        QCOMPARE(AWAIT(Channel, chat().openConversation(bob.id, {alice.id}, nullptr, done)).value.id, first.value.id);
        QCOMPARE(AWAIT(Channel, chat().openConversation(alice.id, {bob.id, bob.id, alice.id}, nullptr, done)).value.id,
                 first.value.id);
        const Result<Channel> group = AWAIT(Channel,
                                            chat().openConversation(alice.id, {bob.id, carol.id}, nullptr, done));
        QVERIFY(group.ok());
        QVERIFY(group.value.id != first.value.id);
        QCOMPARE(bs->count(T::ChannelCreated), 2);

        QCOMPARE(chat().readableChannel(carol.id, first.value.id).error.code, CoreError::AccessDenied);
        QCOMPARE(chat().readableChannel(carol.id, first.value.id).error.message,
                 QStringLiteral("Access denied to conversation"));
        QCOMPARE(AWAIT(Channel, chat().openConversation(alice.id, {}, nullptr, done)).error.code, CoreError::Invalid);
        QCOMPARE(AWAIT(Channel, chat().openConversation(alice.id, {Timestamp::newId()}, nullptr, done)).error.code,
                 CoreError::Invalid);

        // The same set finds the same conversation after a restart.
        QVERIFY(restartChat());
        QCOMPARE(AWAIT(Channel, chat().openConversation(bob.id, {alice.id}, nullptr, done)).value.id, first.value.id);
    }

    void conversationsOpenedInOneBatchAreOne()
    {
        const User alice = registered(QStringLiteral("alice"));
        const User bob = registered(QStringLiteral("bob"));
        auto ids = std::make_shared<QStringList>();
        chat().openConversation(alice.id, {bob.id}, nullptr,
                                [ids](const Result<Channel> &r) { ids->append(r.value.id); });
        chat().openConversation(bob.id, {alice.id}, nullptr,
                                [ids](const Result<Channel> &r) { ids->append(r.value.id); });
        QTRY_COMPARE(ids->size(), 2);
        QVERIFY(!ids->at(0).isEmpty());
        QCOMPARE(ids->at(0), ids->at(1));
        QCOMPARE(m_store->loadChannels().size(), 2); // general and the one conversation
    }

    void conversationIsAcknowledgedToEveryCallerOnlyWhenCommitted()
    {
        // The second request for the same pair, made before the first is committed,
        // must not be told "here it is" about a channel that is not durable yet (and
        // that the caller cannot even read yet: the members are added at commit).
        const User alice = registered(QStringLiteral("alice"));
        const User bob = registered(QStringLiteral("bob"));
        auto committedAtAck = std::make_shared<QList<int>>();
        auto readableAtAck = std::make_shared<QList<bool>>();
        auto ack = [this, committedAtAck, readableAtAck, bob](const Result<Channel> &r) {
            committedAtAck->append(committedRows(QStringLiteral("channels"), QStringLiteral("id = ?"), {r.value.id}));
            readableAtAck->append(chat().readableChannel(bob.id, r.value.id).ok());
        };
        chat().openConversation(alice.id, {bob.id}, nullptr, ack);
        chat().openConversation(bob.id, {alice.id}, nullptr, ack);
        QTRY_COMPARE(committedAtAck->size(), 2);
        QList<int> committed = *committedAtAck;
        QList<bool> readable = *readableAtAck;
        std::sort(committed.begin(), committed.end());
        std::sort(readable.begin(), readable.end());
        QCOMPARE(committed, (QList<int>{1, 1}));
        QCOMPARE(readable, (QList<bool>{true, true}));
    }

    void sameChannelNameTwiceInOneBatchConflictsOnce()
    {
        const User alice = registered(QStringLiteral("alice"));
        auto codes = std::make_shared<QList<CoreError::Code>>();
        for (int i = 0; i < 2; ++i)
            chat().createChannel(alice.id, QStringLiteral("dup"), QStringLiteral("public"), QString(), QString(),
                                 nullptr, [codes](const Result<Channel> &r) { codes->append(r.error.code); });
        QTRY_COMPARE(codes->size(), 2);
        QList<CoreError::Code> sorted = *codes;
        std::sort(sorted.begin(), sorted.end());
        QCOMPARE(sorted, (QList<CoreError::Code>{CoreError::None, CoreError::Conflict}));
        int named = 0;
        for (const Channel &c : m_store->loadChannels()) named += c.name == QLatin1String("dup");
        QCOMPARE(named, 1);
    }

    void sessionDestroyedWithoutDetachLeavesNoTrace()
    {
        // The core's safety net for a dialect that forgets detachSession().
        const User alice = registered(QStringLiteral("alice"));
        const int before = chat().rooms()->subscriberCount(RoomManager::channelTopic(general()));
        auto *s = new FakeSession(alice);
        QVERIFY(!chat().attachSession(s));
        QCOMPARE(chat().rooms()->subscriberCount(RoomManager::channelTopic(general())), before + 1);
        delete s;
        QVERIFY(chat().sessionsOfUser(alice.id).isEmpty());
        // Deliberately no publish here: with the pointer still in RoomManager it would touch freed memory.
        QCOMPARE(chat().rooms()->subscriberCount(RoomManager::channelTopic(general())), before);
        QVERIFY(!chat().presence()->isOnline(alice.id));
    }

    void deletingAChannelIsForItsCreatorAndRemovesItsMessages()
    {
        const User alice = registered(QStringLiteral("alice"));
        const User bob = registered(QStringLiteral("bob"));
        FakeSession *bs = connectAs(bob);
        QVERIFY(bs);
        const Channel tmp = createChannel(alice, QStringLiteral("tmp"), QStringLiteral("public"));
        QVERIFY(AWAIT(Channel, chat().joinChannel(bob.id, tmp.id, nullptr, done)).ok());
        QVERIFY(bs->topics().contains(RoomManager::channelTopic(tmp.id)));
        const Message m = say(alice, tmp.id, QStringLiteral("soon gone"));
        QCOMPARE(AWAIT(Channel, chat().deleteChannel(bob.id, tmp.id, nullptr, done)).error.code,
                 CoreError::AccessDenied);
        QVERIFY(AWAIT(Channel, chat().deleteChannel(alice.id, tmp.id, nullptr, done)).ok());
        QCOMPARE(bs->count(T::ChannelDeleted), 1);
        QVERIFY(!bs->topics().contains(RoomManager::channelTopic(tmp.id)));
        QVERIFY(!chat().directory().channel(tmp.id));
        QVERIFY(!m_store->message(m.id).has_value());
        QCOMPARE(chat().history(alice.id, tmp.id, QString(), 10).error.code, CoreError::NotFound);
    }

    void systemMessageIsPostedAsTheSystemUser()
    {
        const User alice = registered(QStringLiteral("alice"));
        FakeSession *as = connectAs(alice);
        QVERIFY(as);
        const Result<int> r = AWAIT(int, chat().systemMessage(general(), QStringLiteral("maintenance at noon"), nullptr,
                                                              done));
        QVERIFY(r.ok());
        QCOMPARE(r.value, 1);
        QCOMPARE(as->count(T::MessageCreated), 1);
        const ChatEventPtr e = as->ofType(T::MessageCreated).first();
        QCOMPARE(e->actor.username, QStringLiteral("system"));
        QCOMPARE(e->message.metadata.value(QLatin1String("system")).toBool(), true);
        QCOMPARE(AWAIT(int, chat().systemMessage(Timestamp::newId(), QStringLiteral("x"), nullptr, done)).error.code,
                 CoreError::NotFound);
    }
};

QTEST_GUILESS_MAIN(ChatServiceTest)
#include "tst_chatservice.moc"
