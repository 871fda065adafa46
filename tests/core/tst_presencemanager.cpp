// Presence across several connections of one user, and explicit away/busy.

#include "core/PresenceManager.h"

#include <QSignalSpy>
#include <QTest>

using namespace switchboard;

class PresenceManagerTest : public QObject
{
    Q_OBJECT

    static QList<QPair<QString, QString>> changes(const QSignalSpy &spy)
    {
        QList<QPair<QString, QString>> out;
        for (const QList<QVariant> &args : spy) out.append({args.at(0).toString(), args.at(1).toString()});
        return out;
    }

private Q_SLOTS:
    void unknownUserIsOffline()
    {
        PresenceManager p;
        QCOMPARE(p.status(QStringLiteral("u1")), QStringLiteral("offline"));
        QVERIFY(!p.isOnline(QStringLiteral("u1")));
        QCOMPARE(p.connectionCount(QStringLiteral("u1")), 0);
    }

    void firstConnectionAnnouncesOnlineOnce()
    {
        PresenceManager p;
        QSignalSpy spy(&p, &PresenceManager::presenceChanged);
        p.connectionOpened(QStringLiteral("u1"));
        p.connectionOpened(QStringLiteral("u1"));
        p.connectionOpened(QStringLiteral("u1"));
        QCOMPARE(changes(spy), (QList<QPair<QString, QString>>{{"u1", "online"}}));
        QCOMPARE(p.connectionCount(QStringLiteral("u1")), 3);
        QVERIFY(p.isOnline(QStringLiteral("u1")));
        QCOMPARE(p.onlineUsers(), QStringList{QStringLiteral("u1")});
    }

    void userStaysOnlineUntilTheLastConnectionCloses()
    {
        PresenceManager p;
        p.connectionOpened(QStringLiteral("u1"));
        p.connectionOpened(QStringLiteral("u1"));
        QSignalSpy spy(&p, &PresenceManager::presenceChanged);
        p.connectionClosed(QStringLiteral("u1"));
        QCOMPARE(spy.count(), 0);
        QVERIFY(p.isOnline(QStringLiteral("u1")));
        QCOMPARE(p.connectionCount(QStringLiteral("u1")), 1);
        p.connectionClosed(QStringLiteral("u1"));
        QCOMPARE(changes(spy), (QList<QPair<QString, QString>>{{"u1", "offline"}}));
        QVERIFY(!p.isOnline(QStringLiteral("u1")));
        QCOMPARE(p.status(QStringLiteral("u1")), QStringLiteral("offline"));
        QVERIFY(p.onlineUsers().isEmpty());
    }

    void closingAnUnknownConnectionChangesNothing()
    {
        PresenceManager p;
        QSignalSpy spy(&p, &PresenceManager::presenceChanged);
        p.connectionClosed(QStringLiteral("ghost"));
        QCOMPARE(spy.count(), 0);
        QCOMPARE(p.connectionCount(QStringLiteral("ghost")), 0);
    }

    void usersAreIndependent()
    {
        PresenceManager p;
        p.connectionOpened(QStringLiteral("u1"));
        p.connectionOpened(QStringLiteral("u2"));
        p.connectionClosed(QStringLiteral("u1"));
        QVERIFY(!p.isOnline(QStringLiteral("u1")));
        QVERIFY(p.isOnline(QStringLiteral("u2")));
    }

    void awayAndBusyAreAnnouncedOnceAndKeptAcrossConnections()
    {
        PresenceManager p;
        p.connectionOpened(QStringLiteral("u1"));
        QSignalSpy spy(&p, &PresenceManager::presenceChanged);
        QVERIFY(p.setStatus(QStringLiteral("u1"), QStringLiteral("away")));
        QVERIFY(p.setStatus(QStringLiteral("u1"), QStringLiteral("away"))); // unchanged: no event
        QCOMPARE(p.status(QStringLiteral("u1")), QStringLiteral("away"));
        p.connectionOpened(QStringLiteral("u1")); // a second tab does not reset it
        QCOMPARE(p.status(QStringLiteral("u1")), QStringLiteral("away"));
        QVERIFY(p.setStatus(QStringLiteral("u1"), QStringLiteral("busy")));
        QVERIFY(p.setStatus(QStringLiteral("u1"), QStringLiteral("online")));
        QCOMPARE(changes(spy), (QList<QPair<QString, QString>>{{"u1", "away"}, {"u1", "busy"}, {"u1", "online"}}));
    }

