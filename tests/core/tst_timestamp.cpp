// Timestamp::toIso formats without QDateTime on the common range; it must
// give exactly QDateTime's ISODateWithMs text everywhere.

#include "Timestamp.h"

#include <QRandomGenerator>
#include <QSet>
#include <QTest>

using namespace switchboard;

namespace {
QString viaQt(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}
}

class TestTimestamp : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void knownInstants()
    {
        QCOMPARE(Timestamp::toIso(0), QStringLiteral("1970-01-01T00:00:00.000Z"));
        QCOMPARE(Timestamp::toIso(1704623400000), QStringLiteral("2024-01-07T10:30:00.000Z"));
        QCOMPARE(Timestamp::toIso(951782400000 + 86399999), QStringLiteral("2000-02-29T23:59:59.999Z"));
        QCOMPARE(Timestamp::toIso(253402300799999), QStringLiteral("9999-12-31T23:59:59.999Z"));
    }

    void calendarEdgesMatchQDateTime()
    {
        // Around every leap day and year end from 1970 to 2400, and the fallback ranges.
        for (int year = 1970; year <= 2400; ++year) {
            for (const QDate d : {QDate(year, 1, 1), QDate(year, 2, 28), QDate(year, 3, 1), QDate(year, 12, 31)}) {
                const qint64 base = QDateTime(d, QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
                for (qint64 off : {qint64(-1), qint64(0), qint64(1), qint64(86399999), qint64(86400000)})
                    if (base + off >= 0) QCOMPARE(Timestamp::toIso(base + off), viaQt(base + off));
            }
        }
        for (qint64 ms : {qint64(-1), qint64(-86400001), qint64(253402300800000), qint64(253402300800001)})
            QCOMPARE(Timestamp::toIso(ms), viaQt(ms));
    }

    void randomInstantsMatchQDateTime()
    {
        QRandomGenerator rng(7);
        for (int i = 0; i < 100000; ++i) {
            const qint64 ms = qint64(rng.bounded(quint64(253402300800000)));
            QCOMPARE(Timestamp::toIso(ms), viaQt(ms));
        }
    }

    void appendIsoAppendsTheSameText()
    {
        QByteArray out("x");
        Timestamp::appendIso(out, 1704623400123);
        QCOMPARE(out, QByteArray("x2024-01-07T10:30:00.123Z"));
        out.clear();
        Timestamp::appendIso(out, -1);
        QCOMPARE(QString::fromLatin1(out), viaQt(-1));
    }

    void timeOrderedIdsAreVersion7UuidsCarryingTheirMillisecond()
    {
        const qint64 ms = 1704623400123;
        const QString id = Timestamp::newTimeOrderedId(ms);
        QVERIFY(Timestamp::isUuid(id));
        QCOMPARE(id.at(14), QLatin1Char('7')); // version nibble (Qt 6.4's QUuid::version() predates v7)
        QCOMPARE(QUuid::fromString(id).variant(), QUuid::DCE);
        QCOMPARE(id.left(8) + id.mid(9, 4), QStringLiteral("%1").arg(ms, 12, 16, QLatin1Char('0')));
    }

    void timeOrderedIdsSortByTimeAndDoNotRepeat()
    {
        QSet<QString> seen;
        QString previous;
        for (int i = 0; i < 5000; ++i) {
            const QString id = Timestamp::newTimeOrderedId(1704623400000 + i);
            QVERIFY(id > previous); // later milliseconds sort later as text
            QVERIFY(!seen.contains(id));
            seen.insert(id);
            previous = id;
        }
        // Within one millisecond the random part still keeps them apart.
        QSet<QString> sameMs;
        for (int i = 0; i < 5000; ++i) sameMs.insert(Timestamp::newTimeOrderedId(1704623400000));
        QCOMPARE(sameMs.size(), 5000);
    }
};

QTEST_APPLESS_MAIN(TestTimestamp)
#include "tst_timestamp.moc"
