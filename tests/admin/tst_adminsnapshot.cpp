// The admin feed's snapshot in slices, against a real ChatService (SQLite in
// a temporary directory) and a console on a socket pair: a snapshot of many
// connections goes out in several parts, deltas wait until the last one, and
// a console that applies what it got has exactly the server's connections,
// including one opened and one closed while the parts were going out.

#include "admin/AdminFeed.h"
#include "AdminProtocol.h"
#include "AdminSnapshotAssembler.h"
#include "ChannelModel.h"
#include "ConnectionModel.h"
#include "core/ChatService.h"
#include "http/HttpRequest.h"
#include "net/WebSocketConnection.h"
#include "storage/Store.h"

#include "../core/FakeSession.h"

#include <QElapsedTimer>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <optional>

using namespace switchboard;

namespace {

const QByteArray kSecret = QByteArrayLiteral("tst_adminsnapshot-secret-0123456789abcdef");

// The console's end of the pair: reads the server's (unmasked) frames.
class FrameReader
{
public:
    explicit FrameReader(int fd) : m_fd(fd) {}
    ~FrameReader() { ::close(m_fd); }

    // Reads what is there and returns the complete text frames so far.
    QList<QByteArray> poll()
    {
        char buf[65536];
        for (;;) {
            const ssize_t n = ::read(m_fd, buf, sizeof buf);
            if (n <= 0) break;
            m_in.append(buf, int(n));
        }
        QList<QByteArray> out;
        for (;;) {
            if (m_in.size() < 2) break;
            const auto b = reinterpret_cast<const uchar *>(m_in.constData());
            qint64 len = b[1] & 0x7f;
            int header = 2;
            if (len == 126) {
                if (m_in.size() < 4) break;
                len = (qint64(b[2]) << 8) | b[3];
                header = 4;
            } else if (len == 127) {
                if (m_in.size() < 10) break;
                len = 0;
                for (int i = 0; i < 8; ++i) len = (len << 8) | b[2 + i];
                header = 10;
            }
            if (m_in.size() < header + len) break;
            if ((b[0] & 0x0f) == 1) out.append(m_in.mid(header, int(len)));
            m_in.remove(0, int(header + len));
        }
        return out;
    }

private:
    int m_fd;
    QByteArray m_in;
};

} // namespace

class tst_AdminSnapshot : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<ChatService> m_chat;
    QList<FakeSession *> m_sessions;
    User m_user;

    FakeSession *attach()
    {
        auto *s = new FakeSession(m_user);
        if (m_chat->attachSession(s)) {
            delete s;
            return nullptr;
        }
        m_sessions.append(s);
        return s;
    }

    void detach(FakeSession *s)
    {
        m_sessions.removeAll(s);
        m_chat->detachSession(s);
        delete s;
    }

    QSet<QString> serverConnectionIds() const
    {
        QSet<QString> ids;
        for (const Session *s : m_chat->sessions()) ids.insert(s->id());
        return ids;
    }

    // A console on a socket pair, accepted by the feed.
    std::unique_ptr<FrameReader> attachConsole(AdminFeed &feed)
    {
        int fds[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0) return nullptr;
        auto *ws = new WebSocketConnection(fds[0], QHostAddress::LocalHost, 4242, {}, {}, 64 * 1024);
        HttpRequest req;
        req.remoteAddress = QHostAddress::LocalHost;
        req.remotePort = 4242;
        feed.acceptConsole(ws, req);
        return std::make_unique<FrameReader>(fds[1]);
    }

