// The generator's pure parts: percentiles must be right and survive the trip
// between processes, and the dialect classifier must find deliveries, acks and
// their send times in real server frames, or every figure in the report is wrong.
#include "ChatProtocol.h"
#include "LatencyHistogram.h"
#include "WorkerStats.h"

#include <QtTest>

class tst_BenchCore : public QObject
{
    Q_OBJECT
private slots:
    void percentilesOfUniformValuesAreWithinResolution()
    {
        LatencyHistogram h;
        for (int us = 1; us <= 1000; ++us) h.record(int64_t(us) * 1000);
        QCOMPARE(h.count(), uint64_t(1000));
        QVERIFY(qAbs(h.percentile(0.50) - 500'000) <= 500'000 / 50);
        QVERIFY(qAbs(h.percentile(0.99) - 990'000) <= 990'000 / 50);
        QCOMPARE(h.max(), int64_t(1'000'000));
        QCOMPARE(h.percentile(1.0), int64_t(1'000'000));
    }

    void serializedHistogramKeepsCountsAndPercentiles()
    {
        LatencyHistogram a;
        for (int i = 0; i < 5000; ++i) a.record(int64_t(i) * 7919 % 50'000'000);
        LatencyHistogram b;
        QVERIFY(b.deserialize(a.serialize()));
        QCOMPARE(b.count(), a.count());
        QCOMPARE(b.max(), a.max());
        QCOMPARE(b.percentile(0.999), a.percentile(0.999));
        QVERIFY(!b.deserialize("max:1,nonsense"));
    }

    void mergedHistogramsAddUp()
    {
        LatencyHistogram a, b;
        for (int i = 0; i < 100; ++i) a.record(1000);
        for (int i = 0; i < 100; ++i) b.record(9'000'000);
        a.merge(b);
        QCOMPARE(a.count(), uint64_t(200));
        QVERIFY(a.percentile(0.25) < 2000);
        QVERIFY(a.percentile(0.75) > 8'000'000);
    }

    void flatJsonDeliveryCarriesSendTime()
    {
        const std::string frame = R"({"data":{"channelId":"c1","content":"sb-bench:123456789:7:xxxx","id":"m"},"timestamp":"t","type":"new_message"})";
        const auto in = ChatProtocol::classify(ChatProtocol::Dialect::FlatJson, frame.data(), frame.size());
        QCOMPARE(int(in.kind), int(ChatProtocol::Kind::Delivery));
        QCOMPARE(in.sentNs, int64_t(123456789));
    }

    void flatJsonControlFramesAreRecognised()
    {
        using K = ChatProtocol::Kind;
        const std::pair<std::string, K> cases[] = {
            {R"({"client_id":"3","data":{"content":"sb-bench:42:3:"},"type":"message_sent"})", K::Ack},
            {R"({"timestamp":"t","type":"connection_established","user_id":"u"})", K::Ready},
            {R"({"channel_id":"c","type":"channel_joined"})", K::Joined},
            {R"({"error_code":"rate_limited","type":"error"})", K::Error},
            {R"({"status":"online","type":"user_status","user_id":"u"})", K::Other},
        };
        for (const auto &[frame, kind] : cases)
            QCOMPARE(int(ChatProtocol::classify(ChatProtocol::Dialect::FlatJson, frame.data(), frame.size()).kind), int(kind));
    }

    void socketIoPacketsAreRecognised()
    {
        using K = ChatProtocol::Kind;
        const auto d = ChatProtocol::Dialect::SocketIo;
        const std::pair<std::string, K> cases[] = {
            {R"(0{"sid":"x","upgrades":[],"pingInterval":25000})", K::EngineOpen},
            {"2", K::Ping},
            {R"(40{"sid":"y"})", K::Ready},
            {R"(44{"message":"Authentication failed"})", K::Error},
            {R"(42["joined_channel",{"channelId":"c"}])", K::Joined},
            {R"(42["new_message",{"content":"sb-bench:99:1:"}])", K::Delivery},
            {R"(437[{"content":"sb-bench:98:7:"}])", K::Ack},
            {R"(42["authenticated",{}])", K::Other},
            {"1", K::Close},
        };
        for (const auto &[frame, kind] : cases)
            QCOMPARE(int(ChatProtocol::classify(d, frame.data(), frame.size()).kind), int(kind));
        const std::string delivery = R"(42["new_message",{"content":"sb-bench:99:1:"}])";
        QCOMPARE(ChatProtocol::classify(d, delivery.data(), delivery.size()).sentNs, int64_t(99));
    }

    void publishFramesCarryMarkerAndRequestedLength()
    {
        const std::string f = ChatProtocol::publishFrame(ChatProtocol::Dialect::FlatJson, "chan", 5, 777, 64);
        QCOMPARE(ChatProtocol::markerTime(f.data(), f.size()), int64_t(777));
        QVERIFY(f.find(std::string(64 - std::string("sb-bench:777:5:").size(), 'x')) != std::string::npos);
        const std::string s = ChatProtocol::publishFrame(ChatProtocol::Dialect::SocketIo, "chan", 12, 5, 32);
        QVERIFY(s.rfind("4212[\"send_message\",", 0) == 0); // ack id 12 = the sequence number
    }

    void workerStatsLineRoundTrips()
    {
        LatencyHistogram h;
        h.record(5000);
        const std::string line = "stats open=3 sent=10 acked=9 delivered=300 other=1 errors=0 closed=0 throttled=2 lat="
            + h.serialize() + " ack=" + h.serialize();
        WorkerStats s;
        QVERIFY(s.parse(line));
        QCOMPARE(s.delivered, uint64_t(300));
        QCOMPARE(s.throttled, uint64_t(2));
        QCOMPARE(s.latency.count(), uint64_t(1));
        WorkerStats total;
        total.add(s);
        total.add(s);
        QCOMPARE(total.sent, uint64_t(20));
        QCOMPARE(total.ackLatency.count(), uint64_t(2));
    }
};

QTEST_APPLESS_MAIN(tst_BenchCore)
#include "tst_benchcore.moc"
