#include "core/TokenRevocations.h"

#include <QtTest>

using namespace switchboard;

// The in-memory revocation list: digests, expiry, pruning.
class TestTokenRevocations : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void digestIsHexSha256OfTheToken()
    {
        QCOMPARE(TokenRevocations::digest("abc"),
                 QByteArrayLiteral("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        QVERIFY(TokenRevocations::digest("a.b.c") != TokenRevocations::digest("a.b.d"));
    }

    void revokedUntilExpiry()
    {
        TokenRevocations list;
        const QByteArray d = TokenRevocations::digest("token");
        QVERIFY(!list.isRevoked(d, 100));
        list.revoke(d, 200);
        QVERIFY(list.isRevoked(d, 100));
        QVERIFY(list.isRevoked(d, 199));
        // At exp the token is refused as expired anyway: the entry has done its work.
        QVERIFY(!list.isRevoked(d, 200));
        QVERIFY(!list.isRevoked(TokenRevocations::digest("other"), 100));
    }

    void withoutExpiryRevokedForever()
    {
        TokenRevocations list;
        list.revoke("d", 0);
        QVERIFY(list.isRevoked("d", std::numeric_limits<qint64>::max() - 1));
        QCOMPARE(list.prune(std::numeric_limits<qint64>::max() - 1), 0);
    }

    void pruneDropsOnlyExpiredEntries()
    {
        TokenRevocations list;
        list.revoke("a", 100);
        list.revoke("b", 300);
        list.revoke("c", 200);
        QCOMPARE(list.prune(200), 2);
        QCOMPARE(list.size(), 1);
        QVERIFY(list.isRevoked("b", 200));
    }

    void loadReplacesTheList()
    {
        TokenRevocations list;
        list.revoke("old", 500);
        list.load({{"x", 400}});
        QVERIFY(!list.isRevoked("old", 100));
        QVERIFY(list.isRevoked("x", 100));
    }
};

QTEST_APPLESS_MAIN(TestTokenRevocations)
#include "tst_tokenrevocations.moc"