private Q_SLOTS:
    void init()
    {
        CoreConfig config;
        config.fastPasswordHashing = true;
        config.connectionsPerUser = 0; // many sessions of one user
        m_dir = std::make_unique<QTemporaryDir>();
        m_store = std::make_unique<Store>();
        QString error;
        QVERIFY2(m_store->open("sqlite:", m_dir->path(), &error), qPrintable(error));
        m_chat = std::make_unique<ChatService>(m_store.get(), kSecret, config);
        QVERIFY2(m_chat->start(&error), qPrintable(error));
        std::optional<Result<User>> r;
        m_chat->registerUser("watched", "correct horse", "watched@example.test", QString(), nullptr,
                             [&](const Result<User> &u) { r = u; });
        QVERIFY(QTest::qWaitFor([&] { return r.has_value(); }, 10000));
        QVERIFY(r->ok());
        m_user = r->value;
    }

    void cleanup()
    {
        for (FakeSession *s : std::as_const(m_sessions)) {
            m_chat->detachSession(s);
            delete s;
        }
        m_sessions.clear();
        m_chat.reset();
        m_store.reset();
        m_dir.reset();
    }

    void aBigSnapshotArrivesInPartsAndDeltasFollowTheLastOne()
    {
        AdminFeed::Options options;
        options.token = QStringLiteral("t");
        options.tickMs = 60 * 60 * 1000; // ticks when the test says (refresh)
        options.snapshotSliceSize = 10;
        options.sampleSliceSize = 10; // sampling rounds take several passes too
        AdminFeed feed(m_chat.get(), options);
        for (int i = 0; i < 45; ++i) QVERIFY(attach());
        const QString closingId = m_sessions.at(7)->id();
        FakeSession *closing = m_sessions.at(7);

        std::unique_ptr<FrameReader> console = attachConsole(feed);
        QVERIFY(console);
        // While the sampling round and then the parts are under way (they need
        // loop passes; none ran yet): one connection opens, one closes, and a
        // tick turns that into a delta.
        FakeSession *opened = attach();
        QVERIFY(opened);
        const QString openedId = opened->id();
        detach(closing);
        feed.refresh();

        ConnectionModel connections;
        ChannelModel channels;
        AdminSnapshotAssembler assembler;
        QStringList order;       // "part", "last", "delta", "snapshot"
        bool seenOpened = false; // began after the round: only a delta can bring it
        const auto pump = [&] {
            for (const QByteArray &frame : console->poll()) {
                AdminMessage m;
                QString code, message;
                if (!AdminProtocol::decode(frame, &m, &code, &message)) {
                    order << QStringLiteral("bad: ") + code + QLatin1Char(' ') + message;
                    continue;
                }
                if (m.type == AdminMessage::Type::SnapshotPart) {
                    order << (m.lastPart ? QStringLiteral("last") : QStringLiteral("part"));
                    if (assembler.add(m)) {
                        const AdminMessage whole = assembler.take();
                        connections.reset(whole.connections);
                        channels.reset(whole.channels);
                    }
                } else if (m.type == AdminMessage::Type::Delta) {
                    order << QStringLiteral("delta");
                    connections.remove(m.removedConnections);
                    connections.upsert(m.connections);
                    channels.remove(m.removedChannels);
                    channels.upsert(m.channels);
                    for (const ConnectionInfo &c : m.connections) seenOpened = seenOpened || c.id == openedId;
                } else if (m.type == AdminMessage::Type::Snapshot) {
                    order << QStringLiteral("snapshot");
                }
            }
        };
        QVERIFY(QTest::qWaitFor(
            [&] {
            pump();
            return order.contains(QStringLiteral("delta"));
            },
            10000));
        // Parts, then the last one, then the delta held back meanwhile.
        QVERIFY2(order.size() >= 4, qPrintable(order.join(',')));
        const int last = int(order.indexOf(QStringLiteral("last")));
        QVERIFY2(last >= 2, qPrintable(order.join(',')));
        for (int i = 0; i < last; ++i) QCOMPARE(order.at(i), QStringLiteral("part"));
        QCOMPARE(order.at(last + 1), QStringLiteral("delta"));
        QVERIFY(seenOpened);

        QSet<QString> shown;
        for (int row = 0; row < connections.rowCount(); ++row) shown.insert(connections.at(row).id);
        QCOMPARE(shown, serverConnectionIds());
        QVERIFY(shown.contains(openedId));
        QVERIFY(!shown.contains(closingId));
        QCOMPARE(shown.size(), 45);
        QVERIFY(channels.rowCount() > 0);

        // Later deltas go straight out again.
        detach(opened);
        feed.refresh();
        QVERIFY(QTest::qWaitFor(
            [&] {
            pump();
            return order.count(QStringLiteral("delta")) == 2;
            },
            10000));
        shown.clear();
        for (int row = 0; row < connections.rowCount(); ++row) shown.insert(connections.at(row).id);
        QCOMPARE(shown, serverConnectionIds());
    }

    void timingsWithManyConnections()
    {
        // Not an assertion: how long one pass of attaching a console takes.
        AdminFeed::Options options;
        options.token = QStringLiteral("t");
        options.tickMs = 60 * 60 * 1000;
        AdminFeed feed(m_chat.get(), options);
        const int n = qEnvironmentVariableIntValue("SWITCHBOARD_ADMIN_SESSIONS");
        if (n <= 0) QSKIP("set SWITCHBOARD_ADMIN_SESSIONS to measure");
        for (int i = 0; i < n; ++i) QVERIFY(attach());
        QElapsedTimer t;
        t.start();
        std::unique_ptr<FrameReader> console = attachConsole(feed);
        qInfo() << "accept (first slice):" << t.elapsed() << "ms";
        int parts = 0;
        QVERIFY(QTest::qWaitFor(
            [&] {
            for (const QByteArray &f : console->poll()) {
                ++parts;
                if (f.contains("\"last\":true")) return true;
            }
            return false;
            },
            60000));
        qInfo() << "frames until the last part" << parts;
        t.restart();
        feed.refresh();
        qInfo() << "a whole round in one go, nothing changed:" << t.elapsed() << "ms";
    }

    void aSmallSnapshotIsOneSnapshotMessage()
    {
        AdminFeed::Options options;
        options.token = QStringLiteral("t");
        options.tickMs = 60 * 60 * 1000;
        AdminFeed feed(m_chat.get(), options); // 500 per slice: 3 connections fit
        for (int i = 0; i < 3; ++i) QVERIFY(attach());
        std::unique_ptr<FrameReader> console = attachConsole(feed);
        QVERIFY(console);
        QList<QByteArray> frames;
        QVERIFY(QTest::qWaitFor(
            [&] {
            frames += console->poll();
            return !frames.isEmpty();
            },
            10000));
        AdminMessage m;
        QVERIFY(AdminProtocol::decode(frames.first(), &m));
        QCOMPARE(m.type, AdminMessage::Type::Snapshot);
        QCOMPARE(m.connections.size(), 3);
    }
};

QTEST_GUILESS_MAIN(tst_AdminSnapshot)
#include "tst_adminsnapshot.moc"
