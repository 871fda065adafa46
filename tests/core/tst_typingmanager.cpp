// Typing state per (channel, user): start, refresh, stop, expiry, and the
// connection that owns it going away.

#include "core/TypingManager.h"

#include <QSignalSpy>
#include <QTest>

using namespace switchboard;

namespace {
using Change = std::tuple<QString, QString, bool>;

QList<Change> changes(const QSignalSpy &spy)
{
    QList<Change> out;
    for (const QList<QVariant> &args : spy)
        out.append({args.at(0).toString(), args.at(1).toString(), args.at(2).toBool()});
    return out;
}
} // namespace

class TypingManagerTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void startAnnouncesTypingOnce()
    {
        TypingManager t;
        QSignalSpy spy(&t, &TypingManager::typingChanged);
        t.setTyping(QStringLiteral("c1"), QStringLiteral("u1"), QStringLiteral("s1"), true);
        QCOMPARE(changes(spy), (QList<Change>{{"c1", "u1", true}}));
        QVERIFY(t.isTyping(QStringLiteral("c1"), QStringLiteral("u1")));
        QVERIFY(!t.isTyping(QStringLiteral("c2"), QStringLiteral("u1")));
        QVERIFY(!t.isTyping(QStringLiteral("c1"), QStringLiteral("u2")));
    }

    void refreshDoesNotAnnounceAgain()
    {
        TypingManager t;
        QSignalSpy spy(&t, &TypingManager::typingChanged);
        for (int i = 0; i < 5; ++i) t.setTyping(QStringLiteral("c1"), QStringLiteral("u1"), QStringLiteral("s1"), true);
        QCOMPARE(spy.count(), 1);
        QVERIFY(t.isTyping(QStringLiteral("c1"), QStringLiteral("u1")));
    }

    void explicitStopAnnouncesStopOnce()
    {
        TypingManager t;
        t.setTyping(QStringLiteral("c1"), QStringLiteral("u1"), QStringLiteral("s1"), true);
        QSignalSpy spy(&t, &TypingManager::typingChanged);
        t.setTyping(QStringLiteral("c1"), QStringLiteral("u1"), QStringLiteral("s1"), false);
        t.setTyping(QStringLiteral("c1"), QStringLiteral("u1"), QStringLiteral("s1"), false);
        QCOMPARE(changes(spy), (QList<Change>{{"c1", "u1", false}}));
        QVERIFY(!t.isTyping(QStringLiteral("c1"), QStringLiteral("u1")));
    }

    void stopWithoutStartIsSilent()
    {
        TypingManager t;
        QSignalSpy spy(&t, &TypingManager::typingChanged);
        t.setTyping(QStringLiteral("c1"), QStringLiteral("u1"), QStringLiteral("s1"), false);
        QCOMPARE(spy.count(), 0);
    }

    void typingExpiresWithoutRefresh()
    {
        TypingManager t;
        t.setTimeoutMs(100);
        QCOMPARE(t.timeoutMs(), 100);
        QSignalSpy spy(&t, &TypingManager::typingChanged);
        t.setTyping(QStringLiteral("c1"), QStringLiteral("u1"), QStringLiteral("s1"), true);
        t.setTyping(QStringLiteral("c2"), QStringLiteral("u2"), QStringLiteral("s2"), true);
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 4, 10000);
        QCOMPARE(std::get<2>(changes(spy)[2]), false);
        QCOMPARE(std::get<2>(changes(spy)[3]), false);
        QVERIFY(!t.isTyping(QStringLiteral("c1"), QStringLiteral("u1")));
        QVERIFY(!t.isTyping(QStringLiteral("c2"), QStringLiteral("u2")));
        // After expiry a new start is announced again.
        t.setTyping(QStringLiteral("c1"), QStringLiteral("u1"), QStringLiteral("s1"), true);
        QCOMPARE(spy.count(), 5);
        QCOMPARE(std::get<2>(changes(spy)[4]), true);
    }

    void clearSessionEndsOnlyThatSessionsTyping()
    {
        TypingManager t;
        t.setTyping(QStringLiteral("c1"), QStringLiteral("u1"), QStringLiteral("s1"), true);
        t.setTyping(QStringLiteral("c2"), QStringLiteral("u1"), QStringLiteral("s1"), true);
        t.setTyping(QStringLiteral("c1"), QStringLiteral("u2"), QStringLiteral("s2"), true);
        QSignalSpy spy(&t, &TypingManager::typingChanged);
        t.clearSession(QStringLiteral("s1"));
        QList<Change> got = changes(spy);
        std::sort(got.begin(), got.end());
        QCOMPARE(got, (QList<Change>{{"c1", "u1", false}, {"c2", "u1", false}}));
        QVERIFY(t.isTyping(QStringLiteral("c1"), QStringLiteral("u2")));
        t.clearSession(QStringLiteral("s1"));
        t.clearSession(QStringLiteral("unknown"));
        QCOMPARE(spy.count(), 2);
    }

    void refreshFromAnotherConnectionMovesOwnership()
    {
        // The user switched tabs: the newer connection now keeps the indicator alive.
        TypingManager t;
        t.setTyping(QStringLiteral("c1"), QStringLiteral("u1"), QStringLiteral("s1"), true);
        t.setTyping(QStringLiteral("c1"), QStringLiteral("u1"), QStringLiteral("s2"), true);
        QSignalSpy spy(&t, &TypingManager::typingChanged);
        t.clearSession(QStringLiteral("s1"));
        QCOMPARE(spy.count(), 0);
        t.clearSession(QStringLiteral("s2"));
        QCOMPARE(changes(spy), (QList<Change>{{"c1", "u1", false}}));
    }
};

QTEST_GUILESS_MAIN(TypingManagerTest)
#include "tst_typingmanager.moc"
