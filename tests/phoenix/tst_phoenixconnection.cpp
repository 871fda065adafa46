// PhoenixConnection over a real ChatService (SQLite in a temporary
// directory) with recording transports: the protocol state machine, the
// event mapping and the presence hub, without sockets.

#include "core/ChatService.h"
#include "core/RoomManager.h"
#include "dialects/phoenix/PhoenixPresenceHub.h"
#include "RecordingPhoenixSession.h"
#include "storage/Store.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <optional>

using namespace switchboard;

namespace {

const QByteArray kSecret = QByteArrayLiteral("tst_phoenixconnection-secret-0123456789");

QByteArray frame(const QJsonValue &joinRef, const QJsonValue &ref, const QString &topic, const QString &event,
                 const QJsonObject &payload = {})
{
    return QJsonDocument(QJsonArray{joinRef, ref, topic, event, payload}).toJson(QJsonDocument::Compact);
}

} // namespace

class TestPhoenixConnection : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<ChatService> m_chat;
    PhoenixPresenceHub *m_hub = nullptr;
    QList<RecordingPhoenixSession *> m_sessions;
    User m_alice, m_bob;
    QString m_general;

    User registered(const QString &name)
    {
        std::optional<Result<User>> r;
        m_chat->registerUser(name, "correct horse", name + "@example.test", QString(), nullptr,
                             [&](const Result<User> &u) { r = u; });
        if (!QTest::qWaitFor([&] { return r.has_value(); }, 10000) || !r->ok()) return {};
        return r->value;
    }

    RecordingPhoenixSession *connectAs(const User &u, PhoenixSerializer serializer = PhoenixSerializer::V2)
    {
        PhoenixConnection::Options options;
        options.serializer = serializer;
        auto *s = new RecordingPhoenixSession(m_chat.get(), m_hub, u, options);
        if (m_chat->attachSession(s)) {
            delete s;
            return nullptr;
        }
        m_sessions.append(s);
        return s;
    }

    void disconnect(RecordingPhoenixSession *s)
    {
        m_sessions.removeAll(s);
        m_chat->detachSession(s);
        delete s;
    }

    QString generalTopic() const { return QStringLiteral("channel:") + m_general; }

    // The phx_refs of a presence_state or of a diff's joins/leaves.
    static QSet<QString> refsOf(const QJsonObject &presences)
    {
        QSet<QString> refs;
        for (const QJsonValue &entry : presences)
            for (const QJsonValue &meta : entry.toObject().value("metas").toArray())
                refs.insert(meta.toObject().value("phx_ref").toString());
        return refs;
    }

    // Joins #general with join_ref = ref = `ref`.
    bool joinGeneral(RecordingPhoenixSession *s, const QString &ref)
    {
        s->connection().handleText(frame(ref, ref, generalTopic(), "phx_join"));
        return s->replyTo(ref).payload.value("status").toString() == "ok";
    }

