// A command's answer that arrives after its context (the session) was deleted
// must be dropped, failures included: the dialects' callbacks capture the
// session, and a Conflict delivered to a freed session was a remote crash
// (duplicate add_reaction, then drop the connection). Driven through the
// public ChatService API on a real Store (SQLite in a temporary directory).

#include "core/ChatService.h"
#include "AwaitResult.h"
#include "FakeSession.h"
#include "storage/Store.h"

#include <QPointer>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>
#include <optional>

using namespace switchboard;

namespace {

const QByteArray kSecret = QByteArrayLiteral("tst_commitafterteardown-secret-0123456789");
const QString kPassword = QStringLiteral("correct horse");

// What a context's callbacks saw: every answer, and how many came after the
// context was deleted (a dialect's callback would touch freed memory there).
struct Probe
{
    QList<CoreError::Code> answers;
    int afterDeath = 0;
    bool dead = false;
};

} // namespace

class CommitAfterTeardownTest : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<ChatService> m_chat;
    User m_alice;
    User m_bob;
    Message m_message;

    ChatService &chat() { return *m_chat; }

    User registered(const QString &name)
    {
        const Result<User> r = AWAIT(User, chat().registerUser(name, kPassword, name + QStringLiteral("@example.test"),
                                                               QString(), nullptr, done));
        if (!r.ok()) qWarning() << "register" << name << "failed:" << r.error.message;
        return r.value;
    }

    QString general() const
    {
        return m_chat->directory().findChannelByName(m_chat->directory().defaultWorkspaceId(),
                                                     QStringLiteral("general"));
    }

    template <typename V>
    static Callback<V> recordInto(const std::shared_ptr<Probe> &p)
    {
        return [p](const Result<V> &r) {
            p->answers.append(r.error.code);
            if (p->dead) ++p->afterDeath;
        };
    }

    static void kill(QObject *context, const std::shared_ptr<Probe> &p)
    {
        p->dead = true;
        delete context;
    }

    // Every write queued so far has been answered: commits are delivered in
    // order, so a later command's answer comes after theirs.
    bool barrier()
    {
        ChatService::PostMessage p;
        p.channelId = general();
        p.content = QStringLiteral("barrier");
        const bool ok = AWAIT(Message, chat().postMessage(m_alice.id, p, nullptr, done)).ok();
        m_store->flush();
        QCoreApplication::processEvents();
        return ok;
    }

    int reactionsOn(const QString &messageId)
    {
        const Result<Message> m = chat().message(m_alice.id, messageId);
        return m.ok() ? int(m.value.reactions.size()) : -1;
    }

