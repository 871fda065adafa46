// The ephemeral lane: presence, typing, room participation and read receipts
// coalesced over a window, published to who can see them, and never more
// pending than one entry per user; typing that waited too long is shed. The window is held open (a long presenceWindowMs) and
// closed with flush(), so every assertion is about order and counts, not time.
#include "core/ChatService.h"
#include "core/EphemeralLane.h"
#include "core/EventOutlet.h"
#include "FakeSession.h"
#include "storage/Store.h"

#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <optional>

using namespace switchboard;

using T = ChatEvent::Type;

namespace {

const QByteArray kSecret = QByteArrayLiteral("tst_ephemerallane-secret-0123456789abcdef");

int presenceOf(const FakeSession *s, const QString &userId, const QString &status = QString())
{
    int n = 0;
    for (const ChatEventPtr &e : s->ofType(T::PresenceChanged))
        if (e->actor.id == userId && (status.isEmpty() || e->status == status)) ++n;
    return n;
}

QStringList readsBy(const FakeSession *s, const QString &userId)
{
    QStringList messageIds;
    for (const ChatEventPtr &e : s->ofType(T::MessageRead))
        if (e->actor.id == userId) messageIds.append(e->message.id);
    return messageIds;
}

int eventsAbout(const FakeSession *s, T type, const QString &userId)
{
    int n = 0;
    for (const ChatEventPtr &e : s->ofType(type))
        if (e->actor.id == userId) ++n;
    return n;
}

} // namespace

class EphemeralLaneTest : public QObject
{
    Q_OBJECT
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<ChatService> m_chat;
    QList<FakeSession *> m_sessions;

    ChatService &chat() { return *m_chat; }
    EphemeralLane &lane() { return *m_chat->lane(); }

    void start(const CoreConfig &config)
    {
        m_chat = std::make_unique<ChatService>(m_store.get(), kSecret, config);
        QString error;
        QVERIFY2(m_chat->start(&error), qPrintable(error));
    }

    User user(const QString &name)
    {
        std::optional<Result<User>> r;
        chat().registerUser(name, QStringLiteral("correct horse"), QString(), QString(), nullptr,
                            [&](const Result<User> &x) { r = x; });
        if (!QTest::qWaitFor([&] { return r.has_value(); }, 10000) || !r->ok()) qFatal("register failed");
        return r->value;
    }

    Channel privateChannel(const User &owner, const QString &name, const QList<User> &members)
    {
        std::optional<Result<Channel>> r;
        chat().createChannel(owner.id, name, QStringLiteral("private"), QString(), QString(), nullptr,
                             [&](const Result<Channel> &x) { r = x; });
        if (!QTest::qWaitFor([&] { return r.has_value(); }, 10000) || !r->ok()) qFatal("create failed");
        for (const User &m : members) {
            std::optional<Result<Channel>> a;
            chat().addMember(owner.id, r->value.id, m.id, nullptr, [&](const Result<Channel> &x) { a = x; });
            if (!QTest::qWaitFor([&] { return a.has_value(); }, 10000) || !a->ok()) qFatal("add member failed");
        }
        return r->value;
    }

    FakeSession *connect(const User &u, bool follows = true)
    {
        auto *s = new FakeSession(u, follows);
        if (CoreError e = chat().attachSession(s)) qFatal("attach failed: %s", qPrintable(e.message));
        m_sessions.append(s);
        // The core counts a connection for presence on the next pass (after the greeting).
        QCoreApplication::processEvents();
        return s;
    }

    void drop(FakeSession *s)
    {
        chat().detachSession(s);
        m_sessions.removeOne(s);
        delete s;
    }

