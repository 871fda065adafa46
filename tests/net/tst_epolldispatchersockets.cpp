// QSocketNotifier semantics under the dispatcher the server installs: the
// cases where an epoll dispatcher can go wrong (stale pointers, reused fds,
// several notifiers per fd, disabled notifiers).
#include "DispatcherTestMain.h"

#include <QAbstractEventDispatcher>
#include <QElapsedTimer>
#include <QSocketNotifier>
#include <QTemporaryFile>
#include <QTimer>

#include <algorithm>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace switchboard;

namespace {

QAbstractEventDispatcher *dispatcher()
{
    return QAbstractEventDispatcher::instance();
}

// A connected AF_UNIX stream pair, non-blocking, closed on destruction.
struct SocketPair
{
    int fds[2] = {-1, -1};
    SocketPair()
    {
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0) qFatal("socketpair failed");
    }
    ~SocketPair()
    {
        closeEnd(0);
        closeEnd(1);
    }
    void closeEnd(int i)
    {
        if (fds[i] >= 0) close(fds[i]);
        fds[i] = -1;
    }
    bool send(int end, const char *data = "x") { return write(fds[end], data, strlen(data)) > 0; }
    int drain(int end)
    {
        char buffer[4096];
        int total = 0;
        ssize_t n;
        while ((n = read(fds[end], buffer, sizeof buffer)) > 0) total += int(n);
        return total;
    }
};

// A connected TCP pair on 127.0.0.1 (needed for out-of-band data).
struct TcpPair
{
    int client = -1;
    int server = -1;
    TcpPair()
    {
        const int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr = {};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        if (bind(listener, reinterpret_cast<sockaddr *>(&addr), len) != 0 || listen(listener, 1) != 0
            || getsockname(listener, reinterpret_cast<sockaddr *>(&addr), &len) != 0)
            qFatal("listen failed");
        client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (::connect(client, reinterpret_cast<sockaddr *>(&addr), len) != 0) qFatal("connect failed");
        server = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        close(listener);
    }
    ~TcpPair()
    {
        close(client);
        close(server);
    }
};

struct CountingNotifier
{
    std::unique_ptr<QSocketNotifier> notifier;
    int activations = 0;
    CountingNotifier(int fd, QSocketNotifier::Type type) : notifier(std::make_unique<QSocketNotifier>(fd, type))
    {
        QObject::connect(notifier.get(), &QSocketNotifier::activated, notifier.get(), [this] { ++activations; });
    }
};

// In place of qWait() before checking that nothing was activated: a notifier
// on a fresh socket pair with a byte waiting. Once it has been activated, the
// dispatcher has polled at least once with everything that was ready before
// this call still ready (level-triggered) and finished that pass, so anything
// it was going to activate wrongly, it has.
bool pollPassed()
{
    SocketPair pair;
    CountingNotifier barrier(pair.fds[0], QSocketNotifier::Read);
    if (!pair.send(1)) return false;
    return QTest::qWaitFor([&] { return barrier.activations > 0; }, 5000);
}

// A lane's worth of ready sockets: `count` pairs with a byte waiting, each
// reader logging its index in `order`, running `onFirst` if it is the first
// served, then keeping the loop busy for `busyNs`.
struct BusyReaders
{
    std::vector<std::unique_ptr<SocketPair>> pairs;
    std::vector<std::unique_ptr<QSocketNotifier>> readers;
    QStringList order;

    bool start(int count, qint64 busyNs, const std::function<void()> &onFirst)
    {
        for (int i = 0; i < count; ++i) {
            pairs.push_back(std::make_unique<SocketPair>());
            SocketPair *pair = pairs.back().get();
            readers.push_back(std::make_unique<QSocketNotifier>(pair->fds[0], QSocketNotifier::Read));
            QObject::connect(readers.back().get(), &QSocketNotifier::activated, readers.back().get(),
                             [this, pair, i, busyNs, onFirst] {
                pair->drain(0);
                order << QString::number(i);
                if (order.size() == 1) onFirst();
                QElapsedTimer busy;
                busy.start();
                while (busy.nsecsElapsed() < busyNs) {}
            });
            if (!pair->send(1)) return false;
        }
        return true;
    }
};

} // namespace