    void lastDisconnectEndsAwayAndReconnectIsOnline()
    {
        PresenceManager p;
        p.connectionOpened(QStringLiteral("u1"));
        QVERIFY(p.setStatus(QStringLiteral("u1"), QStringLiteral("busy")));
        p.connectionClosed(QStringLiteral("u1"));
        QCOMPARE(p.status(QStringLiteral("u1")), QStringLiteral("offline"));
        p.connectionOpened(QStringLiteral("u1"));
        QCOMPARE(p.status(QStringLiteral("u1")), QStringLiteral("online"));
    }

    void offlineFromAConnectedClientMeansAway()
    {
        PresenceManager p;
        p.connectionOpened(QStringLiteral("u1"));
        QSignalSpy spy(&p, &PresenceManager::presenceChanged);
        QVERIFY(p.setStatus(QStringLiteral("u1"), QStringLiteral("offline")));
        QCOMPARE(p.status(QStringLiteral("u1")), QStringLiteral("away"));
        QVERIFY(p.isOnline(QStringLiteral("u1")));
        QCOMPARE(changes(spy), (QList<QPair<QString, QString>>{{"u1", "away"}}));
    }

    void statusOfADisconnectedUserOrAnInvalidStatusIsRefused()
    {
        PresenceManager p;
        QSignalSpy spy(&p, &PresenceManager::presenceChanged);
        QVERIFY(!p.setStatus(QStringLiteral("u1"), QStringLiteral("away")));
        QVERIFY(!p.isOnline(QStringLiteral("u1"))); // refusing must not create an entry
        p.connectionOpened(QStringLiteral("u1"));
        QVERIFY(!p.setStatus(QStringLiteral("u1"), QStringLiteral("sleeping")));
        QVERIFY(!p.setStatus(QStringLiteral("u1"), QString()));
        QCOMPARE(p.status(QStringLiteral("u1")), QStringLiteral("online"));
        QCOMPARE(spy.count(), 1); // only the connection's "online"
    }

    void validStatusesAreTheFourNames()
    {
        for (const char *s : {"online", "away", "busy", "offline"})
            QVERIFY(PresenceManager::isValidStatus(QString::fromLatin1(s)));
        for (const char *s : {"Online", "idle", "", " away"})
            QVERIFY(!PresenceManager::isValidStatus(QString::fromLatin1(s)));
    }

    // A cluster: the user's connections on other nodes (setRemote) count for
    // status, isOnline, onlineUsers and connectionCount; presenceChanged tells
    // only changes of that union, localChanged every change of this node's.
    void otherNodesCountTowardsTheUnion()
    {
        PresenceManager p;
        const QString u = QStringLiteral("u1");
        QSignalSpy spy(&p, &PresenceManager::presenceChanged);
        QSignalSpy local(&p, &PresenceManager::localChanged);
        p.setRemote(u, QStringLiteral("online"), 2);
        QVERIFY(p.isOnline(u));
        QCOMPARE(p.onlineUsers(), QStringList{u});
        QCOMPARE(p.connectionCount(u), 2);
        QCOMPARE(p.localConnectionCount(u), 0);
        QCOMPARE(p.localStatus(u), QStringLiteral("offline"));
        QCOMPARE(local.count(), 0);
        p.connectionOpened(u); // online elsewhere already: no change to tell
        QCOMPARE(p.connectionCount(u), 3);
        QCOMPARE(p.remoteConnectionCount(u), 2);
        QCOMPARE(local.count(), 1);
        p.setRemote(u, QStringLiteral("offline"), 0); // gone elsewhere; still here
        p.connectionClosed(u);                        // and now gone everywhere
        QCOMPARE(changes(spy), (QList<QPair<QString, QString>>{{u, "online"}, {u, "offline"}}));
        QCOMPARE(local.count(), 2);
        QVERIFY(p.onlineUsers().isEmpty());
    }

    void aFirstLocalConnectionTakesTheStatusSetElsewhere()
    {
        PresenceManager p;
        const QString u = QStringLiteral("u1");
        p.setRemote(u, QStringLiteral("away"), 1);
        p.connectionOpened(u);
        QCOMPARE(p.localStatus(u), QStringLiteral("away"));
        QCOMPARE(p.status(u), QStringLiteral("away"));
        QSignalSpy spy(&p, &PresenceManager::presenceChanged);
        p.connectionClosed(u); // the other node still has the user, away
        QCOMPARE(spy.count(), 0);
        QCOMPARE(p.status(u), QStringLiteral("away"));
    }
};

QTEST_GUILESS_MAIN(PresenceManagerTest)
#include "tst_presencemanager.moc"
