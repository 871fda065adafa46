// The event log behind resume: every channel event gets the channel's next
// sequence number in its own transaction, and ResumeManager replays exactly
// what a returning client missed, merged with live traffic (ResumeMerge).
// ChatService on a real SQLite Store in a temporary directory.

#include "core/ChatService.h"
#include "core/ResumeManager.h"
#include "core/ResumeMerge.h"
#include "CoreFixture.h"
#include "storage/Store.h"

#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace switchboard;

using T = ChatEvent::Type;

namespace {

const QByteArray kSecret = QByteArrayLiteral("tst_resume-secret-0123456789abcdef0123");

ChatEventPtr numbered(qint64 seq, const QString &channel = QStringLiteral("c"))
{
    auto e = std::make_shared<ChatEvent>();
    e->seq = seq;
    e->gid = seq;
    e->channel.id = channel;
    return e;
}

QList<qint64> seqs(const QList<ChatEventPtr> &events, const QString &channelId = QString())
{
    QList<qint64> out;
    for (const ChatEventPtr &e : events)
        if (e->seq > 0 && (channelId.isEmpty() || e->channel.id == channelId)) out.append(e->seq);
    return out;
}

QList<qint64> range(qint64 from, qint64 to)
{
    QList<qint64> out;
    for (qint64 s = from; s <= to; ++s) out.append(s);
    return out;
}

} // namespace

class ResumeTest : public QObject, protected CoreFixture
{
    Q_OBJECT

    User m_alice, m_bob;

    Message say(const User &by, const QString &content)
    {
        ChatService::PostMessage p;
        p.channelId = general();
        p.content = content;
        return AWAIT(Message, chat().postMessage(by.id, p, nullptr, done)).value;
    }

    // Everything a never-disconnected session sees, as (type, seq, content) lines.
    static QStringList transcript(const QList<ChatEventPtr> &events)
    {
        QStringList out;
        for (const ChatEventPtr &e : events)
            if (e->seq > 0)
                out.append(QStringLiteral("%1 %2 %3 %4 %5")
                               .arg(e->seq)
                               .arg(QLatin1String(ChatEvent::typeName(e->type)), e->message.id, e->message.content,
                                    e->reaction.emoji + e->subject.id));
        return out;
    }

    // Subscribes the session to general and resumes it from lastSeq; waits for the end.
    ResumeManager::Outcome resume(FakeSession *s, qint64 lastSeq, qint64 maxGid = -1)
    {
        chat().subscribe(s, general());
        auto finished = std::make_shared<std::optional<ResumeManager::Outcome>>();
        const Result<ResumeManager::Outcome> r =
            chat().resume()->resumeChannel(s, general(), lastSeq, maxGid,
                                           [finished](const ResumeManager::Outcome &o) { *finished = o; });
        if (!r.ok()) {
            qWarning() << "resume refused:" << r.error.message;
            return {};
        }
        if (!QTest::qWaitFor([&] { return finished->has_value(); }, 10000)) qWarning() << "resume never finished";
        ResumeManager::Outcome o = finished->value_or(ResumeManager::Outcome());
        if (o.recovered != r.value.recovered) qWarning() << "outcome changed during the replay";
        return r.value;
    }

    // A mix of every logged kind of event in general.
    void churn(int rounds)
    {
        for (int i = 0; i < rounds; ++i) {
            const Message m = say(m_bob, QStringLiteral("m%1").arg(i));
            AWAIT(Message, chat().editMessage(m_bob.id, m.id, QStringLiteral("m%1 edited").arg(i), nullptr, done));
            AWAIT(Reaction, chat().addReaction(m_alice.id, m.id, QStringLiteral("👍"), nullptr, done));
            if (i % 3 == 0)
                AWAIT(Reaction, chat().removeReaction(m_alice.id, m.id, QStringLiteral("👍"), nullptr, done));
            if (i % 4 == 1) AWAIT(Message, chat().deleteMessage(m_bob.id, m.id, nullptr, done));
        }
    }

private Q_SLOTS:
    void init()
    {
        m_config = CoreConfig();
        m_config.messagesPerMinutePerChannel = 0;
        m_config.fastPasswordHashing = true;
        m_secret = kSecret;
        m_followsByDefault = false; // sessions follow channels they subscribe to
        QVERIFY(openStore());
        QVERIFY(startChat());
        m_alice = registered(QStringLiteral("alice"));
        m_bob = registered(QStringLiteral("bob"));
        QVERIFY(m_alice.isValid() && m_bob.isValid());
    }

    void cleanup() { closeAll(); }

    // ---- ResumeMerge: a property test over random interleavings ----------------

