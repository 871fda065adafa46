#include "transport/TimerJitter.h"

#include <QTest>

#include <limits>
#include <set>

using namespace switchboard;

// Per-connection deadlines are spread, each only in the direction its
// protocol allows: earlier() never later than asked, later() never earlier.
class TestTimerJitter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void earlierStaysWithinTheWindowAndSpreads()
    {
        std::set<int> seen;
        for (int i = 0; i < 5000; ++i) {
            const int d = TimerJitter::earlier(25000, 0.1);
            QVERIFY2(d <= 25000 && d >= 22500, qPrintable(QString::number(d)));
            seen.insert(d);
        }
        QVERIFY2(seen.size() > 500, qPrintable(QString::number(seen.size())));
    }

    void earlierInStepsUsesOnlyThatManyValuesAndBothEnds()
    {
        std::set<int> seen;
        for (int i = 0; i < 5000; ++i) seen.insert(TimerJitter::earlier(10000, 0.1, 32));
        QCOMPARE(int(seen.size()), 32);
        QCOMPARE(*seen.begin(), 9000);
        QCOMPARE(*seen.rbegin(), 10000);
    }

    void earlierNeverReachesZero()
    {
        for (int ms : {1, 2, 3, 10}) {
            for (int i = 0; i < 200; ++i) {
                const int d = TimerJitter::earlier(ms, 1.0, i % 2 ? 0 : 4);
                QVERIFY2(d >= 1 && d <= ms, qPrintable(QStringLiteral("%1 -> %2").arg(ms).arg(d)));
            }
        }
    }

    void laterIsNeverEarlierAndSpreads()
    {
        std::set<int> seen;
        for (int i = 0; i < 5000; ++i) {
            const int d = TimerJitter::later(60000, 0.1);
            QVERIFY2(d >= 60000 && d <= 66000, qPrintable(QString::number(d)));
            seen.insert(d);
        }
        QVERIFY2(seen.size() > 500, qPrintable(QString::number(seen.size())));
        QCOMPARE(TimerJitter::later(0, 0.1), 0); // "no timeout" stays so
    }
};

QTEST_GUILESS_MAIN(TestTimerJitter)
#include "tst_timerjitter.moc"
