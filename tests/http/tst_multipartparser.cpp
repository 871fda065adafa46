// multipart/form-data bodies as browsers and curl send them for uploads.

#include "http/MultipartParser.h"

#include <QTest>

using namespace switchboard;

namespace {

const QByteArray kType = "multipart/form-data; boundary=----SwitchboardBoundary7MA4YWxk";
const QByteArray kDelim = "------SwitchboardBoundary7MA4YWxk";

QByteArray part(const QByteArray &headers, const QByteArray &data)
{
    return kDelim + "\r\n" + headers + "\r\n\r\n" + data + "\r\n";
}

} // namespace

class MultipartParserTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fieldAndFilePartsAreParsed()
    {
        const QByteArray body =
            part("Content-Disposition: form-data; name=\"note\"", "just text")
            + part("Content-Disposition: form-data; name=\"file\"; filename=\"a b.png\"\r\nContent-Type: image/png",
                   "PNGDATA")
            + kDelim + "--\r\n";
        QList<MultipartParser::Part> parts;
        QString error;
        QVERIFY2(MultipartParser::parse(kType, body, &parts, &error), qPrintable(error));
        QCOMPARE(parts.size(), 2);
        QCOMPARE(parts[0].name, QStringLiteral("note"));
        QCOMPARE(parts[0].filename, QString());
        QCOMPARE(parts[0].data, QByteArray("just text"));
        QCOMPARE(parts[1].name, QStringLiteral("file"));
        QCOMPARE(parts[1].filename, QStringLiteral("a b.png"));
        QCOMPARE(parts[1].contentType, QByteArray("image/png"));
        QCOMPARE(parts[1].data, QByteArray("PNGDATA"));
    }

    void binaryDataWithCrlfAndDashesIsKeptExactly()
    {
        QByteArray data;
        for (int i = 0; i < 256; ++i) data.append(char(i));
        // The delimiter itself, but not after CRLF; CRLF and dashes, but not the delimiter.
        data += QByteArray("\r\n\r\n\r\n--\r\nx") + kDelim + "\r\n-" + kDelim + "x\r\n"
              + "\r\n----SwitchboardBoundary7MA4YWxk\r\n" + QByteArray(3, '\0') + "\r";
        const QByteArray body = part("Content-Disposition: form-data; name=\"file\"; filename=\"blob.bin\"\r\n"
                                     "Content-Type: application/octet-stream",
                                     data)
                              + kDelim + "--";
        QList<MultipartParser::Part> parts;
        QString error;
        QVERIFY2(MultipartParser::parse(kType, body, &parts, &error), qPrintable(error));
        QCOMPARE(parts.size(), 1);
        QCOMPARE(parts[0].data.size(), data.size());
        QCOMPARE(parts[0].data, data);
    }

    void emptyFileIsAPartWithNoData()
    {
        const QByteArray body = part("Content-Disposition: form-data; name=\"file\"; filename=\"empty.txt\"",
                                     QByteArray())
                              + kDelim + "--\r\n";
        QList<MultipartParser::Part> parts;
        QString error;
        QVERIFY2(MultipartParser::parse(kType, body, &parts, &error), qPrintable(error));
        QCOMPARE(parts.size(), 1);
        QCOMPARE(parts[0].filename, QStringLiteral("empty.txt"));
        QVERIFY(parts[0].data.isEmpty());
    }

    void preambleEpilogueAndHeaderCaseAreTolerated()
    {
        const QByteArray body =
            "This is the preamble.\r\n"
            + part("content-disposition: form-data; NAME=\"f\"; FileName=\"x.txt\"\r\ncontent-type: text/plain", "abc")
            + kDelim + "--\r\nThis is the epilogue.\r\n";
        QList<MultipartParser::Part> parts;
        QString error;
        QVERIFY2(MultipartParser::
                     parse("Multipart/Form-Data; charset=utf-8; boundary=\"----SwitchboardBoundary7MA4YWxk\"", body,
                           &parts, &error),
                 qPrintable(error));
        QCOMPARE(parts.size(), 1);
        QCOMPARE(parts[0].name, QStringLiteral("f"));
        QCOMPARE(parts[0].filename, QStringLiteral("x.txt"));
        QCOMPARE(parts[0].contentType, QByteArray("text/plain"));
        QCOMPARE(parts[0].data, QByteArray("abc"));
    }

    void missingBoundaryIsRefused_data()
    {
        QTest::addColumn<QByteArray>("contentType");
        QTest::newRow("no parameter") << QByteArray("multipart/form-data");
        QTest::newRow("empty") << QByteArray("multipart/form-data; boundary=");
        QTest::newRow("empty quoted") << QByteArray("multipart/form-data; boundary=\"\"");
        QTest::newRow("too long") << QByteArray("multipart/form-data; boundary=" + QByteArray(201, 'b'));
    }

    void missingBoundaryIsRefused()
    {
        QFETCH(QByteArray, contentType);
        QList<MultipartParser::Part> parts;
        QString error;
        QVERIFY(!MultipartParser::parse(contentType,
                                        part("Content-Disposition: form-data; name=\"f\"", "x") + kDelim + "--", &parts,
                                        &error));
        QVERIFY2(error.contains(QLatin1String("boundary")), qPrintable(error));
        QVERIFY(parts.isEmpty());
    }

    void otherContentTypesAreRefused()
    {
        QList<MultipartParser::Part> parts;
        QString error;
        QVERIFY(!MultipartParser::parse("application/json", "{}", &parts, &error));
        QVERIFY(error.contains(QLatin1String("multipart/form-data")));
        QVERIFY(!MultipartParser::parse(QByteArray(), QByteArray(), &parts, &error));
    }

    void boundaryAbsentFromTheBodyIsRefused()
    {
        QList<MultipartParser::Part> parts;
        QString error;
        QVERIFY(!MultipartParser::parse(kType, "--some-other-boundary\r\n\r\nx\r\n--some-other-boundary--", &parts,
                                        &error));
        QVERIFY2(error.contains(QLatin1String("not found")), qPrintable(error));
    }

    void unterminatedPartIsRefused()
    {
        QList<MultipartParser::Part> parts;
        QString error;
        const QByteArray body = kDelim
                              + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cut.bin\"\r\n\r\n"
                                "the upload stopped here";
        QVERIFY(!MultipartParser::parse(kType, body, &parts, &error));
        QVERIFY2(error.contains(QLatin1String("unterminated")), qPrintable(error));
    }

    void partWithoutHeaderEndIsRefused()
    {
        QList<MultipartParser::Part> parts;
        QString error;
        QVERIFY(!MultipartParser::parse(kType, kDelim + "\r\nContent-Disposition: form-data; name=\"f\"\r\n", &parts,
                                        &error));
        QVERIFY2(error.contains(QLatin1String("malformed")), qPrintable(error));
    }

    void garbageAfterADelimiterIsRefused()
    {
        QList<MultipartParser::Part> parts;
        QString error;
        const QByteArray body = part("Content-Disposition: form-data; name=\"f\"", "ok") + kDelim + "XX";
        QVERIFY(!MultipartParser::parse(kType, body, &parts, &error));
        QVERIFY2(error.contains(QLatin1String("delimiter")), qPrintable(error));
    }
};

QTEST_APPLESS_MAIN(MultipartParserTest)
#include "tst_multipartparser.moc"