    void mergeNeverLosesOrRepeatsAnEvent()
    {
        QRandomGenerator rng(20261203);
        for (int round = 0; round < 3000; ++round) {
            const qint64 last = rng.bounded(0, 20);        // what the client had
            const qint64 upTo = last + rng.bounded(0, 40); // what the replay reaches
            const qint64 end = upTo + rng.bounded(0, 40);  // what was published by the end
            ResumeMerge merge(last, upTo);
            QList<ChatEventPtr> out;
            qint64 nextReplay = last + 1, nextLive = last + 1 + rng.bounded(0, int(upTo - last) + 1);
            // Replay and live interleave at random; live repeats events the replay also carries.
            while (nextReplay <= upTo || nextLive <= end) {
                const bool replayTurn = nextReplay <= upTo && (nextLive > end || rng.bounded(2) == 0);
                if (replayTurn) {
                    QVERIFY(merge.addReplayed(numbered(nextReplay++), out));
                } else {
                    merge.addLive(numbered(nextLive));
                    if (rng.bounded(4) == 0) merge.addLive(numbered(nextLive)); // delivered twice by the network
                    ++nextLive;
                }
            }
            out.append(merge.finish());
            QCOMPARE(seqs(out), range(last + 1, end));
            QVERIFY(merge.exact());
        }
    }

    void mergeReportsAHoleInTheReplay()
    {
        ResumeMerge merge(3, 8);
        QList<ChatEventPtr> out;
        QVERIFY(merge.addReplayed(numbered(4), out));
        QVERIFY(!merge.addReplayed(numbered(6), out)); // 5 is missing
        QVERIFY(!merge.exact());
        QVERIFY(!merge.addReplayed(numbered(6), out)); // and a repeat is refused
        QCOMPARE(seqs(out), QList<qint64>({4, 6}));
    }

    // ---- the log -----------------------------------------------------------------

    void everyChannelEventTakesTheNextNumber()
    {
        FakeSession *watcher = connectAs(m_alice);
        QVERIFY(!chat().subscribe(watcher, general()));
        const qint64 before = chat().channelSeq(general());
        churn(6);
        const Channel side = AWAIT(Channel,
                                   chat().createChannel(m_alice.id, QStringLiteral("side"), QStringLiteral("public"),
                                                        QString(), QString(), nullptr, done))
                                 .value;
        AWAIT(Channel, chat().joinChannel(m_bob.id, general(), nullptr, done)); // already a member: no event
        AWAIT(Channel, chat().removeMember(m_bob.id, general(), m_bob.id, nullptr, done));
        AWAIT(Channel, chat().joinChannel(m_bob.id, general(), nullptr, done));
        QVERIFY(side.isValid());
        const QList<qint64> got = seqs(watcher->events, general());
        QCOMPARE(got, range(before + 1, chat().channelSeq(general())));
        QVERIFY(got.size() >= 6 * 3 + 2);
        QCOMPARE(watcher->ofType(T::MemberLeft).size(), 1);
        QVERIFY(watcher->ofType(T::MemberJoined).last()->seq == chat().channelSeq(general()));
        for (const ChatEventPtr &e : watcher->ofType(T::MessageCreated)) QCOMPARE(e->message.seq, e->seq);
    }

    void aRefusedWriteLeavesNoGap()
    {
        FakeSession *watcher = connectAs(m_alice);
        chat().subscribe(watcher, general());
        const Message m = say(m_bob, QStringLiteral("race"));
        // The same reaction twice in one batch: the second fails at the database
        // (unique key) and its transaction takes its sequence number back.
        auto results = std::make_shared<QList<Result<Reaction>>>();
        for (int i = 0; i < 2; ++i)
            chat().addReaction(m_alice.id, m.id, QStringLiteral("🎉"), nullptr,
                               [results](const Result<Reaction> &r) { results->append(r); });
        QVERIFY(QTest::qWaitFor([&] { return results->size() == 2; }, 10000));
        QCOMPARE(int(std::count_if(results->begin(), results->end(), [](auto &r) { return r.ok(); })), 1);
        say(m_bob, QStringLiteral("after"));
        const QList<qint64> got = seqs(watcher->events, general());
        QCOMPARE(got, range(got.first(), got.first() + got.size() - 1));
    }

    // ---- replay --------------------------------------------------------------------

