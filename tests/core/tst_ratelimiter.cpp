// Token buckets with an injected clock: every figure here is exact, no sleeping.

#include "core/RateLimiter.h"

#include <QTest>

using namespace switchboard;

class RateLimiterTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void burstUpToTheLimitThenRefusalWithRetryAfter()
    {
        RateLimiter limiter;
        // Figures with exact binary fractions: 4 per 4096 ms is one token per 1024 ms.
        for (int i = 0; i < 4; ++i) QVERIFY(limiter.allow(QStringLiteral("k"), 4, 4096, 1000));
        qint64 retry = -1;
        QVERIFY(!limiter.allow(QStringLiteral("k"), 4, 4096, 1000, &retry));
        QCOMPARE(retry, qint64(1024));
    }

    void retryAfterShrinksAsTheBucketRefills()
    {
        RateLimiter limiter;
        for (int i = 0; i < 4; ++i) QVERIFY(limiter.allow(QStringLiteral("k"), 4, 4096, 0));
        qint64 retry = -1;
        QVERIFY(!limiter.allow(QStringLiteral("k"), 4, 4096, 768, &retry)); // 0.75 of a token back
        QCOMPARE(retry, qint64(256));
    }

    void refillAllowsOneMoreAfterItsShare()
    {
        RateLimiter limiter;
        // 2 per 1024 ms: one token every 512 ms.
        for (int i = 0; i < 2; ++i) QVERIFY(limiter.allow(QStringLiteral("k"), 2, 1024, 0));
        QVERIFY(!limiter.allow(QStringLiteral("k"), 2, 1024, 511));
        QVERIFY(limiter.allow(QStringLiteral("k"), 2, 1024, 512));
        QVERIFY(!limiter.allow(QStringLiteral("k"), 2, 1024, 512));
    }

    void refillIsCappedAtTheLimit()
    {
        RateLimiter limiter;
        QVERIFY(limiter.allow(QStringLiteral("k"), 3, 60000, 0));
        // An hour of silence buys a burst of 3, not 180.
        const qint64 later = 3600 * 1000;
        for (int i = 0; i < 3; ++i) QVERIFY(limiter.allow(QStringLiteral("k"), 3, 60000, later));
        QVERIFY(!limiter.allow(QStringLiteral("k"), 3, 60000, later));
    }

    void keysAreIndependent()
    {
        RateLimiter limiter;
        QVERIFY(limiter.allow(QStringLiteral("msg:alice:c1"), 1, 60000, 0));
        QVERIFY(!limiter.allow(QStringLiteral("msg:alice:c1"), 1, 60000, 0));
        QVERIFY(limiter.allow(QStringLiteral("msg:alice:c2"), 1, 60000, 0));
        QVERIFY(limiter.allow(QStringLiteral("msg:bob:c1"), 1, 60000, 0));
        QCOMPARE(limiter.size(), 3);
    }

    void zeroLimitOrWindowDisablesLimiting()
    {
        RateLimiter limiter;
        for (int i = 0; i < 1000; ++i) QVERIFY(limiter.allow(QStringLiteral("k"), 0, 60000, 0));
        for (int i = 0; i < 1000; ++i) QVERIFY(limiter.allow(QStringLiteral("w"), 5, 0, 0));
        QCOMPARE(limiter.size(), 0); // disabled limits keep no state
    }

    void pruneDropsOnlyBucketsThatAreFullAgain()
    {
        RateLimiter limiter;
        QVERIFY(limiter.allow(QStringLiteral("busy"), 2, 1024, 0)); // one token per 512 ms
        QVERIFY(limiter.allow(QStringLiteral("busy"), 2, 1024, 0));
        QVERIFY(limiter.allow(QStringLiteral("light"), 8, 1024, 0)); // one token per 128 ms
        QCOMPARE(limiter.size(), 2);
        limiter.prune(64); // light: 7.5 of 8, busy: 0.125 of 2
        QCOMPARE(limiter.size(), 2);
        limiter.prune(128); // light is full again
        QCOMPARE(limiter.size(), 1);
        QVERIFY(!limiter.allow(QStringLiteral("busy"), 2, 1024, 128)); // its state was kept
        limiter.prune(100000);
        QCOMPARE(limiter.size(), 0);
        // A pruned key starts again with a full bucket.
        QVERIFY(limiter.allow(QStringLiteral("busy"), 2, 1024, 100000));
        QVERIFY(limiter.allow(QStringLiteral("busy"), 2, 1024, 100000));
        QVERIFY(!limiter.allow(QStringLiteral("busy"), 2, 1024, 100000));
    }
};

QTEST_APPLESS_MAIN(RateLimiterTest)
#include "tst_ratelimiter.moc"
