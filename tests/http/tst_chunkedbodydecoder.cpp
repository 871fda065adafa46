// The chunked request-body decoder on its own: bytes in, body and state out,
// fed whole and byte by byte (a socket may deliver any split).
#include "http/ChunkedBodyDecoder.h"

#include <QTest>

using namespace switchboard;

using State = ChunkedBodyDecoder::State;

namespace {
struct Result
{
    State state;
    QByteArray body;
    qsizetype used = 0;
    int status = 0;
};

// Feeds `in` in pieces of `step` bytes, keeping unconsumed bytes for the next call.
Result decode(const QByteArray &in, qsizetype step, qint64 max = 1 << 20)
{
    ChunkedBodyDecoder d(max);
    Result r;
    QByteArray held;
    for (qsizetype at = 0; at < in.size() && d.state() == State::NeedMore; at += step) {
        held += in.mid(at, step);
        const qsizetype used = d.feed(held.constData(), held.size(), &r.body);
        r.used += used;
        held.remove(0, used);
    }
    r.state = d.state();
    r.status = d.errorStatus();
    return r;
}
} // namespace

class ChunkedBodyDecoderTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void validBodies_data()
    {
        QTest::addColumn<QByteArray>("in");
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("two chunks") << QByteArray("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
                                    << QByteArray("hello world");
        QTest::newRow("empty body") << QByteArray("0\r\n\r\n") << QByteArray();
        QTest::newRow("upper-case hex") << QByteArray("A\r\n0123456789\r\n0\r\n\r\n") << QByteArray("0123456789");
        QTest::newRow("leading zeros") << QByteArray("0003\r\nabc\r\n0\r\n\r\n") << QByteArray("abc");
        QTest::newRow("extension") << QByteArray("3;name=value\r\nabc\r\n0;last\r\n\r\n") << QByteArray("abc");
        QTest::newRow("trailer") << QByteArray("3\r\nabc\r\n0\r\nX-Sum: 1\r\nX-Other: 2\r\n\r\n") << QByteArray("abc");
        QTest::newRow("bare LF lines") << QByteArray("3\nabc\n0\n\n") << QByteArray("abc");
        QTest::newRow("CRLF inside data") << QByteArray("4\r\n\r\n\r\n\r\n0\r\n\r\n") << QByteArray("\r\n\r\n");
    }

    void validBodies()
    {
        QFETCH(QByteArray, in);
        QFETCH(QByteArray, body);
        for (qsizetype step : {in.size(), qsizetype(1), qsizetype(2), qsizetype(7)}) {
            const Result r = decode(in + "GET / HTTP/1.1\r\n\r\n", step);
            QCOMPARE(r.state, State::Done);
            QCOMPARE(r.body, body);
            QCOMPARE(r.used, in.size()); // never past the body: a pipelined request follows
        }
    }

    void badBodies_data()
    {
        QTest::addColumn<QByteArray>("in");
        QTest::addColumn<int>("status");
        QTest::newRow("not hex") << QByteArray("g\r\n") << 400;
        QTest::newRow("empty size") << QByteArray("\r\nabc\r\n") << 400;
        QTest::newRow("negative") << QByteArray("-1\r\n") << 400;
        QTest::newRow("0x prefix") << QByteArray("0x5\r\nhello\r\n") << 400;
        QTest::newRow("space before CRLF") << QByteArray("5 \r\nhello\r\n") << 400;
        QTest::newRow("space before size") << QByteArray(" 5\r\nhello\r\n") << 400;
        QTest::newRow("overflowing size") << QByteArray("fffffffffffffffff\r\n") << 400;
        QTest::newRow("data longer than size") << QByteArray("3\r\nabcd\r\n0\r\n\r\n") << 400;
        QTest::newRow("missing CRLF after data") << QByteArray("3\r\nabc0\r\n\r\n") << 400;
        QTest::newRow("bare CR in a size line") << QByteArray("3\rx\r\nabc\r\n") << 400;
        QTest::newRow("size line too long")
            << QByteArray("1;") + QByteArray(ChunkedBodyDecoder::MaxLineBytes, 'x') << 400;
        QTest::newRow("over the body limit") << QByteArray("100001\r\n") << 413;
        QTest::newRow("over the limit in two chunks")
            << QByteArray("80000\r\n") + QByteArray(0x80000, 'a') + "\r\n80001\r\n"
            << 413;
        QTest::newRow("folded trailer") << QByteArray("0\r\nX-A: 1\r\n 2\r\n\r\n") << 400;
        QTest::newRow("trailer without colon") << QByteArray("0\r\nbogus\r\n\r\n") << 400;
    }

    void badBodies()
    {
        QFETCH(QByteArray, in);
        QFETCH(int, status);
        for (qsizetype step : {in.size(), qsizetype(1), qsizetype(3)}) {
            const Result r = decode(in, step);
            QCOMPARE(r.state, State::Error);
            QCOMPARE(r.status, status);
        }
    }

    void incompleteBodyNeedsMore()
    {
        const QByteArray in = "5\r\nhello\r\n0\r\n\r\n";
        for (qsizetype n = 0; n < in.size(); ++n) QCOMPARE(decode(in.left(n), 1).state, State::NeedMore);
    }
};

QTEST_APPLESS_MAIN(ChunkedBodyDecoderTest)
#include "tst_chunkedbodydecoder.moc"
