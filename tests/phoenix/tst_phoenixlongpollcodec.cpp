#include "dialects/phoenix/PhoenixLongPollCodec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace switchboard;

class TestPhoenixLongPollCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void ndjsonBatchSplitsIntoFrames()
    {
        const QByteArray body = R"([null,"1","phoenix","heartbeat",{}])"
                                "\n"
                                R"(["2","2","channel:x","phx_join",{}])"
                                "\r\n";
        const auto r = PhoenixLongPollCodec::splitBatch(body, true);
        QVERIFY(r.ok());
        QCOMPARE(r.frames.size(), 2);
        QCOMPARE(r.frames.at(0).data, QByteArray(R"([null,"1","phoenix","heartbeat",{}])"));
        QCOMPARE(r.frames.at(1).data, QByteArray(R"(["2","2","channel:x","phx_join",{}])"));
        QVERIFY(!r.frames.at(0).binary);
    }

    void base64LinesAreBinaryFrames()
    {
        const QByteArray binary("\x00\x01\x01\x01\x01"
                                "12te\xff",
                                10);
        const QByteArray body = R"(["2","3","t","e",{}])"
                                "\n"
                              + binary.toBase64();
        const auto r = PhoenixLongPollCodec::splitBatch(body, true);
        QVERIFY(r.ok());
        QCOMPARE(r.frames.size(), 2);
        QVERIFY(r.frames.at(1).binary);
        QCOMPARE(r.frames.at(1).data, binary);
    }

    void lineThatIsNeitherJsonNorBase64IsRefused()
    {
        const auto r = PhoenixLongPollCodec::splitBatch("not base64 at all!", true);
        QCOMPARE(r.error, PhoenixDecodeError::InvalidBase64);
    }

    void oldClientsSingleFrameBodyIsOneFrameEvenWithNewlines()
    {
        const QByteArray body = "[null,\"1\",\"t\",\"e\",\n{}]";
        const auto r = PhoenixLongPollCodec::splitBatch(body, false);
        QVERIFY(r.ok());
        QCOMPARE(r.frames.size(), 1);
        QCOMPARE(r.frames.at(0).data, body);
    }

    void batchOverTheFrameLimitIsRefused()
    {
        QByteArray body;
        for (int i = 0; i < 101; ++i)
            body += R"([null,"1","phoenix","heartbeat",{}])"
                    "\n";
        QCOMPARE(PhoenixLongPollCodec::splitBatch(body, true).error, PhoenixDecodeError::FrameTooLarge);
        QVERIFY(PhoenixLongPollCodec::splitBatch(body, true, 101).ok());
    }

    void pollResponseCarriesFramesAsJsonStrings()
    {
        const QByteArray frame = R"([null,"16","phoenix","phx_reply",{"response":{},"status":"ok"}])";
        const QJsonObject o = QJsonDocument::fromJson(PhoenixLongPollCodec::pollResponse(200, "tok", {frame})).object();
        QCOMPARE(o.value("status").toInt(), 200);
        QCOMPARE(o.value("token").toString(), "tok");
        QCOMPARE(o.value("messages").toArray().size(), 1);
        QCOMPARE(o.value("messages").toArray().at(0).toString().toUtf8(), frame);
    }

    void openingResponseIs410WithTokenAndNoMessages()
    {
        const QJsonObject o = QJsonDocument::fromJson(PhoenixLongPollCodec::pollResponse(410, "abc")).object();
        QCOMPARE(o.value("status").toInt(), 410);
        QCOMPARE(o.value("token").toString(), "abc");
        QVERIFY(o.value("messages").toArray().isEmpty());
        QCOMPARE(PhoenixLongPollCodec::statusResponse(403), QByteArray(R"({"status":403})"));
    }
};

QTEST_APPLESS_MAIN(TestPhoenixLongPollCodec)
#include "tst_phoenixlongpollcodec.moc"