private Q_SLOTS:
    void init()
    {
        CoreConfig config;
        config.fastPasswordHashing = true;
        config.messagesPerMinutePerChannel = 0; // the fuzz loop posts a lot
        config.joinsPerMinute = 0;
        config.typingPerMinutePerChannel = 0;
        m_dir = std::make_unique<QTemporaryDir>();
        m_store = std::make_unique<Store>();
        QString error;
        QVERIFY2(m_store->open("sqlite:", m_dir->path(), &error), qPrintable(error));
        m_chat = std::make_unique<ChatService>(m_store.get(), kSecret, config);
        QVERIFY2(m_chat->start(&error), qPrintable(error));
        m_hub = new PhoenixPresenceHub(m_chat.get(), m_chat.get());
        m_alice = registered("alice");
        m_bob = registered("bob");
        QVERIFY(m_alice.isValid() && m_bob.isValid());
        m_general = m_chat->directory().findChannelByName(m_chat->directory().defaultWorkspaceId(), "general");
        QVERIFY(!m_general.isEmpty());
    }

    void cleanup()
    {
        for (RecordingPhoenixSession *s : std::as_const(m_sessions)) {
            m_chat->detachSession(s);
            delete s;
        }
        m_sessions.clear();
        m_chat.reset();
        m_store.reset();
        m_dir.reset();
    }

    void heartbeatIsAnsweredWithItsRef()
    {
        RecordingPhoenixSession *s = connectAs(m_alice);
        s->connection().handleText(frame(QJsonValue::Null, "7", "phoenix", "heartbeat"));
        QCOMPARE(s->frames, QList<QByteArray>{R"([null,"7","phoenix","phx_reply",{"response":{},"status":"ok"}])"});
    }

    void joinRepliesThenLoadsMessagesThenPresence()
    {
        RecordingPhoenixSession *s = connectAs(m_alice);
        QVERIFY(joinGeneral(s, "3"));
        const QList<PhoenixMessage> out = s->messages();
        QCOMPARE(out.size(), 3);
        QCOMPARE(out.at(0).event, PhoenixEvent::reply);
        QCOMPARE(out.at(0).payload.value("response").toObject().value("channel").toObject().value("id").toString(),
                 m_general);
        QCOMPARE(out.at(1).event, "messages_loaded");
        QCOMPARE(out.at(2).event, "presence_state");
        for (const PhoenixMessage &m : out) QCOMPARE(m.joinRef, std::optional<QString>("3"));
        QVERIFY(out.at(2).payload.contains(m_alice.id));
        QVERIFY(s->connection().isJoined(generalTopic()));
    }

    void sendMessageIsAcknowledgedAfterCommitAndBroadcastToOthersOnly()
    {
        RecordingPhoenixSession *a = connectAs(m_alice);
        RecordingPhoenixSession *b = connectAs(m_bob);
        QVERIFY(joinGeneral(a, "1"));
        QVERIFY(joinGeneral(b, "1"));
        a->connection().handleText(
            frame("1", "2", generalTopic(), "send_message", {{"content", "hi @bob"}, {"temp_id", "t1"}}));
        QTRY_VERIFY(!a->replyTo("2").event.isEmpty());
        const PhoenixMessage ack = a->replyTo("2");
        QCOMPARE(ack.payload.value("status").toString(), "ok");
        const QJsonObject message = ack.payload.value("response").toObject().value("message").toObject();
        QCOMPARE(ack.payload.value("response").toObject().value("temp_id").toString(), "t1");
        QCOMPARE(a->withEvent("message_sent").size(), 1);
        QTRY_COMPARE(b->withEvent("new_message").size(), 1);
        const PhoenixMessage got = b->withEvent("new_message").first();
        QVERIFY(!got.joinRef && !got.ref); // a broadcast
        QCOMPARE(got.payload.value("message").toObject().value("id").toString(), message.value("id").toString());
        QCOMPARE(got.payload.value("message").toObject().value("mentions").toArray(), QJsonArray{m_bob.id});
        QCOMPARE(a->withEvent("new_message").size(), 0);
    }

    void joinsAndLeavesOfOthersArePresenceDiffs()
    {
        RecordingPhoenixSession *a = connectAs(m_alice);
        QVERIFY(joinGeneral(a, "1"));
        RecordingPhoenixSession *b = connectAs(m_bob);
        QVERIFY(joinGeneral(b, "1"));
        // Batched: nothing until the window closes, then one diff.
        QCOMPARE(a->withEvent("presence_diff").size(), 0);
        QTRY_COMPARE(a->withEvent("presence_diff").size(), 1);
        QList<PhoenixMessage> diffs = a->withEvent("presence_diff");
        const QJsonObject joinMetas = diffs.at(0).payload.value("joins").toObject().value(m_bob.id).toObject();
        const QString ref = joinMetas.value("metas").toArray().at(0).toObject().value("phx_ref").toString();
        QVERIFY(!ref.isEmpty());
        // b joined mid-window: its state is as of the last diff, and its own
        // arrival comes with the window's diff, once.
        QVERIFY(!b->withEvent("presence_state").first().payload.contains(m_bob.id));
        QCOMPARE(b->withEvent("presence_diff").size(), 1);
        b->connection().handleText(frame("1", "2", generalTopic(), "phx_leave"));
        QTRY_COMPARE(a->withEvent("presence_diff").size(), 2);
        diffs = a->withEvent("presence_diff");
        const QJsonArray left =
            diffs.at(1).payload.value("leaves").toObject().value(m_bob.id).toObject().value("metas").toArray();
        QCOMPARE(left.at(0).toObject().value("phx_ref").toString(), ref);
        QCOMPARE(b->withEvent("phx_close").size(), 1);
    }

    void aBurstOfJoinsAndLeavesIsOneDiffPerWindow()
    {
        // N connects to a topic with a listener cost the listener one frame per
        // window, not one per connect; a meta joined and left within the window
        // is in no diff at all.
        m_hub->setDiffWindowMs(60 * 60 * 1000); // the window closes when the test says
        RecordingPhoenixSession *a = connectAs(m_alice);
        QVERIFY(joinGeneral(a, "1"));
        const int before = m_hub->windowsFlushed();
        QList<RecordingPhoenixSession *> burst;
        for (int i = 0; i < 40; ++i) {
            burst.append(connectAs(i % 2 ? m_bob : m_alice));
            QVERIFY(joinGeneral(burst.last(), "1"));
        }
        for (int i = 0; i < 10; ++i) disconnect(burst.takeLast());
        QCOMPARE(a->withEvent("presence_diff").size(), 0);
        m_hub->flushDiffs();
        QCOMPARE(m_hub->windowsFlushed(), before + 1);
        const QList<PhoenixMessage> diffs = a->withEvent("presence_diff");
        QCOMPARE(diffs.size(), 1);
        const QJsonObject joins = diffs.at(0).payload.value("joins").toObject();
        QCOMPARE(diffs.at(0).payload.value("leaves").toObject(), QJsonObject());
        QCOMPARE(joins.value(m_alice.id).toObject().value("metas").toArray().size()
                     + joins.value(m_bob.id).toObject().value("metas").toArray().size(),
                 30);
        m_hub->flushDiffs(); // nothing pending: no window, no frame
        QCOMPARE(m_hub->windowsFlushed(), before + 1);
        QCOMPARE(a->withEvent("presence_diff").size(), 1);
    }

    void joinersMidWindowFoldToTheExactStateWithNoChangeSeenTwice()
    {
        m_hub->setDiffWindowMs(60 * 60 * 1000);
        const QString topic = RoomManager::channelTopic(m_general);
        RecordingPhoenixSession *a = connectAs(m_alice);
        QVERIFY(joinGeneral(a, "1"));
        RecordingPhoenixSession *old = connectAs(m_bob);
        QVERIFY(joinGeneral(old, "1"));
        m_hub->flushDiffs(); // `old` is announced
        // In one window: someone arrives, a listener joins, `old` leaves,
        // another listener joins, someone arrives and leaves, one more arrives.
        RecordingPhoenixSession *first = connectAs(m_bob);
        QVERIFY(joinGeneral(first, "1"));
        RecordingPhoenixSession *c = connectAs(m_alice);
        QVERIFY(joinGeneral(c, "1"));
        disconnect(old);
        RecordingPhoenixSession *d = connectAs(m_bob);
        QVERIFY(joinGeneral(d, "1"));
        RecordingPhoenixSession *brief = connectAs(m_alice);
        QVERIFY(joinGeneral(brief, "1"));
        disconnect(brief);
        RecordingPhoenixSession *last = connectAs(m_bob);
        QVERIFY(joinGeneral(last, "1"));
        m_hub->flushDiffs();
        // Everyone subscribed now, by phx_ref, from a fresh listener's point of view.
        const QSet<QString> truth = refsOf(m_hub->state(topic));
        QCOMPARE(truth.size(), 5); // a, first, c, d, last
        for (RecordingPhoenixSession *s : {a, first, c, d, last}) {
            QSet<QString> folded;
            QStringList problems;
            for (const PhoenixMessage &m : s->messages()) {
                if (m.event == "presence_state") folded = refsOf(m.payload);
                if (m.event != "presence_diff") continue;
                for (const QString &ref : refsOf(m.payload.value("joins").toObject())) {
                    if (folded.contains(ref)) problems << "join seen twice: " + ref;
                    folded.insert(ref);
                }
                for (const QString &ref : refsOf(m.payload.value("leaves").toObject())) {
                    if (!folded.remove(ref)) problems << "leave of an unknown meta: " + ref;
                }
            }
            QCOMPARE(problems, QStringList());
            QCOMPARE(folded, truth);
        }
    }

    void aWindowOfZeroSendsEachChangeAtOnce()
    {
        m_hub->setDiffWindowMs(0);
        RecordingPhoenixSession *a = connectAs(m_alice);
        QVERIFY(joinGeneral(a, "1"));
        RecordingPhoenixSession *b = connectAs(m_bob);
        QVERIFY(joinGeneral(b, "1"));
        QCOMPARE(a->withEvent("presence_diff").size(), 1);
        QVERIFY(b->withEvent("presence_state").first().payload.contains(m_bob.id));
        QCOMPARE(b->withEvent("presence_diff").size(), 0);
    }

    void removalFromAPrivateChannelClosesIt()
    {
        std::optional<Result<Channel>> created;
        m_chat->createChannel(m_alice.id, "secret", "private", QString(), QString(), nullptr,
                              [&](const Result<Channel> &r) { created = r; });
        QTRY_VERIFY(created.has_value());
        const QString id = created->value.id;
        std::optional<Result<Channel>> added;
        m_chat->addMember(m_alice.id, id, m_bob.id, nullptr, [&](const Result<Channel> &r) { added = r; });
        QTRY_VERIFY(added.has_value() && added->ok());
        RecordingPhoenixSession *b = connectAs(m_bob);
        b->connection().handleText(frame("4", "4", "channel:" + id, "phx_join"));
        QCOMPARE(b->replyTo("4").payload.value("status").toString(), "ok");
        std::optional<Result<Channel>> removed;
        m_chat->removeMember(m_alice.id, id, m_bob.id, nullptr, [&](const Result<Channel> &r) { removed = r; });
        QTRY_VERIFY(removed.has_value() && removed->ok());
        QCOMPARE(b->withEvent("user_left").size(), 1);
        const QList<PhoenixMessage> closes = b->withEvent("phx_close");
        QCOMPARE(closes.size(), 1);
        QCOMPARE(closes.at(0).joinRef, std::optional<QString>("4"));
        QVERIFY(!b->connection().isJoined("channel:" + id));
    }

    void v1SocketGetsObjectFrames()
    {
        RecordingPhoenixSession *s = connectAs(m_alice, PhoenixSerializer::V1);
        s->connection().handleText(R"({"topic":"phoenix","event":"heartbeat","payload":{},"ref":"1"})");
        QCOMPARE(s->frames.size(), 1);
        const QJsonObject o = QJsonDocument::fromJson(s->frames.at(0)).object();
        QCOMPARE(o.value("event").toString(), "phx_reply");
        QCOMPARE(o.value("ref").toString(), "1");
    }

    // Deterministic fuzzing of the whole connection: mutated frames of every
    // event, in both serializers, never crash it and never stop it answering.
    void randomFramesNeverBreakTheConnection()
    {
        QRandomGenerator rng(0x5eed0777);
        const QStringList events{"phx_join",        "phx_leave",    "heartbeat",
                                 "send_message",    "edit_message", "delete_message",
                                 "typing_start",    "typing_stop",  "add_reaction",
                                 "remove_reaction", "mark_read",    "load_older_messages",
                                 "start_thread",    "bogus"};
        const QStringList topics{generalTopic(),
                                 generalTopic(),
                                 generalTopic(),
                                 "phoenix",
                                 "channel:nope",
                                 "workspace:" + m_chat->directory().defaultWorkspaceId(),
                                 "x"};
        RecordingPhoenixSession *v2 = connectAs(m_alice);
        RecordingPhoenixSession *v1 = connectAs(m_bob, PhoenixSerializer::V1);
        for (int i = 0; i < 3000; ++i) {
            const QString ref = QString::number(i);
            QJsonObject payload;
            const char *keys[] = {"content",   "message_id", "emoji",       "reaction_id", "before_id",
                                  "thread_id", "temp_id",    "attachments", "limit"};
            for (int k = int(rng.bounded(4)); k > 0; --k) {
                const char *key = keys[rng.bounded(int(std::size(keys)))];
                switch (rng.bounded(5)) {
                case 0: payload.insert(key, QString::number(rng.generate())); break;
                case 1: payload.insert(key, int(rng.bounded(100))); break;
                case 2: payload.insert(key, QJsonArray{QJsonObject{{"url", "u"}}, 3}); break;
                case 3: payload.insert(key, QJsonValue::Null); break;
                default: payload.insert(key, "hello"); break;
                }
            }
            const QString topic = topics.at(rng.bounded(int(topics.size())));
            const QString event = events.at(rng.bounded(int(events.size())));
            if (event == "send_message" && rng.bounded(2)) payload.insert("content", QStringLiteral("fuzz %1").arg(i));
            // Joins always use join_ref "1", so most later pushes are current, not stale.
            const QJsonValue joinRef = event == "phx_join" || rng.bounded(2) ? QJsonValue("1") : QJsonValue();
            QByteArray f = frame(joinRef, ref, topic, event, payload);
            if (rng.bounded(4) == 0) { // corrupt it
                for (int n = int(rng.bounded(1, 4)); n > 0; --n)
                    f[int(rng.bounded(int(f.size())))] = char(rng.bounded(256));
            }
            v2->connection().handleText(f);
            if (rng.bounded(8) == 0) v2->connection().handleBinary(f);
            QJsonObject asObject{{"topic", topic}, {"event", event}, {"payload", payload}, {"ref", ref}};
            v1->connection().handleText(QJsonDocument(asObject).toJson(QJsonDocument::Compact));
            if (i % 200 == 0) QTest::qWait(1); // let commits and their callbacks run
        }
        // Settle instead of waiting: commit what the fuzz queued and run the
        // callbacks (which may queue more) until nothing is left.
        quint64 writes = 0;
        do {
            writes = m_store->writeCount();
            m_store->flush();
            QCoreApplication::sendPostedEvents();
        } while (m_store->writeCount() != writes);
        const qsizetype before = v2->frames.size();
        v2->connection().handleText(frame(QJsonValue::Null, "final", "phoenix", "heartbeat"));
        QCOMPARE(v2->frames.size(), before + 1);
        QCOMPARE(v2->replyTo("final").payload.value("status").toString(), "ok");
        qInfo() << "joins" << v2->withEvent("presence_state").size() << "sent" << v2->withEvent("message_sent").size()
                << "errors" << v2->withEvent("message_error").size() << "frames" << v2->frames.size();
        // The loop reached the success paths, not only the refusals.
        QVERIFY(v2->withEvent("presence_state").size() > 10);
        QVERIFY(v2->withEvent("message_sent").size() > 0);
        // Everything the server wrote is a well-formed frame.
        const PhoenixCodec codec;
        for (const QByteArray &out : std::as_const(v2->frames)) QVERIFY2(codec.decodeText(out).ok(), out.constData());
    }
};

QTEST_MAIN(TestPhoenixConnection)
#include "tst_phoenixconnection.moc"