    static CoreConfig heldWindow()
    {
        CoreConfig c;
        c.fastPasswordHashing = true;
        c.presenceWindowMs = 3600 * 1000; // closed by flush() only
        c.joinsPerMinute = 0;
        return c;
    }

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        m_store = std::make_unique<Store>();
        QString error;
        QVERIFY2(m_store->open(QStringLiteral("sqlite:"), m_dir->path(), &error), qPrintable(error));
    }

    void cleanup()
    {
        for (FakeSession *s : std::as_const(m_sessions)) {
            chat().detachSession(s);
            delete s;
        }
        m_sessions.clear();
        m_chat.reset();
        m_store.reset();
        m_dir.reset();
    }

    void onlineThenOfflineWithinAWindowSendsNothing()
    {
        start(heldWindow());
        const User alice = user(QStringLiteral("alice")), bob = user(QStringLiteral("bob"));
        FakeSession *watcher = connect(alice);
        lane().flush();
        const quint64 before = lane().coalesced();
        drop(connect(bob));
        lane().flush();
        QCOMPARE(presenceOf(watcher, bob.id), 0);
        QVERIFY(lane().coalesced() > before);
        // The same churn across a window boundary is told.
        FakeSession *b = connect(bob);
        lane().flush();
        QCOMPARE(presenceOf(watcher, bob.id, QStringLiteral("online")), 1);
        drop(b);
        lane().flush();
        QCOMPARE(presenceOf(watcher, bob.id, QStringLiteral("offline")), 1);
    }

    void onlyTheLatestStateOfAWindowCounts()
    {
        start(heldWindow());
        const User alice = user(QStringLiteral("alice")), bob = user(QStringLiteral("bob"));
        FakeSession *watcher = connect(alice);
        connect(bob);
        lane().flush();
        QCOMPARE(presenceOf(watcher, bob.id), 1);
        QVERIFY(!chat().setPresence(bob.id, QStringLiteral("away")));
        QVERIFY(!chat().setPresence(bob.id, QStringLiteral("busy")));
        lane().flush();
        QCOMPARE(presenceOf(watcher, bob.id), 2);
        QCOMPARE(presenceOf(watcher, bob.id, QStringLiteral("busy")), 1);
        QCOMPARE(presenceOf(watcher, bob.id, QStringLiteral("away")), 0);
    }

    void pendingWorkIsOneEntryPerUserWhateverTheChurn()
    {
        start(heldWindow());
        const User alice = user(QStringLiteral("alice"));
        QList<User> users;
        for (int i = 0; i < 5; ++i) users.append(user(QStringLiteral("u%1").arg(i)));
        FakeSession *watcher = connect(alice);
        lane().flush();
        // Sessions that follow no channel: presence is the only ephemeral work.
        for (int round = 0; round < 50; ++round)
            for (const User &u : users) drop(connect(u, false));
        for (const User &u : users) connect(u, false);
        // Closing the window with a zero budget publishes one entry and keeps the rest.
        lane().flush(0);
        QCOMPARE(lane().backlog(), int(users.size()) - 1);
        lane().flush();
        QCOMPARE(lane().backlog(), 0);
        for (const User &u : users) QCOMPARE(presenceOf(watcher, u.id), 1);
    }

    void aClosedWindowIsComparedInSlicesWithinTheBudget()
    {
        // A window after a wave holds a change per user; comparing them all
        // when it closes was one long pass (26 ms after 19,000 left at once).
        start(heldWindow());
        const User alice = user(QStringLiteral("alice"));
        FakeSession *watcher = connect(alice);
        constexpr int kUsers = 300;
        QList<User> users;
        QList<FakeSession *> sessions;
        for (int i = 0; i < kUsers; ++i) {
            users.append(user(QStringLiteral("w%1").arg(i)));
            sessions.append(connect(users.last(), false));
        }
        lane().flush();
        // Within the next window everyone leaves and comes back: kUsers changes
        // that each cancel out once compared with what was told.
        for (int i = 0; i < kUsers; ++i) {
            drop(sessions[i]);
            sessions[i] = connect(users[i], false);
        }
        const quint64 before = lane().coalesced();
        lane().flush(0);
        const int compared = int(lane().coalesced() - before);
        QVERIFY2(compared > 0 && compared < kUsers, qPrintable(QString::number(compared)));
        QCOMPARE(lane().backlog(), kUsers - compared);
        // The next window closes before the drain is through: the rest of the
        // last one is compared first, and the new change is told.
        drop(sessions[0]);
        lane().flush();
        QCOMPARE(int(lane().coalesced() - before), kUsers);
        QCOMPARE(lane().backlog(), 0);
        QCOMPARE(presenceOf(watcher, users[0].id, QStringLiteral("offline")), 1);
        for (const User &u : std::as_const(users)) QCOMPARE(presenceOf(watcher, u.id, QStringLiteral("online")), 1);
    }

    void largeWorkspacesHearPresenceOnlyThroughSmallChannels()
    {
        CoreConfig c = heldWindow();
        c.presenceWorkspaceLimit = 3;
        c.presenceChannelLimit = 3;
        start(c);
        const User alice = user(QStringLiteral("alice")), bob = user(QStringLiteral("bob")),
                   carol = user(QStringLiteral("carol")), dave = user(QStringLiteral("dave"));
        // Four members: the workspace and #general are over the limits.
        privateChannel(alice, QStringLiteral("pair"), {bob});
        FakeSession *a = connect(alice);
        FakeSession *c1 = connect(carol);
        FakeSession *d = connect(dave, false);
        lane().flush();
        connect(bob);
        lane().flush();
        QCOMPARE(presenceOf(a, bob.id), 1);  // shares #pair (2 members)
        QCOMPARE(presenceOf(c1, bob.id), 0); // shares only #general (4 members)
        QCOMPARE(presenceOf(d, bob.id), 0);
        const QStringList topics = lane().presenceTopics(bob.id);
        QVERIFY(!topics.contains(RoomManager::workspaceTopic(chat().directory().defaultWorkspaceId())));
    }

    void smallWorkspacesKeepWorkspaceWidePresence()
    {
        start(heldWindow());
        const User alice = user(QStringLiteral("alice")), bob = user(QStringLiteral("bob"));
        FakeSession *a = connect(alice, false); // follows no channel: hears it through the workspace
        connect(bob);
        lane().flush();
        QCOMPARE(presenceOf(a, bob.id, QStringLiteral("online")), 1);
    }

    void typingStartAndStopInOnePassCancel()
    {
        start(heldWindow());
        const User alice = user(QStringLiteral("alice")), bob = user(QStringLiteral("bob"));
        FakeSession *a = connect(alice);
        FakeSession *b = connect(bob);
        const QString general = chat().directory().findChannelByName(chat().directory().defaultWorkspaceId(),
                                                                     QStringLiteral("general"));
        QVERIFY(!chat().setTyping(b, general, true));
        QVERIFY(!chat().setTyping(b, general, false));
        lane().flush();
        QCOMPARE(eventsAbout(a, T::TypingStarted, bob.id) + eventsAbout(a, T::TypingStopped, bob.id), 0);
        QVERIFY(!chat().setTyping(b, general, true));
        QTRY_COMPARE(eventsAbout(a, T::TypingStarted, bob.id), 1); // the next pass, no window
    }

    Message say(const User &by, const QString &channelId, const QString &content)
    {
        ChatService::PostMessage p;
        p.channelId = channelId;
        p.content = content;
        std::optional<Result<Message>> r;
        chat().postMessage(by.id, p, nullptr, [&](const Result<Message> &x) { r = x; });
        if (!QTest::qWaitFor([&] { return r.has_value(); }, 10000) || !r->ok()) qFatal("post failed");
        return r->value;
    }

    QString general() const
    {
        return m_chat->directory().findChannelByName(m_chat->directory().defaultWorkspaceId(),
                                                     QStringLiteral("general"));
    }

    void aStoredReadReachesTheChannelThroughTheLane()
    {
        start(heldWindow());
        const User alice = user(QStringLiteral("alice")), bob = user(QStringLiteral("bob"));
        FakeSession *a = connect(alice);
        const Message m = say(alice, general(), QStringLiteral("read me"));
        std::optional<Result<Message>> r;
        qsizetype toldRightAfterTheCommit = -1;
        chat().markRead(bob.id, m.id, nullptr, [&](const Result<Message> &x) {
            r = x;
            // Runs after the rest of the commit callback (the publish step), before the lane's pass.
            QMetaObject::invokeMethod(
                this, [&] { toldRightAfterTheCommit = readsBy(a, bob.id).size(); }, Qt::QueuedConnection);
        });
        QTRY_VERIFY(toldRightAfterTheCommit >= 0);
        QVERIFY(r->ok());
        // Not from the commit callback: through the lane.
        QCOMPARE(toldRightAfterTheCommit, 0);
        QTRY_COMPARE(readsBy(a, bob.id), QStringList{m.id}); // the next pass, no window
        const ChatEventPtr e = a->ofType(T::MessageRead).constLast();
        QCOMPARE(e->channel.id, general());
        QCOMPARE(e->actor.id, bob.id);
    }

    void aReadersReceiptsCoalesceToTheLatestWhileTheyWait()
    {
        start(heldWindow());
        const User alice = user(QStringLiteral("alice")), bob = user(QStringLiteral("bob")),
                   carol = user(QStringLiteral("carol"));
        FakeSession *a = connect(alice);
        lane().flush();
        const Message m1 = say(alice, general(), QStringLiteral("one"));
        const Message m2 = say(alice, general(), QStringLiteral("two"));
        const Message m3 = say(alice, general(), QStringLiteral("three"));
        const quint64 before = lane().coalesced();
        // Within one pass: only bob's latest counts.
        lane().readChanged(m1, bob.id);
        lane().readChanged(m2, bob.id);
        lane().readChanged(m1, carol.id);
        // A zero budget publishes one of the two readers and keeps the other waiting.
        lane().flush(0);
        QCOMPARE(lane().backlog(), 1);
        QCOMPARE(readsBy(a, bob.id).size() + readsBy(a, carol.id).size(), 1);
        // Both read on: the waiting one is replaced in place, the told one queued again.
        lane().readChanged(m3, bob.id);
        lane().readChanged(m3, carol.id);
        lane().flush();
        QCOMPARE(lane().backlog(), 0);
        QCOMPARE(readsBy(a, bob.id).size() + readsBy(a, carol.id).size(), 3);
        QVERIFY(!readsBy(a, bob.id).contains(m1.id));
        QCOMPARE(readsBy(a, bob.id).constLast(), m3.id);
        QCOMPARE(readsBy(a, carol.id).constLast(), m3.id);
        QCOMPARE(lane().coalesced(), before + 2);
    }

    void roomsOverTheLimitAreNotToldReadReceiptsButTheReadersConnectionsAre()
    {
        CoreConfig c = heldWindow();
        c.presenceChannelLimit = 2;
        start(c);
        const User alice = user(QStringLiteral("alice")), bob = user(QStringLiteral("bob")),
                   carol = user(QStringLiteral("carol"));
        const Channel pair = privateChannel(alice, QStringLiteral("pair"), {bob});
        FakeSession *a = connect(alice);
        FakeSession *b1 = connect(bob);
        FakeSession *b2 = connect(bob);
        lane().flush();
        const Message big = say(alice, general(), QStringLiteral("to all three"));
        const Message small = say(alice, pair.id, QStringLiteral("to two"));
        lane().readChanged(big, bob.id);
        lane().readChanged(small, bob.id);
        lane().flush();
        // #general has three members: only bob's own connections hear of it; #pair is told.
        QCOMPARE(readsBy(a, bob.id), QStringList{small.id});
        for (FakeSession *b : {b1, b2}) {
            QStringList seen = readsBy(b, bob.id);
            seen.sort();
            QStringList both{big.id, small.id};
            both.sort();
            QCOMPARE(seen, both);
        }
        Q_UNUSED(carol);
    }

    void ephemeralEventsAndReactionsGoOutAsBulkAndMessagesDoNot()
    {
        start(heldWindow());
        const User alice = user(QStringLiteral("alice")), bob = user(QStringLiteral("bob"));
        FakeSession *a = connect(alice);
        FakeSession *b = connect(bob);
        lane().flush();
        // Each scope change with the count of events alice had by then.
        QList<QPair<bool, qsizetype>> scopes;
        chat().outlet()->setBulkScope([&](bool on) { scopes.append({on, a->events.size()}); });
        const auto deliveredInOneScope = [&](qsizetype from) {
            return scopes.size() == from + 2 && scopes[from].first && !scopes[from + 1].first
                && scopes[from + 1].second == scopes[from].second + 1;
        };
        const Message m = say(bob, general(), QStringLiteral("a message is urgent"));
        QTRY_COMPARE(a->count(T::MessageCreated), 1);
        QCOMPARE(scopes.size(), 0);
        std::optional<Result<Reaction>> r;
        chat().addReaction(alice.id, m.id, QStringLiteral("👍"), nullptr, [&](const Result<Reaction> &x) { r = x; });
        QTRY_COMPARE(a->count(T::ReactionAdded), 1);
        QVERIFY(r && r->ok());
        QVERIFY(deliveredInOneScope(0));
        QCOMPARE(a->events.constLast()->type, T::ReactionAdded);
        QVERIFY(!chat().setTyping(b, general(), true));
        lane().flush();
        QVERIFY(deliveredInOneScope(2));
        QCOMPARE(a->events.constLast()->type, T::TypingStarted);
        lane().readChanged(m, bob.id);
        lane().flush();
        QVERIFY(deliveredInOneScope(4));
        QCOMPARE(a->events.constLast()->type, T::MessageRead);
    }

    void typingStartsThatWaitedTooLongAreShedWithTheirStops()
    {
        CoreConfig c = heldWindow();
        c.typingMaxWaitMs = 1000;
        start(c);
        qint64 now = 0;
        lane().setClock([&now] { return now; });
        const User alice = user(QStringLiteral("alice")), bob = user(QStringLiteral("bob")),
                   carol = user(QStringLiteral("carol"));
        FakeSession *a = connect(alice);
        FakeSession *b = connect(bob);
        FakeSession *cs = connect(carol);
        lane().flush();
        QVERIFY(!chat().setTyping(b, general(), true));
        QVERIFY(!chat().setTyping(cs, general(), true));
        lane().flush(0); // one start goes, the other waits
        QCOMPARE(lane().backlog(), 1);
        const int told = eventsAbout(a, T::TypingStarted, bob.id) + eventsAbout(a, T::TypingStarted, carol.id);
        QCOMPARE(told, 1);
        // Within the limit a waiting start is still sent...
        now = 1000;
        lane().flush(1000);
        QCOMPARE(lane().shed(), quint64(0));
        QCOMPARE(eventsAbout(a, T::TypingStarted, bob.id) + eventsAbout(a, T::TypingStarted, carol.id), 2);
        QVERIFY(!chat().setTyping(b, general(), false));
        QVERIFY(!chat().setTyping(cs, general(), false));
        lane().flush();
        // ...past it, dropped; and the stop of a dropped start is not sent either.
        QVERIFY(!chat().setTyping(b, general(), true));
        QVERIFY(!chat().setTyping(cs, general(), true));
        lane().flush(0); // collected at 1000: one goes, one waits
        QCOMPARE(lane().backlog(), 1);
        now = 2001;
        lane().flush(1000);
        QCOMPARE(lane().backlog(), 0);
        QCOMPARE(lane().shed(), quint64(1));
        const QString late = eventsAbout(a, T::TypingStarted, bob.id) == 1 ? bob.id : carol.id;
        const QString other = late == bob.id ? carol.id : bob.id;
        QCOMPARE(eventsAbout(a, T::TypingStarted, late), 1);
        QCOMPARE(eventsAbout(a, T::TypingStarted, other), 2);
        QVERIFY(!chat().setTyping(b, general(), false));
        QVERIFY(!chat().setTyping(cs, general(), false));
        lane().flush(1000);
        QCOMPARE(eventsAbout(a, T::TypingStopped, late), 1);  // the first round's only
        QCOMPARE(eventsAbout(a, T::TypingStopped, other), 2); // both rounds' (the barrier)
        // A later start of the same user is told again.
        QVERIFY(!chat().setTyping(late == bob.id ? b : cs, general(), true));
        lane().flush(1000);
        QCOMPARE(eventsAbout(a, T::TypingStarted, late), 2);
    }

    void aShedStartDoesNotHideALaterStartOfTheSameUser()
    {
        CoreConfig c = heldWindow();
        c.typingMaxWaitMs = 1000;
        start(c);
        qint64 now = 0;
        lane().setClock([&now] { return now; });
        const User alice = user(QStringLiteral("alice")), bob = user(QStringLiteral("bob"));
        FakeSession *a = connect(alice);
        FakeSession *b = connect(bob);
        lane().flush();
        // Collected (posted events only) but not drained: start at 0, stop at 500, start at 900.
        QVERIFY(!chat().setTyping(b, general(), true));
        QCoreApplication::sendPostedEvents();
        now = 500;
        QVERIFY(!chat().setTyping(b, general(), false));
        QCoreApplication::sendPostedEvents();
        now = 900;
        QVERIFY(!chat().setTyping(b, general(), true));
        QCoreApplication::sendPostedEvents();
        QCOMPARE(lane().backlog(), 3);
        now = 1800; // the first start is stale, the second is not
        lane().flush(1000);
        QCOMPARE(lane().shed(), quint64(1));
        QCOMPARE(eventsAbout(a, T::TypingStarted, bob.id), 1);
        // Others were told of the second start, so its stop must reach them.
        const int stops = eventsAbout(a, T::TypingStopped, bob.id);
        QVERIFY(!chat().setTyping(b, general(), false));
        lane().flush(1000);
        QCOMPARE(eventsAbout(a, T::TypingStopped, bob.id), stops + 1);
        QCOMPARE(a->events.constLast()->type, T::TypingStopped);
    }

    void roomParticipationIsTheFirstSessionInAndTheLastOut()
    {
        start(heldWindow());
        const User alice = user(QStringLiteral("alice")), bob = user(QStringLiteral("bob"));
        const QString general = chat().directory().findChannelByName(chat().directory().defaultWorkspaceId(),
                                                                     QStringLiteral("general"));
        FakeSession *a = connect(alice);
        lane().flush();
        FakeSession *b1 = connect(bob, false);
        FakeSession *b2 = connect(bob, false);
        QVERIFY(!chat().subscribe(b1, general));
        lane().flush();
        QCOMPARE(eventsAbout(a, T::ParticipantJoined, bob.id), 1);
        QVERIFY(chat().isInRoom(general, bob.id));
        QVERIFY(!chat().subscribe(b2, general)); // a second socket: nothing new
        chat().unsubscribe(b1, general);         // one of two leaves: still in
        lane().flush();
        QCOMPARE(eventsAbout(a, T::ParticipantJoined, bob.id), 1);
        QCOMPARE(eventsAbout(a, T::ParticipantLeft, bob.id), 0);
        drop(b2); // the last one disconnects
        QVERIFY(!chat().isInRoom(general, bob.id));
        lane().flush();
        QCOMPARE(eventsAbout(a, T::ParticipantLeft, bob.id), 1);
        // In and out within one window: nothing.
        FakeSession *b3 = connect(bob, false);
        QVERIFY(!chat().subscribe(b3, general));
        drop(b3);
        drop(b1);
        lane().flush();
        QCOMPARE(eventsAbout(a, T::ParticipantJoined, bob.id), 1);
        QCOMPARE(eventsAbout(a, T::ParticipantLeft, bob.id), 1);
    }

    void roomsOverTheLimitTellNoParticipation()
    {
        CoreConfig c = heldWindow();
        c.presenceChannelLimit = 1;
        start(c);
        const User alice = user(QStringLiteral("alice")), bob = user(QStringLiteral("bob"));
        const QString general = chat().directory().findChannelByName(chat().directory().defaultWorkspaceId(),
                                                                     QStringLiteral("general"));
        FakeSession *a = connect(alice);
        FakeSession *b = connect(bob, false);
        QVERIFY(!chat().subscribe(b, general));
        lane().flush();
        QCOMPARE(eventsAbout(a, T::ParticipantJoined, bob.id), 0);
        QVERIFY(chat().isInRoom(general, bob.id)); // still known, on request
    }
};

QTEST_GUILESS_MAIN(EphemeralLaneTest)
#include "tst_ephemerallane.moc"