class TestEpollDispatcherSockets : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readAndWriteNotifiersOnOneFdBothFire()
    {
        SocketPair pair;
        CountingNotifier reader(pair.fds[0], QSocketNotifier::Read);
        CountingNotifier writer(pair.fds[0], QSocketNotifier::Write);
        QTRY_VERIFY_WITH_TIMEOUT(writer.activations > 0, 5000); // writable at once
        QCOMPARE(reader.activations, 0);

        // Turning the writer off must leave the reader on the same fd working.
        writer.notifier->setEnabled(false);
        const int writesBefore = writer.activations;
        QObject::connect(reader.notifier.get(), &QSocketNotifier::activated, reader.notifier.get(),
                         [&pair] { pair.drain(0); });
        QVERIFY(pair.send(1));
        QTRY_VERIFY_WITH_TIMEOUT(reader.activations > 0, 5000);
        QCOMPARE(writer.activations, writesBefore);

        writer.notifier->setEnabled(true);
        QTRY_VERIFY_WITH_TIMEOUT(writer.activations > writesBefore, 5000);
    }

    void exceptionNotifierFiresOnOutOfBandDataBesideReadAndWrite()
    {
        TcpPair tcp;
        CountingNotifier reader(tcp.server, QSocketNotifier::Read);
        CountingNotifier writer(tcp.server, QSocketNotifier::Write);
        CountingNotifier urgent(tcp.server, QSocketNotifier::Exception);
        writer.notifier->setEnabled(false);
        reader.notifier->setEnabled(false);
        QVERIFY(pollPassed());
        QCOMPARE(urgent.activations, 0);

        QObject::connect(urgent.notifier.get(), &QSocketNotifier::activated, urgent.notifier.get(), [&] {
            char byte;
            recv(tcp.server, &byte, 1, MSG_OOB); // clear the urgent mark
        });
        const char byte = '!';
        QCOMPARE(send(tcp.client, &byte, 1, MSG_OOB), ssize_t(1));
        QTRY_VERIFY_WITH_TIMEOUT(urgent.activations > 0, 5000);
        QCOMPARE(reader.activations, 0);
        QCOMPARE(writer.activations, 0);
    }

    void disabledNotifierStaysQuietUntilEnabled()
    {
        SocketPair pair;
        CountingNotifier reader(pair.fds[0], QSocketNotifier::Read);
        reader.notifier->setEnabled(false);
        QVERIFY(pair.send(1));
        QVERIFY(pollPassed());
        QCOMPARE(reader.activations, 0);
        reader.notifier->setEnabled(true);
        QTRY_VERIFY_WITH_TIMEOUT(reader.activations > 0, 5000);
    }

    void notifierDisabledAndReenabledMidBatchStillFiresLater()
    {
        SocketPair a;
        SocketPair b;
        CountingNotifier readerA(a.fds[0], QSocketNotifier::Read);
        CountingNotifier readerB(b.fds[0], QSocketNotifier::Read);
        bool toggled = false;
        auto toggleOther = [&](CountingNotifier &other) {
            if (toggled) return;
            toggled = true;
            other.notifier->setEnabled(false);
            other.notifier->setEnabled(true);
        };
        QObject::connect(readerA.notifier.get(), &QSocketNotifier::activated, readerA.notifier.get(), [&] {
            a.drain(0);
            toggleOther(readerB);
        });
        QObject::connect(readerB.notifier.get(), &QSocketNotifier::activated, readerB.notifier.get(), [&] {
            b.drain(0);
            toggleOther(readerA);
        });
        QVERIFY(a.send(1));
        QVERIFY(b.send(1));
        // Level-triggered: dropping it from this batch must not lose the data.
        QTRY_VERIFY_WITH_TIMEOUT(readerA.activations > 0 && readerB.activations > 0, 5000);
    }

    void notifierDeletedByAnotherInTheSameBatchIsNeverActivated()
    {
        constexpr int kPairs = 20;
        std::vector<std::unique_ptr<SocketPair>> pairs;
        std::vector<std::unique_ptr<QSocketNotifier>> notifiers;
        int activations = 0;
        for (int i = 0; i < kPairs; ++i) {
            pairs.push_back(std::make_unique<SocketPair>());
            notifiers.push_back(std::make_unique<QSocketNotifier>(pairs.back()->fds[0], QSocketNotifier::Read));
            QObject::connect(notifiers.back().get(), &QSocketNotifier::activated, notifiers.back().get(), [&, i] {
                ++activations;
                pairs[i]->drain(0);
                // Whoever runs first deletes everyone else, whose
                // readiness is already in this batch.
                for (int j = 0; j < kPairs; ++j) {
                    if (j != i) notifiers[j].reset();
                }
            });
        }
        for (auto &pair : pairs) QVERIFY(pair->send(1));
        // One pass sees all of them ready.
        dispatcher()->processEvents(QEventLoop::AllEvents);
        QCOMPARE(activations, 1);
        QVERIFY(pollPassed());
        QCOMPARE(activations, 1);
    }

    void reusedFdInTheSameBatchDoesNotInheritOldReadiness_data()
    {
        QTest::addColumn<int>("order");
        QTest::newRow("notifier deleted, then fd closed") << 0;
        QTest::newRow("fd closed, then notifier deleted") << 1;
        QTest::newRow("fd replaced by dup2, then notifier deleted") << 2;
    }

    void reusedFdInTheSameBatchDoesNotInheritOldReadiness()
    {
        QFETCH(int, order);
        SocketPair first;
        SocketPair second;
        SocketPair fresh; // its fds[0] will be moved onto the closed number
        auto firstReader = std::make_unique<CountingNotifier>(first.fds[0], QSocketNotifier::Read);
        auto secondReader = std::make_unique<CountingNotifier>(second.fds[0], QSocketNotifier::Read);
        std::unique_ptr<CountingNotifier> newcomer;
        int reusedFd = -1;

        auto replace = [&](std::unique_ptr<CountingNotifier> &victim, SocketPair &victimPair) {
            if (newcomer) return;
            reusedFd = victimPair.fds[0];
            if (order == 0) {
                victim.reset();
                victimPair.closeEnd(0);
                QCOMPARE(dup2(fresh.fds[0], reusedFd), reusedFd);
            } else if (order == 1) {
                victimPair.closeEnd(0);
                victim.reset();
                QCOMPARE(dup2(fresh.fds[0], reusedFd), reusedFd);
            } else {
                QCOMPARE(dup2(fresh.fds[0], reusedFd), reusedFd); // closes the old file
                victim.reset();
            }
            victimPair.fds[0] = reusedFd; // SocketPair now owns the duplicate
            fresh.closeEnd(0);
            // Same fd number, nothing to read: the old readiness is not its own.
            newcomer = std::make_unique<CountingNotifier>(reusedFd, QSocketNotifier::Read);
        };
        QObject::connect(firstReader->notifier.get(), &QSocketNotifier::activated, firstReader->notifier.get(), [&] {
            first.drain(0);
            replace(secondReader, second);
        });
        QObject::connect(secondReader->notifier.get(), &QSocketNotifier::activated, secondReader->notifier.get(), [&] {
            second.drain(0);
            replace(firstReader, first);
        });
        QVERIFY(first.send(1));
        QVERIFY(second.send(1));

        dispatcher()->processEvents(QEventLoop::AllEvents);
        QVERIFY(newcomer);
        QVERIFY(pollPassed());
        QCOMPARE(newcomer->activations, 0);

        // The reused number is watched for the new socket: data on it arrives.
        QVERIFY(fresh.send(1));
        QTRY_VERIFY_WITH_TIMEOUT(newcomer->activations > 0, 5000);
        newcomer.reset();
    }

    void hangUpWakesTheReader_data()
    {
        QTest::addColumn<bool>("usePipe");
        QTest::newRow("socket pair (EPOLLIN with EPOLLHUP)") << false;
        QTest::newRow("pipe (EPOLLHUP alone)") << true;
    }

    void hangUpWakesTheReader()
    {
        QFETCH(bool, usePipe);
        SocketPair pair;
        if (usePipe) {
            pair.closeEnd(0);
            pair.closeEnd(1);
            QCOMPARE(pipe2(pair.fds, O_NONBLOCK | O_CLOEXEC), 0);
        }
        CountingNotifier reader(pair.fds[0], QSocketNotifier::Read);
        ssize_t lastRead = -2;
        QObject::connect(reader.notifier.get(), &QSocketNotifier::activated, reader.notifier.get(), [&] {
            char byte;
            lastRead = read(pair.fds[0], &byte, 1);
            if (lastRead == 0) reader.notifier->setEnabled(false); // EOF stays readable forever
        });
        pair.closeEnd(1);
        QTRY_COMPARE_WITH_TIMEOUT(lastRead, ssize_t(0), 5000);
    }

    void fdClosedBehindItsNotifiersBackAndReusedCanBeWatchedAgain()
    {
        SocketPair old;
        SocketPair fresh;
        // Closing the fd drops it from the kernel's epoll set while our
        // bookkeeping still lists the (forgotten) read notifier.
        CountingNotifier stale(old.fds[0], QSocketNotifier::Read);
        const int fd = old.fds[0];
        QCOMPARE(dup2(fresh.fds[0], fd), fd);
        CountingNotifier writer(fd, QSocketNotifier::Write);
        QTRY_VERIFY_WITH_TIMEOUT(writer.activations > 0, 5000);
        stale.notifier->setEnabled(false);
        writer.notifier->setEnabled(false);
    }

    void nestedLoopDoesNotActivateANotifierTwiceForOneReadiness()
    {
        SocketPair a;
        SocketPair b;
        CountingNotifier readerA(a.fds[0], QSocketNotifier::Read);
        CountingNotifier readerB(b.fds[0], QSocketNotifier::Read);
        int spuriousB = 0;
        bool nested = false;
        auto onA = [&] {
            a.drain(0);
            if (nested) return;
            nested = true;
            // B is pending in the outer batch and still readable: the nested
            // pass sees it again. It must be activated once, not twice.
            for (int i = 0; i < 3; ++i) dispatcher()->processEvents(QEventLoop::AllEvents);
        };
        auto onB = [&] {
            if (b.drain(0) == 0) ++spuriousB;
            if (!nested) { // B came first: swap roles so A's handler nests next time
                QVERIFY(a.send(1));
            }
        };
        QObject::connect(readerA.notifier.get(), &QSocketNotifier::activated, readerA.notifier.get(), onA);
        QObject::connect(readerB.notifier.get(), &QSocketNotifier::activated, readerB.notifier.get(), onB);
        QVERIFY(a.send(1));
        QVERIFY(b.send(1));
        QTRY_VERIFY_WITH_TIMEOUT(nested && readerB.activations > 0, 5000);
        QVERIFY(pollPassed());
        QCOMPARE(spuriousB, 0);
    }

    void regularFileNotifierIsAlwaysReadyAsWithPoll()
    {
        QTemporaryFile file;
        QVERIFY(file.open());
        CountingNotifier reader(int(file.handle()), QSocketNotifier::Read);
        QTRY_VERIFY_WITH_TIMEOUT(reader.activations > 2, 5000);
        reader.notifier->setEnabled(false);
        const int seen = reader.activations;
        QVERIFY(pollPassed());
        QCOMPARE(reader.activations, seen);
    }

    void excludeSocketNotifiersDefersActivationWithoutSpinning()
    {
        if (qstrcmp(dispatcher()->metaObject()->className(), "QEventDispatcherGlib") == 0)
            QSKIP("Qt's glib dispatcher ignores ExcludeSocketNotifiers (its unix one honours it)");
        SocketPair pair;
        CountingNotifier reader(pair.fds[0], QSocketNotifier::Read);
        QVERIFY(pair.send(1));
        for (int i = 0; i < 3; ++i) dispatcher()->processEvents(QEventLoop::ExcludeSocketNotifiers);
        QCOMPARE(reader.activations, 0);

        // A blocking pass that excludes sockets must wait for the timer, not
        // return at once because the socket is readable.
        bool fired = false;
        QTimer::singleShot(20, this, [&] { fired = true; });
        int passes = 0;
        while (!fired) {
            dispatcher()->processEvents(QEventLoop::ExcludeSocketNotifiers | QEventLoop::WaitForMoreEvents);
            ++passes;
        }
        QCOMPARE(reader.activations, 0);
        if (expectEpollDispatcher()) QVERIFY2(passes <= 3, qPrintable(QString::number(passes)));

        QTRY_VERIFY_WITH_TIMEOUT(reader.activations > 0, 5000);
    }

    void excludeUserInputEventsStillRunsSocketsTimersAndPosts()
    {
        // A server has no user input; nothing else may be held back by the flag.
        SocketPair pair;
        CountingNotifier reader(pair.fds[0], QSocketNotifier::Read);
        QObject::connect(reader.notifier.get(), &QSocketNotifier::activated, reader.notifier.get(),
                         [&] { pair.drain(0); });
        bool timerFired = false;
        bool postDelivered = false;
        QTimer::singleShot(5, this, [&] { timerFired = true; });
        QMetaObject::invokeMethod(
            this, [&] { postDelivered = true; }, Qt::QueuedConnection);
        QVERIFY(pair.send(1));
        QElapsedTimer clock;
        clock.start();
        while (!(timerFired && postDelivered && reader.activations > 0) && clock.elapsed() < 5000)
            dispatcher()->processEvents(QEventLoop::ExcludeUserInputEvents | QEventLoop::WaitForMoreEvents);
        QVERIFY(timerFired);
        QVERIFY(postDelivered);
        QVERIFY(reader.activations > 0);
    }

    void zeroTimerDoesNotStarveSocketNotifiers()
    {
        SocketPair pair;
        CountingNotifier reader(pair.fds[0], QSocketNotifier::Read);
        QObject::connect(reader.notifier.get(), &QSocketNotifier::activated, reader.notifier.get(),
                         [&] { pair.drain(0); });
        int zeroTicks = 0;
        std::vector<std::unique_ptr<QTimer>> timers;
        for (int i = 0; i < 10; ++i) {
            timers.push_back(std::make_unique<QTimer>());
            QObject::connect(timers.back().get(), &QTimer::timeout, this, [&] { ++zeroTicks; });
            timers.back()->start(0);
        }
        for (int round = 1; round <= 50; ++round) {
            QVERIFY(pair.send(1));
            QTRY_COMPARE_WITH_TIMEOUT(reader.activations, round, 5000);
        }
        QVERIFY(zeroTicks > 0);
    }

    // A burst of ready sockets whose handling is slow (thousands of handshakes
    // at once) does not hold the loop: past the per-pass budget the rest wait a
    // pass, and posted work (deliveries, commit callbacks) runs in between.
    void slowSocketWorkIsSplitAcrossPassesWithPostedEventsInBetween()
    {
        auto *epoll = qobject_cast<EpollEventDispatcher *>(dispatcher());
        if (!epoll) QSKIP("EpollEventDispatcher only");
        const int count = 64;
        BusyReaders sockets; // the slow part: at least 2 ms of work each
        QStringList &order = sockets.order;
        QVERIFY(sockets.start(count, 2000000, [&] {
            QMetaObject::invokeMethod(
                this, [&] { order << QStringLiteral("posted"); }, Qt::QueuedConnection);
        }));
        const quint64 cutsBefore = epoll->budgetCuts();
        QTRY_COMPARE_WITH_TIMEOUT(order.count(), count + 1, 10000);
        // Every socket was served once, and the posted call did not wait for all of them.
        QCOMPARE(order.count(QStringLiteral("posted")), 1);
        const qsizetype postedAt = order.indexOf(QStringLiteral("posted"));
        QVERIFY2(postedAt > 0 && postedAt < count, qPrintable(order.join(QLatin1Char(' '))));
        QVERIFY(epoll->budgetCuts() > cutsBefore);
        QSet<QString> served(order.cbegin(), order.cend());
        QCOMPARE(served.size(), count + 1);
    }

    // Commit callbacks first: a queued call that another thread (the storage
    // writer) posts while the chat lane is being worked through is sent at the
    // lane's next check, every 8 sockets, not after all of them. A call this
    // thread posts keeps its place after the lane, as before.
    void queuedCallFromAnotherThreadIsSentBetweenChatSockets_data()
    {
        QTest::addColumn<bool>("fromAnotherThread");
        QTest::newRow("another thread") << true;
        QTest::newRow("this thread") << false;
    }

    void queuedCallFromAnotherThreadIsSentBetweenChatSockets()
    {
        QFETCH(bool, fromAnotherThread);
        auto *epoll = qobject_cast<EpollEventDispatcher *>(dispatcher());
        if (!epoll) QSKIP("EpollEventDispatcher only");
        const int count = 64;
        BusyReaders sockets; // 20 µs each: the whole lane stays far inside its 10 ms budget
        QStringList &order = sockets.order;
        const auto post = [&] {
            QMetaObject::invokeMethod(
                this, [&] { order << QStringLiteral("posted"); }, Qt::QueuedConnection);
        };
        QVERIFY(sockets.start(count, 20000, [&] {
            if (fromAnotherThread)
                std::thread(post).join(); // posted before this socket's work ends
            else
                post();
        }));
        const quint64 sendsBefore = epoll->foreignSends();
        const quint64 cutsBefore = epoll->budgetCuts();
        QTRY_COMPARE_WITH_TIMEOUT(order.count(), count + 1, 10000);
        QSet<QString> served(order.cbegin(), order.cend());
        QCOMPARE(served.size(), count + 1);
        const qsizetype postedAt = order.indexOf(QStringLiteral("posted"));
        const QByteArray seen = order.join(QLatin1Char(' ')).toUtf8();
        if (fromAnotherThread) {
            QVERIFY2(postedAt >= 1 && postedAt <= 16, seen.constData());
            QVERIFY(epoll->foreignSends() > sendsBefore);
        } else if (epoll->budgetCuts() == cutsBefore) {
            QVERIFY2(postedAt == count, seen.constData()); // one pass: after every socket
        } else {
            QVERIFY2(postedAt % 8 == 0, seen.constData()); // a slow machine cut the lane: at the cut
        }
    }

    // The same after the background lane: a commit callback that another
    // thread posts while newcomers are served is sent before the pass's
    // timers, not at the start of the next pass.
    void queuedCallFromAnotherThreadIsSentAfterTheBackgroundLane()
    {
        auto *epoll = qobject_cast<EpollEventDispatcher *>(dispatcher());
        if (!epoll) QSKIP("EpollEventDispatcher only");
        SocketPair pair;
        QSocketNotifier reader(pair.fds[0], QSocketNotifier::Read);
        QVERIFY(EpollEventDispatcher::setLane(pair.fds[0], EpollEventDispatcher::Lane::Background));
        QStringList order;
        connect(&reader, &QSocketNotifier::activated, this, [&] {
            pair.drain(0);
            order << QStringLiteral("background");
            std::thread([&] {
                QMetaObject::invokeMethod(
                    this, [&] { order << QStringLiteral("posted"); }, Qt::QueuedConnection);
            }).join();
        });
        QTimer timer; // due in the same pass as the socket
        timer.setSingleShot(true);
        connect(&timer, &QTimer::timeout, this, [&] { order << QStringLiteral("timer"); });
        QVERIFY(pair.send(1));
        timer.start(0);
        QTRY_COMPARE_WITH_TIMEOUT(order.count(), 3, 5000);
        QCOMPARE(order.join(QLatin1Char(' ')), QStringLiteral("background posted timer"));
    }

    // Messages first: sockets in the background lane (newcomers still
    // handshaking) are served after the chat lane's, even when they became
    // ready first, and a chat socket that becomes ready while the background
    // lane is being worked through is served before the background's rest.
    void chatLaneIsServedBeforeTheBackgroundLane()
    {
        auto *epoll = qobject_cast<EpollEventDispatcher *>(dispatcher());
        if (!epoll) QSKIP("EpollEventDispatcher only");
        const int count = 40;
        std::vector<std::unique_ptr<SocketPair>> pairs;
        std::vector<std::unique_ptr<QSocketNotifier>> readers;
        QStringList order;
        SocketPair chat;
        SocketPair lateChat;
        QSocketNotifier chatReader(chat.fds[0], QSocketNotifier::Read);
        QSocketNotifier lateReader(lateChat.fds[0], QSocketNotifier::Read);
        connect(&chatReader, &QSocketNotifier::activated, this, [&] {
            chat.drain(0);
            order << QStringLiteral("chat");
        });
        connect(&lateReader, &QSocketNotifier::activated, this, [&] {
            lateChat.drain(0);
            order << QStringLiteral("late");
        });
        for (int i = 0; i < count; ++i) {
            pairs.push_back(std::make_unique<SocketPair>());
            readers.push_back(std::make_unique<QSocketNotifier>(pairs.back()->fds[0], QSocketNotifier::Read));
            QVERIFY(EpollEventDispatcher::setLane(pairs.back()->fds[0], EpollEventDispatcher::Lane::Background));
            QCOMPARE(epoll->lane(pairs.back()->fds[0]), EpollEventDispatcher::Lane::Background);
            SocketPair *pair = pairs.back().get();
            connect(readers.back().get(), &QSocketNotifier::activated, this, [&, pair, i] {
                pair->drain(0);
                order << QString::number(i);
                if (i == 0) QVERIFY(lateChat.send(1)); // ready while the background lane runs
                QElapsedTimer busy;                    // 1 ms each: the lane's budget ends after a few
                busy.start();
                while (busy.nsecsElapsed() < 1000000) {}
            });
            QVERIFY(pair->send(1));
        }
        QVERIFY(chat.send(1)); // ready last
        QTRY_COMPARE_WITH_TIMEOUT(order.count(), count + 2, 10000);
        QCOMPARE(order.first(), QStringLiteral("chat"));
        const qsizetype late = order.indexOf(QStringLiteral("late"));
        QVERIFY2(late > 1 && late < count, qPrintable(order.join(QLatin1Char(' '))));
        QSet<QString> served(order.cbegin(), order.cend());
        QCOMPARE(served.size(), count + 2);
        // Back in the chat lane, a socket is served like any other.
        QVERIFY(EpollEventDispatcher::setLane(pairs.front()->fds[0], EpollEventDispatcher::Lane::Chat));
        QCOMPARE(epoll->lane(pairs.front()->fds[0]), EpollEventDispatcher::Lane::Chat);
        QVERIFY(!EpollEventDispatcher::setLane(-1, EpollEventDispatcher::Lane::Chat));
    }

    // Background sockets sit in epoll as one-shot: one waiting for the lane's
    // budget is not handed back by every epoll_wait (under a connect wave that
    // was most of each pass's reports), and one still readable after it was
    // served is reported again, as level triggering promises.
    void waitingBackgroundSocketsAreNotReportedAgainButStayLevelTriggered()
    {
        auto *epoll = qobject_cast<EpollEventDispatcher *>(dispatcher());
        if (!epoll) QSKIP("EpollEventDispatcher only");
        const int count = 40;
        std::vector<std::unique_ptr<SocketPair>> pairs;
        std::vector<std::unique_ptr<QSocketNotifier>> readers;
        std::vector<int> served(count, 0);
        for (int i = 0; i < count; ++i) {
            pairs.push_back(std::make_unique<SocketPair>());
            readers.push_back(std::make_unique<QSocketNotifier>(pairs.back()->fds[0], QSocketNotifier::Read));
            QVERIFY(EpollEventDispatcher::setLane(pairs.back()->fds[0], EpollEventDispatcher::Lane::Background));
            SocketPair *pair = pairs.back().get();
            connect(readers.back().get(), &QSocketNotifier::activated, this, [&, pair, i] {
                char byte;
                QCOMPARE(read(pair->fds[0], &byte, 1), ssize_t(1)); // one of three: still readable
                ++served[i];
                QElapsedTimer busy; // 1 ms each: the lane's budget ends after a few
                busy.start();
                while (busy.nsecsElapsed() < 1000000) {}
            });
            QVERIFY(pair->send(1, "xyz"));
        }
        const quint64 cutsBefore = epoll->budgetCuts();
        const quint64 repeatedBefore = epoll->repeatedReports();
        const quint64 reportsBefore = epoll->readyReports();
        QTRY_VERIFY_WITH_TIMEOUT(std::all_of(served.cbegin(), served.cend(), [](int n) { return n >= 3; }), 10000);
        QVERIFY(pollPassed()); // drained: nothing more may come
        QCOMPARE(std::count(served.cbegin(), served.cend(), 3), qsizetype(count));
        QVERIFY(epoll->budgetCuts() > cutsBefore); // they did wait across passes
        QCOMPARE(epoll->repeatedReports(), repeatedBefore);
        // One report per activation (plus the barrier's): none wasted on a waiting socket.
        QVERIFY2(epoll->readyReports() - reportsBefore <= quint64(3 * count + 2),
                 qPrintable(QString::number(epoll->readyReports() - reportsBefore)));
    }

    // A notifier enabled on a background socket while it waits to be served
    // (disarmed in epoll) takes effect once it has been served, and after a
    // move to the chat lane the socket reports like any other.
    void notifierEnabledOnAWaitingBackgroundSocketFiresAfterItIsServed()
    {
        auto *epoll = qobject_cast<EpollEventDispatcher *>(dispatcher());
        if (!epoll) QSKIP("EpollEventDispatcher only");
        SocketPair chat;
        SocketPair newcomer;
        QSocketNotifier chatReader(chat.fds[0], QSocketNotifier::Read);
        QSocketNotifier reader(newcomer.fds[0], QSocketNotifier::Read);
        QVERIFY(EpollEventDispatcher::setLane(newcomer.fds[0], EpollEventDispatcher::Lane::Background));
        std::unique_ptr<QSocketNotifier> writer;
        QStringList order;
        connect(&chatReader, &QSocketNotifier::activated, this, [&] {
            chat.drain(0);
            order << QStringLiteral("chat");
            if (writer) return;
            // Served first in the pass, while the newcomer's read is queued behind it.
            writer = std::make_unique<QSocketNotifier>(newcomer.fds[0], QSocketNotifier::Write);
            connect(writer.get(), &QSocketNotifier::activated, this, [&] {
                writer->setEnabled(false);
                order << QStringLiteral("write");
            });
        });
        connect(&reader, &QSocketNotifier::activated, this, [&] {
            newcomer.drain(0);
            order << QStringLiteral("read");
        });
        QVERIFY(newcomer.send(1));
        QVERIFY(chat.send(1));
        QTRY_COMPARE_WITH_TIMEOUT(order.count(), 3, 5000);
        QCOMPARE(order, (QStringList{"chat", "read", "write"}));

        QVERIFY(EpollEventDispatcher::setLane(newcomer.fds[0], EpollEventDispatcher::Lane::Chat));
        QVERIFY(newcomer.send(1));
        QTRY_COMPARE_WITH_TIMEOUT(order.count(), 4, 5000);
        QCOMPARE(order.last(), QStringLiteral("read"));
        QVERIFY(pollPassed());
        QCOMPARE(order.count(), 4);
    }

    // A peer that hung up is served after the peers that talk (a mass
    // disconnect must not hold the rooms), and still served.
    void hungUpPeerWaitsBehindTalkingOnes()
    {
        auto *epoll = qobject_cast<EpollEventDispatcher *>(dispatcher());
        if (!epoll) QSKIP("EpollEventDispatcher only");
        SocketPair leaving;
        SocketPair talking;
        QStringList order;
        QSocketNotifier leavingReader(leaving.fds[0], QSocketNotifier::Read);
        QSocketNotifier talkingReader(talking.fds[0], QSocketNotifier::Read);
        connect(&leavingReader, &QSocketNotifier::activated, this, [&] {
            leavingReader.setEnabled(false); // EOF: stays readable
            order << QStringLiteral("leaving");
        });
        connect(&talkingReader, &QSocketNotifier::activated, this, [&] {
            talking.drain(0);
            order << QStringLiteral("talking");
        });
        leaving.closeEnd(1); // hung up first
        QVERIFY(talking.send(1));
        QTRY_COMPARE_WITH_TIMEOUT(order.count(), 2, 5000);
        QCOMPARE(order, (QStringList{"talking", "leaving"}));
    }

    // A chat socket whose peer hung up is parked until served: level
    // triggering would hand it back from every epoll_wait while it waits for
    // the background lane's budget. One still readable after it was served
    // is reported again, as level triggering promises.
    void hungUpChatSocketsWaitingToBeServedAreNotReportedAgain()
    {
        auto *epoll = qobject_cast<EpollEventDispatcher *>(dispatcher());
        if (!epoll) QSKIP("EpollEventDispatcher only");
        const int count = 40;
        std::vector<std::unique_ptr<SocketPair>> pairs;
        std::vector<std::unique_ptr<QSocketNotifier>> readers;
        std::vector<int> bytes(count, 0);
        std::vector<int> eofs(count, 0);
        for (int i = 0; i < count; ++i) {
            pairs.push_back(std::make_unique<SocketPair>());
            readers.push_back(std::make_unique<QSocketNotifier>(pairs.back()->fds[0], QSocketNotifier::Read));
            SocketPair *pair = pairs.back().get();
            QSocketNotifier *reader = readers.back().get();
            connect(reader, &QSocketNotifier::activated, this, [&, pair, reader, i] {
                char byte;
                const ssize_t n = read(pair->fds[0], &byte, 1); // one byte of three, then the end
                if (n == 0) {
                    ++eofs[i];
                    reader->setEnabled(false);
                    return;
                }
                QCOMPARE(n, ssize_t(1));
                ++bytes[i];
                QElapsedTimer busy; // 1 ms each: the lane's budget ends after a few
                busy.start();
                while (busy.nsecsElapsed() < 1000000) {}
            });
            QVERIFY(pair->send(1, "xyz"));
            pair->closeEnd(1); // hung up with bytes still to read
        }
        const quint64 cutsBefore = epoll->budgetCuts();
        const quint64 repeatedBefore = epoll->repeatedReports();
        const quint64 reportsBefore = epoll->readyReports();
        const quint64 parkedBefore = epoll->parkedLeavers();
        QTRY_VERIFY_WITH_TIMEOUT(std::all_of(eofs.cbegin(), eofs.cend(), [](int n) { return n == 1; }), 10000);
        QVERIFY(pollPassed()); // drained: nothing more may come
        QCOMPARE(std::count(bytes.cbegin(), bytes.cend(), 3), qsizetype(count));
        QCOMPARE(std::count(eofs.cbegin(), eofs.cend(), 1), qsizetype(count));
        QVERIFY(epoll->budgetCuts() > cutsBefore); // they did wait across passes
        QCOMPARE(epoll->repeatedReports(), repeatedBefore);
        QVERIFY(epoll->parkedLeavers() - parkedBefore >= quint64(count));
        // One report per activation (plus the barrier's): none wasted on a waiting socket.
        QVERIFY2(epoll->readyReports() - reportsBefore <= quint64(4 * count + 2),
                 qPrintable(QString::number(epoll->readyReports() - reportsBefore)));
    }

    // After a mass disconnect, a socket that talks is reported at the next
    // epoll_wait, not behind every leaver still waiting to be served (with
    // level triggering each one went back to the tail of the kernel's ready
    // list, and 512 came back per pass).
    void talkingSocketIsNotCrowdedOutByWaitingLeavers()
    {
        auto *epoll = qobject_cast<EpollEventDispatcher *>(dispatcher());
        if (!epoll) QSKIP("EpollEventDispatcher only");
        const int count = 2048;   // four epoll_wait batches
        const int sendAfter = 40; // in the fifth pass: every leaver has been reported once
        std::vector<std::unique_ptr<SocketPair>> leavers;
        std::vector<std::unique_ptr<QSocketNotifier>> readers;
        SocketPair talking;
        QSocketNotifier talkingReader(talking.fds[0], QSocketNotifier::Read);
        int served = 0;
        int servedWhenSent = -1;
        int servedWhenHeard = -1;
        connect(&talkingReader, &QSocketNotifier::activated, this, [&] {
            talking.drain(0);
            if (servedWhenHeard < 0) servedWhenHeard = served;
        });
        for (int i = 0; i < count; ++i) {
            leavers.push_back(std::make_unique<SocketPair>());
            readers.push_back(std::make_unique<QSocketNotifier>(leavers.back()->fds[0], QSocketNotifier::Read));
            QSocketNotifier *reader = readers.back().get();
            connect(reader, &QSocketNotifier::activated, this, [&, reader] {
                reader->setEnabled(false); // at its end: stays readable
                if (++served == sendAfter) {
                    servedWhenSent = served;
                    QVERIFY(talking.send(1));
                }
                QElapsedTimer busy; // 8 of these end the background lane's 1 ms budget
                busy.start();
                while (busy.nsecsElapsed() < 200000) {}
            });
            leavers.back()->closeEnd(1);
        }
        QTRY_COMPARE_WITH_TIMEOUT(served, count, 20000);
        QVERIFY(servedWhenSent == sendAfter);
        // Served in the chat lane of the next pass, before that pass's leavers;
        // behind 2,000 level-triggered leavers it took four passes more.
        QVERIFY2(servedWhenHeard >= sendAfter && servedWhenHeard <= sendAfter + 8,
                 qPrintable(QString::number(servedWhenHeard)));
    }

    void watchedDescriptorsFollowEnabledNotifiers()
    {
        auto *epoll = qobject_cast<EpollEventDispatcher *>(dispatcher());
        if (!epoll) QSKIP("EpollEventDispatcher only");
        const int before = epoll->watchedDescriptorCount();
        SocketPair pair;
        QSocketNotifier reader(pair.fds[0], QSocketNotifier::Read);
        QSocketNotifier writer(pair.fds[0], QSocketNotifier::Write);
        QCOMPARE(epoll->watchedDescriptorCount(), before + 1);
        reader.setEnabled(false);
        QCOMPARE(epoll->watchedDescriptorCount(), before + 1);
        writer.setEnabled(false);
        QCOMPARE(epoll->watchedDescriptorCount(), before);
    }
};

SWITCHBOARD_DISPATCHER_TEST_MAIN(TestEpollDispatcherSockets)
#include "tst_epolldispatchersockets.moc"
