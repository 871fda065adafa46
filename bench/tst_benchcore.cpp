// The generator's pure parts: percentiles must be right and survive the trip
// between processes, and the dialect classifier must find deliveries, acks and
// their send times in real server frames, or every figure in the report is wrong.
#include "ChatProtocol.h"
#include "LatencyHistogram.h"
#include "MetricsScrape.h"
#include "GroupSpec.h"
#include "WorkerStats.h"
#include "WorkspaceLayout.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include <QtTest>

using namespace switchboard;

class tst_BenchCore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
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
        const std::string frame =
            R"({"data":{"channelId":"c1","content":"sb-bench:123456789:7:xxxx","id":"m"},"timestamp":"t","type":"new_message"})";
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
            {R"({"status":"online","type":"user_status","user_id":"u"})", K::Presence},
            {R"({"type":"typing_indicator","user_id":"u","channel_id":"c"})", K::Other},
        };
        for (const auto &[frame, kind] : cases)
            QCOMPARE(int(ChatProtocol::classify(ChatProtocol::Dialect::FlatJson, frame.data(), frame.size()).kind),
                     int(kind));
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

    void presenceFramesCarryUserAndStatus()
    {
        const std::string on = R"({"status":"online","type":"user_status","user_id":"u-1","timestamp":"t"})";
        auto in = ChatProtocol::classify(ChatProtocol::Dialect::FlatJson, on.data(), on.size());
        QCOMPARE(in.userId, std::string("u-1"));
        QVERIFY(in.online);
        const std::string off = R"({"type":"user_status","user_id":"u-2","status":"offline"})";
        in = ChatProtocol::classify(ChatProtocol::Dialect::FlatJson, off.data(), off.size());
        QCOMPARE(in.userId, std::string("u-2"));
        QVERIFY(!in.online);
        const std::string sio = R"(42["user_status",{"userId":"u-3","status":"offline"}])";
        in = ChatProtocol::classify(ChatProtocol::Dialect::SocketIo, sio.data(), sio.size());
        QCOMPARE(int(in.kind), int(ChatProtocol::Kind::Presence));
        QCOMPARE(in.userId, std::string("u-3"));
        QVERIFY(!in.online);
    }

    void messageIdComesFromTheMessageObject()
    {
        const std::string f = R"({"type":"new_message","data":{"id":"m-9","channelId":"c","user":{"id":"u"}}})";
        QCOMPARE(ChatProtocol::messageId(ChatProtocol::Dialect::FlatJson, f.data(), f.size()), std::string("m-9"));
        QVERIFY(
            ChatProtocol::readFrame(ChatProtocol::Dialect::SocketIo, "c", "m").empty()); // no read receipts in seed 001
        QVERIFY(ChatProtocol::reactionFrame(ChatProtocol::Dialect::FlatJson, "c", "", ":x:").empty());
    }

    void groupJoinsFollowMembershipOrFallBackToOneChannel()
    {
        GroupSpec g;
        g.tokens = {"a", "b"};
        g.channels = {"c0", "c1", "c2"};
        QCOMPARE(g.joinsOf(4), std::vector<int>{1}); // 4 % 3
        g.memberOf = {{0, 2}, {1}};
        QCOMPARE(g.joinsOf(2), (std::vector<int>{0, 2})); // connection 2 is user 0 (pool of 2)
        QCOMPARE(g.joinsOf(3), std::vector<int>{1});
        QCOMPARE(g.publishChannel(2), 0);
        QCOMPARE(g.connectionsPerUser(), uint64_t(1));
        g.connections = 5; // pooled: 5 connections over 2 users -> up to 3 each
        QCOMPARE(g.connectionsPerUser(), uint64_t(3));
    }

    void workspaceLayoutHasPowerLawSizesAndBoundedMemberships()
    {
        WorkspaceLayout::Params p;
        p.users = 10000;
        p.channels = 500;
        WorkspaceLayout l;
        std::string error;
        QVERIFY2(WorkspaceLayout::build(p, &l, &error), error.c_str());
        QCOMPARE(int(l.sizes.size()), 500);
        QCOMPARE(int(l.memberOf.size()), 10000);
        QCOMPARE(l.sizes[0], 10000); // #general holds everyone
        std::vector<int> counted(500, 0);
        int64_t memberships = 0;
        for (const auto &list : l.memberOf) {
            QVERIFY(list.size() >= 5 && list.size() <= 20);
            QCOMPARE(list.front(), 0);
            QCOMPARE(std::set<int>(list.begin(), list.end()).size(), list.size()); // no channel twice
            for (int c : list) ++counted[size_t(c)];
            memberships += int64_t(list.size());
        }
        int64_t sizeSum = 0;
        for (int c = 0; c < 500; ++c) {
            QCOMPARE(counted[size_t(c)], l.sizes[size_t(c)]); // sizes match the memberships
            sizeSum += l.sizes[size_t(c)];
            if (c > 0) QVERIFY(l.sizes[size_t(c)] >= 2 && l.sizes[size_t(c)] <= 5000);
        }
        QCOMPARE(sizeSum, memberships);
        // Power law: sizes fall with rank; the largest non-#general channel is far above the median.
        QVERIFY(std::is_sorted(l.sizes.begin() + 1, l.sizes.end(), std::greater<int>()));
        QVERIFY(l.sizes[1] > 10 * l.sizes[250]);
        // Deterministic for a seed.
        WorkspaceLayout again;
        QVERIFY(WorkspaceLayout::build(p, &again, &error));
        QCOMPARE(again.memberOf, l.memberOf);
    }

    void workspaceLayoutRejectsImpossibleParameters()
    {
        WorkspaceLayout::Params p;
        p.users = 100;
        p.channels = 4; // 5 channels per user cannot fit
        WorkspaceLayout l;
        std::string error;
        QVERIFY(!WorkspaceLayout::build(p, &l, &error));
        QVERIFY(!error.empty());
    }

    void workerStatsCarryPresenceAndWorkspaceCounters()
    {
        WorkerStats a, b;
        QVERIFY(a.parse("stats open=1 expect=40 typing=3 pon=5 plon=100 ploff=7 pev=9"));
        QVERIFY(b.parse("stats open=1 expect=2 typing=1 pon=-1 plon=50 ploff=70 pev=1"));
        WorkerStats t;
        t.add(a);
        t.add(b);
        QCOMPARE(t.expected, uint64_t(42));
        QCOMPARE(t.typing, uint64_t(4));
        QCOMPARE(t.presOnline, int64_t(4));
        QCOMPARE(t.presLastOnNs, int64_t(100)); // the latest of the workers
        QCOMPARE(t.presLastOffNs, int64_t(70));
        QCOMPARE(t.presEvents, uint64_t(10));
    }

    void histogramQuantilesOfAServerScrapeInterpolateInsideTheirBucket()
    {
        // As the server writes them: cumulative counts, keyed with their labels.
        MetricsScrape m;
        m.values["x_seconds_bucket{le=\"0.001\"}"] = 10;
        m.values["x_seconds_bucket{le=\"0.01\"}"] = 90;
        m.values["x_seconds_bucket{le=\"0.1\"}"] = 100;
        m.values["x_seconds_bucket{le=\"+Inf\"}"] = 100;
        m.values["x_seconds_count"] = 100;
        m.values["other_bucket{le=\"1\"}"] = 5;
        const auto b = m.buckets("x_seconds");
        QCOMPARE(b.size(), size_t(4));
        QCOMPARE(b.front().first, 0.001);
        QVERIFY(std::isinf(b.back().first));
        // Rank 50 is the 40th of 80 in (1 ms, 10 ms]: halfway.
        QCOMPARE(MetricsScrape::quantile(b, 0.5), 0.0055);
        // Rank 99 is the 9th of 10 in (10 ms, 100 ms].
        QVERIFY(qAbs(MetricsScrape::quantile(b, 0.99) - 0.091) < 1e-12);
        QCOMPARE(MetricsScrape::quantile(b, 0.05), 0.0005);
        // Observations past the last finite bound: only that bound is known.
        auto overflow = b;
        overflow.back().second = 200;
        QCOMPARE(MetricsScrape::quantile(overflow, 0.99), 0.1);
        QCOMPARE(MetricsScrape::quantile({}, 0.5), -1.0);
        QCOMPARE(MetricsScrape::quantile({{0.001, 0}, {std::numeric_limits<double>::infinity(), 0}}, 0.5), -1.0);
    }
};

QTEST_APPLESS_MAIN(tst_BenchCore)
#include "tst_benchcore.moc"
