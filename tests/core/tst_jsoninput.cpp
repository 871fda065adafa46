// JsonInput: client JSON parsed as QJsonDocument parses it, except that
// escapes naming a lone surrogate read as U+FFFD (as a browser's WebSocket
// does to raw ones). The literals below are plain, not raw: written as raw
// strings, they made moc 6.4 skip this class ("No relevant classes found").
#include "JsonInput.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace switchboard;

class TestJsonInput : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void loneSurrogateEscapesReadAsReplacementCharacters_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QByteArray>("meant");
        QTest::addColumn<int>("firstAt");
        QTest::newRow("low alone") << QByteArray("[\"\\ude0d\"]") << QByteArray("[\"\\ufffd\"]") << 2;
        QTest::newRow("high at end of string") << QByteArray("[\"ab\\ud83d\"]") << QByteArray("[\"ab\\ufffd\"]") << 4;
        QTest::newRow("high then letter") << QByteArray("[\"\\ud83dx\"]") << QByteArray("[\"\\ufffdx\"]") << 2;
        QTest::newRow("high then a pair")
            << QByteArray("[\"\\ud83d\\ud83d\\ude0d\"]") << QByteArray("[\"\\ufffd\\ud83d\\ude0d\"]") << 2;
        QTest::newRow("high then other escape")
            << QByteArray("[\"\\ud83d\\n\"]") << QByteArray("[\"\\ufffd\\n\"]") << 2;
        QTest::newRow("low before high") << QByteArray("[\"\\ude0d\\ud83d\"]") << QByteArray("[\"\\ufffd\\ufffd\"]")
                                         << 2;
        QTest::newRow("in a key, after a pair") << QByteArray("{\"c\\ud83d\\ude0d\":1,\"c\\ude0d\":2}")
                                                << QByteArray("{\"c\\ud83d\\ude0d\":1,\"c\\ufffd\":2}") << 21;
        QTest::newRow("upper-case hex") << QByteArray("[\"\\uDFFF\"]") << QByteArray("[\"\\ufffd\"]") << 2;
        QTest::newRow("after an escaped backslash")
            << QByteArray("[\"\\\\\\ud800\"]") << QByteArray("[\"\\\\\\ufffd\"]") << 4;
        QTest::newRow("several, nested") << QByteArray("{\"a\":[\"\\udc00\",{\"\\udbff\":\"\\ud800\"}]}")
                                         << QByteArray("{\"a\":[\"\\ufffd\",{\"\\ufffd\":\"\\ufffd\"}]}") << 7;
    }

    void loneSurrogateEscapesReadAsReplacementCharacters()
    {
        QFETCH(QByteArray, json);
        QFETCH(QByteArray, meant);
        QFETCH(int, firstAt);
        QCOMPARE(JsonInput::loneSurrogateEscapeAt(json), qsizetype(firstAt));
        QCOMPARE(JsonInput::loneSurrogateEscapeAt(meant), qsizetype(-1));

        QJsonParseError error;
        const QJsonDocument doc = JsonInput::parse(json, &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(doc, QJsonDocument::fromJson(meant));
        // Qt alone keeps the surrogate: this is what JsonInput changes.
        QVERIFY(QJsonDocument::fromJson(json) != doc);
        // And the text survives the trip through UTF-8 unchanged from now on
        // (compared as maps: Qt 6.4 orders keys read from escapes differently).
        QCOMPARE(QJsonDocument::fromJson(doc.toJson(QJsonDocument::Compact)).toVariant(), doc.toVariant());
    }

    void keysLookUpAfterALoneSurrogate()
    {
        // The fuzzer's finding: with Qt alone, this object's first key could no
        // longer be found once written and read again (Qt 6.4 can still do that
        // to some valid objects: tests/fuzz/common/FuzzJson.h).
        const QJsonObject o =
            JsonInput::parse(QByteArray("{\"c\\ud83d\\ude0d\":\"a\",\"c\\ude0d\":\"b\"}"), nullptr).object();
        const QJsonObject again = JsonInput::parse(QJsonDocument(o).toJson(QJsonDocument::Compact), nullptr).object();
        for (const QJsonObject &obj : {o, again}) {
            QCOMPARE(obj.size(), 2);
            QCOMPARE(obj.value(QString::fromUtf8("c\xf0\x9f\x98\x8d")).toString(), QStringLiteral("a"));
            QCOMPARE(obj.value(QString::fromUtf16(u"c\uFFFD")).toString(), QStringLiteral("b"));
        }
    }

    void everythingElseParsesAsQtParsesIt_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("pair") << QByteArray("[\"\\ud83d\\ude0d\"]");
        QTest::newRow("pair, upper case") << QByteArray("[\"\\uD83D\\uDE0D\"]");
        QTest::newRow("raw UTF-8 emoji") << QByteArray("[\"\xf0\x9f\x98\x8d\"]");
        QTest::newRow("BMP escapes") << QByteArray("{\"\\u00e9\":\"\\ufffd\\ue000\\u0000\"}");
        QTest::newRow("escaped backslash, then text") << QByteArray("[\"\\\\ud800\"]");
        QTest::newRow("two escaped backslashes") << QByteArray("[\"\\\\\\\\ude0d\"]");
        QTest::newRow("quote escape") << QByteArray("[\"\\\"\\ud83d\\ude0d\\\"\"]");
        QTest::newRow("no escapes") << QByteArray("{\"a\":[1,2,{\"b\":null}]}");
    }

    void everythingElseParsesAsQtParsesIt()
    {
        QFETCH(QByteArray, json);
        QJsonParseError plain, error;
        const QJsonDocument expected = QJsonDocument::fromJson(json, &plain);
        QCOMPARE(plain.error, QJsonParseError::NoError);
        const QJsonDocument doc = JsonInput::parse(json, &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(doc, expected);
        QCOMPARE(JsonInput::loneSurrogateEscapeAt(json), qsizetype(-1));
    }

    void errorsComeThroughWithTheirOffsets_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("truncated escape") << QByteArray("[\"\\ud8");
        QTest::newRow("bad hex") << QByteArray("[\"\\uzzzz\"]");
        QTest::newRow("unterminated") << QByteArray("[\"\\ud83d");
        QTest::newRow("trailing garbage") << QByteArray("[1] x");
        QTest::newRow("garbage after a lone surrogate") << QByteArray("[\"\\udc00\"] x");
    }

    void errorsComeThroughWithTheirOffsets()
    {
        QFETCH(QByteArray, json);
        QJsonParseError plain, error;
        QJsonDocument::fromJson(json, &plain);
        QVERIFY(plain.error != QJsonParseError::NoError);
        QVERIFY(JsonInput::parse(json, &error).isNull());
        QCOMPARE(error.error, plain.error);
        QCOMPARE(error.offset, plain.offset);
    }
};

QTEST_GUILESS_MAIN(TestJsonInput)
#include "tst_jsoninput.moc"