    void aReturningClientSeesExactlyWhatAStayingOneSaw()
    {
        FakeSession *stayer = connectAs(m_alice);
        chat().subscribe(stayer, general());
        churn(2);
        const qint64 dropAt = chat().channelSeq(general());
        churn(8);
        FakeSession *back = connectAs(m_alice);
        const ResumeManager::Outcome o = resume(back, dropAt);
        QVERIFY(o.recovered);
        QCOMPARE(o.seq, chat().channelSeq(general()));
        QList<ChatEventPtr> after;
        for (const ChatEventPtr &e : stayer->events)
            if (e->seq > dropAt) after.append(e);
        QCOMPARE(transcript(back->events), transcript(after));
        for (const ChatEventPtr &e : back->events) QVERIFY(e->replayed);
    }

    void liveEventsDuringALongReplayFollowItInOrder()
    {
        FakeSession *stayer = connectAs(m_alice);
        chat().subscribe(stayer, general());
        const qint64 dropAt = chat().channelSeq(general());
        for (int i = 0; i < 700; ++i) { // more than one replay slice
            ChatService::PostMessage p;
            p.channelId = general();
            p.content = QStringLiteral("bulk %1").arg(i);
            chat().postMessage(m_bob.id, p, nullptr, nullptr);
        }
        QVERIFY(QTest::qWaitFor([&] { return chat().channelSeq(general()) == dropAt + 700; }, 20000));
        FakeSession *back = connectAs(m_alice);
        chat().subscribe(back, general());
        auto finished = std::make_shared<bool>(false);
        QVERIFY(
            chat().resume()->resumeChannel(back, general(), dropAt, -1, [finished](auto &) { *finished = true; }).ok());
        // Live traffic while the replay runs (it commits and publishes between slices).
        for (int i = 0; i < 50; ++i) {
            ChatService::PostMessage p;
            p.channelId = general();
            p.content = QStringLiteral("live %1").arg(i);
            chat().postMessage(m_bob.id, p, nullptr, nullptr);
        }
        QVERIFY(QTest::qWaitFor([&] { return *finished && chat().channelSeq(general()) == dropAt + 750; }, 20000));
        say(m_bob, QStringLiteral("barrier")); // after it, nothing is still on its way
        QCOMPARE(seqs(back->events), range(dropAt + 1, dropAt + 751));
        QCOMPARE(transcript(back->events).mid(0, 751),
                 transcript(stayer->events).mid(int(stayer->events.size()) - 751));
    }

    void aFollowingSessionReplaysOnlyWhatCameBeforeItConnected()
    {
        const qint64 dropAt = chat().channelSeq(general());
        churn(3);
        FakeSession *back = connectAs(m_alice, true); // flat JSON style: follows every channel from connect
        const qint64 atConnect = chat().channelSeq(general());
        say(m_bob, QStringLiteral("live before the sync"));
        QCOMPARE(seqs(back->events, general()), QList<qint64>({atConnect + 1}));
        auto done = std::make_shared<bool>(false);
        const auto r = chat().resume()->resumeChannel(back, general(), dropAt, back->followedSinceGid(),
                                                      [done](auto &) { *done = true; });
        QVERIFY(r.ok() && r.value.recovered);
        QCOMPARE(r.value.replayed, int(atConnect - dropAt));
        QVERIFY(QTest::qWaitFor([&] { return *done; }, 10000));
        say(m_bob, QStringLiteral("after"));
        // Live first (it came before the sync), then the missed part, then live again: each once.
        QList<qint64> expected{atConnect + 1};
        expected.append(range(dropAt + 1, atConnect));
        expected.append(atConnect + 2);
        QCOMPARE(seqs(back->events, general()), expected);
    }

    void beyondRetentionReplaysNothing()
    {
        m_config.resumeRetentionEvents = 5;
        QVERIFY(restartChatAndStore());
        const qint64 dropAt = chat().channelSeq(general());
        churn(5);
        chat().resume()->prune();
        say(m_bob, QStringLiteral("barrier")); // the prune is a write: committed before this answer
        FakeSession *back = connectAs(m_alice);
        const ResumeManager::Outcome o = resume(back, dropAt);
        QVERIFY(!o.recovered);
        QCOMPARE(o.reason, QStringLiteral("beyond_retention"));
        QCOMPARE(seqs(back->events), QList<qint64>());
        // A client that is within the tail still resumes.
        FakeSession *recent = connectAs(m_alice);
        const ResumeManager::Outcome ok = resume(recent, chat().channelSeq(general()) - 3);
        QVERIFY(ok.recovered);
        QCOMPARE(seqs(recent->events).size(), 3);
    }