private Q_SLOTS:
    void init()
    {
        CoreConfig config;
        config.fastPasswordHashing = true;
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_store = std::make_unique<Store>();
        QString error;
        QVERIFY2(m_store->open(QStringLiteral("sqlite:"), m_dir->path(), &error), qPrintable(error));
        m_chat = std::make_unique<ChatService>(m_store.get(), kSecret, config);
        QVERIFY2(m_chat->start(&error), qPrintable(error));
        m_alice = registered(QStringLiteral("alice"));
        m_bob = registered(QStringLiteral("bob"));
        QVERIFY(m_alice.isValid() && m_bob.isValid());
        ChatService::PostMessage p;
        p.channelId = general();
        p.content = QStringLiteral("react here");
        const Result<Message> posted = AWAIT(Message, chat().postMessage(m_alice.id, p, nullptr, done));
        QVERIFY2(posted.ok(), qPrintable(posted.error.message));
        m_message = posted.value;
    }

    void cleanup()
    {
        m_chat.reset();
        m_store.reset();
        m_dir.reset();
    }

    // The control: with live contexts the race does produce a failed commit,
    // and its Conflict is delivered. Without it the tests below prove nothing.
    void duplicateReactionRaceFailsTheLoserWhileItsContextLives()
    {
        auto a = std::make_shared<Probe>(), b = std::make_shared<Probe>();
        QObject ctxA, ctxB;
        chat().addReaction(m_bob.id, m_message.id, QStringLiteral("🔥"), &ctxA, recordInto<Reaction>(a));
        chat().addReaction(m_bob.id, m_message.id, QStringLiteral("🔥"), &ctxB, recordInto<Reaction>(b));
        QVERIFY(barrier());
        QCOMPARE(a->answers.size(), 1);
        QCOMPARE(b->answers.size(), 1);
        QList<CoreError::Code> both{a->answers.first(), b->answers.first()};
        std::sort(both.begin(), both.end());
        QCOMPARE(both, (QList<CoreError::Code>{CoreError::None, CoreError::Conflict}));
        QCOMPARE(reactionsOn(m_message.id), 1);
    }

    // Both contexts die before the store commits: neither the success nor the
    // Conflict may reach them. The reaction is still committed once.
    void answersForDeadContextsAreDroppedFailuresToo()
    {
        auto a = std::make_shared<Probe>(), b = std::make_shared<Probe>();
        auto *ctxA = new QObject, *ctxB = new QObject;
        chat().addReaction(m_bob.id, m_message.id, QStringLiteral("🔥"), ctxA, recordInto<Reaction>(a));
        chat().addReaction(m_bob.id, m_message.id, QStringLiteral("🔥"), ctxB, recordInto<Reaction>(b));
        kill(ctxA, a);
        kill(ctxB, b);
        QVERIFY(barrier());
        QCOMPARE(a->afterDeath, 0);
        QCOMPARE(b->afterDeath, 0);
        QCOMPARE(reactionsOn(m_message.id), 1);
    }

    // One context lives, the other dies: whichever commit wins, exactly one
    // answer is delivered, and only to the live one.
    void onlyTheLiveContextHearsTheOutcome()
    {
        auto live = std::make_shared<Probe>(), gone = std::make_shared<Probe>();
        QObject ctxLive;
        auto *ctxGone = new QObject;
        chat().addReaction(m_bob.id, m_message.id, QStringLiteral("🔥"), &ctxLive, recordInto<Reaction>(live));
        chat().addReaction(m_bob.id, m_message.id, QStringLiteral("🔥"), ctxGone, recordInto<Reaction>(gone));
        kill(ctxGone, gone);
        QVERIFY(barrier());
        QCOMPARE(gone->afterDeath, 0);
        QCOMPARE(live->answers.size(), 1);
        QVERIFY(live->answers.first() == CoreError::None || live->answers.first() == CoreError::Conflict);
        QCOMPARE(reactionsOn(m_message.id), 1);
    }

    // As in the server: the session is the context; the client sends the
    // same reaction three times and disconnects before anything commits.
    void sessionClosedBeforeItsDuplicatesCommitHearsNothing()
    {
        auto *session = new FakeSession(m_bob);
        QVERIFY(!chat().attachSession(session));
        auto p = std::make_shared<Probe>();
        for (int i = 0; i < 3; ++i)
            chat().addReaction(m_bob.id, m_message.id, QStringLiteral("👍"), session, recordInto<Reaction>(p));
        chat().detachSession(session);
        kill(session, p);
        QVERIFY(barrier());
        QCOMPARE(p->afterDeath, 0);
        QCOMPARE(reactionsOn(m_message.id), 1);
    }

    // A join answered while its session is closing (detached, its deleteLater
    // still pending) must not put the session back into the channel's room:
    // the dialects subscribe in the join's answer, the session is freed right
    // after, and the room kept a dangling pointer that the next event in the
    // channel read (ASan: heap-use-after-free in RoomManager::publish, from a
    // Socket.IO /chat joinRoom and a dropped connection).
    void sessionDetachedBeforeItsJoinCommitsGetsNoEvents()
    {
        const Result<Channel> c = AWAIT(Channel, chat().createChannel(m_alice.id, QStringLiteral("lobby"),
                                                                      QStringLiteral("public"), QString(), QString(),
                                                                      nullptr, done));
        QVERIFY2(c.ok(), qPrintable(c.error.message));
        std::unique_ptr<FakeSession> owner(new FakeSession(m_bob, false));
        FakeSession *session = owner.get();
        QVERIFY(!chat().attachSession(session));
        auto joined = std::make_shared<Probe>();
        chat().joinChannel(m_bob.id, c.value.id, session,
                           [this, session, joined, id = c.value.id](const Result<Channel> &r) {
            joined->answers.append(r.error.code);
            if (r.ok()) chat().subscribe(session, id); // what DefaultNamespaceSession and ChatNamespaceSession do
        });
        chat().detachSession(session); // the connection dropped; the object goes on the next loop pass
        QVERIFY(barrier());
        QVERIFY(chat().directory().isChannelMember(c.value.id, m_bob.id)); // the join itself is committed
        ChatService::PostMessage p;
        p.channelId = c.value.id;
        p.content = QStringLiteral("after the close");
        QVERIFY(AWAIT(Message, chat().postMessage(m_alice.id, p, nullptr, done)).ok());
        QCOMPARE(session->count(ChatEvent::Type::MessageCreated), 0);
    }

    // Another failure after the fact: joining a channel whose deletion is
    // committed first fails (NotFound or a constraint) when the join commits.
    void joinThatFailsAfterItsContextDiedIsDropped_data()
    {
        QTest::addColumn<bool>("contextDies");
        QTest::newRow("live context hears the failure") << false;
        QTest::newRow("dead context hears nothing") << true;
    }

    void joinThatFailsAfterItsContextDiedIsDropped()
    {
        QFETCH(bool, contextDies);
        const Result<Channel> c = AWAIT(Channel, chat().createChannel(m_alice.id, QStringLiteral("doomed"),
                                                                      QStringLiteral("public"), QString(), QString(),
                                                                      nullptr, done));
        QVERIFY2(c.ok(), qPrintable(c.error.message));
        QVERIFY(!chat().directory().isChannelMember(c.value.id, m_bob.id));
        auto deleted = std::make_shared<Probe>(), joined = std::make_shared<Probe>();
        QPointer<QObject> ctx = new QObject;
        chat().deleteChannel(m_alice.id, c.value.id, nullptr, recordInto<Channel>(deleted));
        chat().joinChannel(m_bob.id, c.value.id, ctx, recordInto<Channel>(joined));
        if (contextDies) kill(ctx, joined);
        QVERIFY(barrier());
        QCOMPARE(deleted->answers, (QList<CoreError::Code>{CoreError::None}));
        QVERIFY(!chat().directory().channel(c.value.id));
        if (contextDies) {
            QCOMPARE(joined->afterDeath, 0);
        } else {
            QCOMPARE(joined->answers.size(), 1);
            QVERIFY(joined->answers.first() != CoreError::None);
            delete ctx;
        }
    }
};

QTEST_GUILESS_MAIN(CommitAfterTeardownTest)
#include "tst_commitafterteardown.moc"
