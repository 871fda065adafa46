// JsonWriter must write exactly the bytes QJsonDocument::Compact writes, so
// switching a hot path to it changes no client-visible byte.

#include "core/JsonWriter.h"
#include "Timestamp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>

using namespace switchboard;

namespace {
QByteArray qtCompact(const QJsonArray &a)
{
    return QJsonDocument(a).toJson(QJsonDocument::Compact);
}
QByteArray qtCompact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QByteArray writerArrayOf(QStringView s)
{
    JsonWriter w;
    w.beginArray().string(s).endArray();
    return w.take();
}
} // namespace

class TestJsonWriter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyUtf16UnitIsEscapedLikeQt()
    {
        for (uint u = 0; u <= 0xffff; ++u) {
            // Alone, and inside ASCII runs at every alignment of the eight-unit fast path.
            const QString alone{QChar(char16_t(u))};
            const QString inside = QString(int(u % 11), QLatin1Char('a')) + alone + QString(9, QLatin1Char('b'));
            for (const QString &s : {alone, inside}) {
                const QByteArray expected = qtCompact(QJsonArray{s});
                const QByteArray got = writerArrayOf(s);
                if (got != expected)
                    QFAIL(
                        qPrintable(QStringLiteral("U+%1: %2 != %3")
                                       .arg(u, 4, 16, QLatin1Char('0'))
                                       .arg(QString::fromLatin1(got.toHex()), QString::fromLatin1(expected.toHex()))));
            }
        }
    }

    void surrogatePairsAndLoneSurrogatesMatchQt()
    {
        const QList<QString> cases{
            QString::fromUtf16(u"\U0001F600 smile"),
            QString::fromUtf16(u"a\xD83D"), // high surrogate at the end
            QString::fromUtf16(u"\xD83D"
                               "b"), // high surrogate before a normal unit
            QString::fromUtf16(u"\xDE00"
                               "c"),                   // lone low surrogate
            QString::fromUtf16(u"\xD83D\xD83D\xDE00"), // high, then a pair
            QString::fromUtf16(u"\xDBFF\xDFFF"),       // U+10FFFF
        };
        for (const QString &s : cases) QCOMPARE(writerArrayOf(s), qtCompact(QJsonArray{s}));
    }

    void randomStringsMatchQt()
    {
        QRandomGenerator rng(20240107);
        for (int i = 0; i < 2000; ++i) {
            QString s;
            const int n = int(rng.bounded(40));
            for (int k = 0; k < n; ++k) {
                // Mostly ASCII and control characters, some of every other range.
                const quint32 pick = rng.bounded(10);
                const char16_t u = pick < 6 ? char16_t(rng.bounded(0x80)) : char16_t(rng.bounded(0x10000));
                s.append(QChar(u));
            }
            QCOMPARE(writerArrayOf(s), qtCompact(QJsonArray{s}));
        }
    }

    void integersMatchQt()
    {
        for (qint64 n : {qint64(0), qint64(7), qint64(-1), qint64(1704623400000), std::numeric_limits<qint64>::max(),
                         std::numeric_limits<qint64>::min() + 1}) {
            JsonWriter w;
            w.beginArray().integer(n).endArray();
            QCOMPARE(w.take(), qtCompact(QJsonArray{n}));
        }
    }

    void anyJsonValueMatchesQt()
    {
        const QJsonDocument parsed = QJsonDocument::fromJson(
            R"([1, 2.5, -3, 1e300, "x", true, false, null, {"b":1,"a":[2]}, [], {}])");
        const QJsonArray values = parsed.array();
        QCOMPARE(values.size(), 11);
        JsonWriter w;
        w.beginArray();
        for (const QJsonValue &v : values) w.value(v);
        w.endArray();
        QCOMPARE(w.take(), qtCompact(values));
    }

    void outgrowingTheReservedBufferKeepsEveryByte()
    {
        JsonWriter w(1);
        QJsonArray expected;
        w.beginArray();
        for (int i = 0; i < 300; ++i) {
            const QString s = QString(i * 7, QChar(u'a' + i % 26)) + QChar(char16_t(0x20ac)) + QLatin1Char('"');
            w.string(s).integer(i).isoTime(qint64(i) * 86400000 * 31);
            expected.append(s);
            expected.append(i);
            expected.append(Timestamp::toIso(qint64(i) * 86400000 * 31));
        }
        w.endArray();
        QCOMPARE(w.take(), qtCompact(expected));
    }

    void nestedObjectsAndCommasMatchQt()
    {
        JsonWriter w;
        w.beginObject();
        w.key(QLatin1StringView("a")).beginArray().endArray();
        w.key(QLatin1StringView("b")).beginObject().endObject();
        w.key(QLatin1StringView("c"))
            .beginArray()
            .string(u"x")
            .integer(2)
            .null()
            .beginObject()
            .key(QLatin1StringView("k"))
            .boolean(true)
            .endObject()
            .endArray();
        w.key(QLatin1StringView("d")).nullableString(QString());
        w.key(QLatin1StringView("e")).nullableString(u"set");
        w.key(QLatin1StringView("f")).isoTime(1704623400123);
        w.endObject();
        const QJsonObject expected{{"a", QJsonArray()},
                                   {"b", QJsonObject()},
                                   {"c", QJsonArray{"x", 2, QJsonValue(), QJsonObject{{"k", true}}}},
                                   {"d", QJsonValue()},
                                   {"e", "set"},
                                   {"f", "2024-01-07T10:30:00.123Z"}};
        QCOMPARE(w.take(), qtCompact(expected));
    }
};

QTEST_APPLESS_MAIN(TestJsonWriter)
#include "tst_jsonwriter.moc"