    // Retention lowered across a restart: the first resume after it already
    // meets the new retention (the start's prune is waited for; when it ran
    // in the background, a client could resume before it and replay it all).
    void aRestartAppliesLoweredRetentionBeforeAnyoneResumes()
    {
        const qint64 dropAt = chat().channelSeq(general());
        churn(5);
        m_config.resumeRetentionEvents = 5;
        QVERIFY(restartChatAndStore());
        FakeSession *back = connectAs(m_alice); // no barrier: straight after the start
        const ResumeManager::Outcome o = resume(back, dropAt);
        QVERIFY(!o.recovered);
        QCOMPARE(o.reason, QStringLiteral("beyond_retention"));
        QCOMPARE(seqs(back->events), QList<qint64>());
        FakeSession *recent = connectAs(m_alice);
        const ResumeManager::Outcome ok = resume(recent, chat().channelSeq(general()) - 5);
        QVERIFY(ok.recovered);
        QCOMPARE(seqs(recent->events).size(), 5);
    }

    // A bounded replay (a following session) that the replay limit would cut
    // short must say so instead of delivering a part: nothing after the cut
    // would ever reach the client.
    void aBoundedReplayLongerThanTheLimitIsNotPartial()
    {
        m_config.resumeRetentionEvents = 5; // the replay limit is then its floor, 1000
        QVERIFY(restartChatAndStore());
        const qint64 dropAt = chat().channelSeq(general());
        for (int i = 0; i < 1001; ++i) say(m_bob, QStringLiteral("n%1").arg(i)); // no prune runs meanwhile
        FakeSession *back = connectAs(m_alice, true);
        const ResumeManager::Outcome o = resume(back, dropAt, back->followedSinceGid());
        QVERIFY(!o.recovered);
        QCOMPARE(o.reason, QStringLiteral("beyond_retention"));
        QCOMPARE(seqs(back->events, general()), QList<qint64>());
    }

    void aPositionAheadOfTheChannelIsRefused()
    {
        FakeSession *s = connectAs(m_alice);
        const ResumeManager::Outcome o = resume(s, chat().channelSeq(general()) + 10);
        QVERIFY(!o.recovered);
        QCOMPARE(o.reason, QStringLiteral("unknown_position"));
        QVERIFY(!chat().resume()->resumeChannel(s, general(), -1, -1).ok());
        FakeSession *carol = connectAs(registered(QStringLiteral("carol")));
        const Channel priv = AWAIT(Channel,
                                   chat().createChannel(m_alice.id, QStringLiteral("secret"), QStringLiteral("private"),
                                                        QString(), QString(), nullptr, done))
                                 .value;
        QVERIFY(!chat().resume()->resumeChannel(carol, priv.id, 0, -1).ok()); // not readable: refused
    }

    void theLogAndTheNumbersSurviveARestart()
    {
        churn(2);
        const qint64 dropAt = chat().channelSeq(general());
        FakeSession *stayer = connectAs(m_alice);
        chat().subscribe(stayer, general());
        churn(3);
        const QStringList seen = transcript(stayer->events);
        const qint64 last = chat().channelSeq(general());
        QVERIFY(restartChatAndStore());
        QCOMPARE(chat().channelSeq(general()), last);
        FakeSession *back = connectAs(m_alice);
        const ResumeManager::Outcome o = resume(back, dropAt);
        QVERIFY(o.recovered);
        QCOMPARE(transcript(back->events), seen);
        QCOMPARE(say(m_bob, QStringLiteral("next")).seq, last + 1);
    }

    void roomsResumeByLogPosition()
    {
        const Channel side = AWAIT(Channel,
                                   chat().createChannel(m_alice.id, QStringLiteral("side"), QStringLiteral("public"),
                                                        QString(), QString(), nullptr, done))
                                 .value;
        FakeSession *stayer = connectAs(m_alice);
        chat().subscribe(stayer, general());
        chat().subscribe(stayer, side.id);
        say(m_bob, QStringLiteral("seen"));
        const qint64 offset = stayer->events.last()->gid;
        churn(2);
        ChatService::PostMessage p;
        p.channelId = side.id;
        p.content = QStringLiteral("on the side");
        AWAIT(Message, chat().postMessage(m_alice.id, p, nullptr, done));
        churn(1);
        FakeSession *back = connectAs(m_alice);
        chat().subscribe(back, general());
        chat().subscribe(back, side.id);
        auto done = std::make_shared<bool>(false);
        const auto r = chat().resume()->resumeRooms(back, {{general(), 0}, {side.id, 0}}, offset,
                                                    [done](auto &) { *done = true; });
        QVERIFY(r.ok() && r.value.recovered);
        QVERIFY(QTest::qWaitFor([&] { return *done; }, 10000));
        QList<ChatEventPtr> after;
        for (const ChatEventPtr &e : stayer->events)
            if (e->gid > offset) after.append(e);
        QCOMPARE(transcript(back->events), transcript(after));
    }
};

QTEST_GUILESS_MAIN(ResumeTest)
#include "tst_resume.moc"
