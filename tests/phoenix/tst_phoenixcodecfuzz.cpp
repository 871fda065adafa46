#include "dialects/phoenix/PhoenixCodec.h"
#include "dialects/phoenix/PhoenixLongPollCodec.h"

#include <QJsonArray>
#include <QRandomGenerator>
#include <QTest>

using namespace switchboard;

// Deterministic fuzzing: fixed seeds so any failure reproduces exactly.
// The properties: no input crashes or hangs the codec, every accepted
// message satisfies the decoder's invariants, and every accepted message
// survives encode -> decode unchanged.
class TestPhoenixCodecFuzz : public QObject
{
    Q_OBJECT

private:
    static constexpr int kIterations = 20000;

    static QString randomString(QRandomGenerator &rng, int maxLen)
    {
        static const char32_t pool[] = {U'a', U'z', U'0', U':',   U'"',   U'\\',   U'/',     U'\n', U'\t', 0x1e,
                                        0x00, 0x7f, 0xe9, 0x20ac, 0xfffd, 0x1f44b, 0x10ffff, U' ',  U'{',  U'['};
        QString s;
        const int len = int(rng.bounded(maxLen + 1));
        for (int i = 0; i < len; ++i) {
            const char32_t cp = pool[rng.bounded(int(std::size(pool)))];
            s += QString::fromUcs4(&cp, 1);
        }
        return s;
    }

    static QJsonValue randomValue(QRandomGenerator &rng, int depth)
    {
        switch (rng.bounded(depth > 3 ? 5 : 7)) {
        case 0: return QJsonValue::Null;
        case 1: return rng.bounded(2) == 1;
        case 2: return double(qint64(rng.generate64() % (1ULL << 52)) - (1LL << 51));
        case 3: return rng.generateDouble() * 1000.0;
        case 4: return randomString(rng, 12);
        case 5: {
            QJsonArray a;
            for (int i = int(rng.bounded(4)); i > 0; --i) a.append(randomValue(rng, depth + 1));
            return a;
        }
        default: return randomObject(rng, depth + 1);
        }
    }

    static QJsonObject randomObject(QRandomGenerator &rng, int depth)
    {
        QJsonObject o;
        for (int i = int(rng.bounded(5)); i > 0; --i) o.insert(randomString(rng, 6), randomValue(rng, depth + 1));
        return o;
    }

    static std::optional<QString> randomRef(QRandomGenerator &rng)
    {
        if (rng.bounded(4) == 0) return std::nullopt;
        return QString::number(rng.bounded(100000));
    }

    static PhoenixMessage randomMessage(QRandomGenerator &rng)
    {
        PhoenixMessage m;
        m.joinRef = randomRef(rng);
        m.ref = randomRef(rng);
        do {
            m.topic = randomString(rng, 30);
        } while (m.topic.isEmpty());
        do {
            m.event = randomString(rng, 20);
        } while (m.event.isEmpty());
        m.payload = randomObject(rng, 0);
        return m;
    }

    static void checkInvariants(const PhoenixDecodeResult &r)
    {
        if (!r.ok()) {
            QVERIFY(!r.detail.isEmpty());
            return;
        }
        QVERIFY(!r.message.topic.isEmpty());
        QVERIFY(!r.message.event.isEmpty());
        QVERIFY(r.message.topic.toUtf8().size() <= 255);
        QVERIFY(r.message.event.toUtf8().size() <= 255);
    }

    static QByteArray mutate(QRandomGenerator &rng, QByteArray frame)
    {
        for (int n = int(rng.bounded(1, 4)); n > 0; --n) {
            const int op = int(rng.bounded(4));
            const qsizetype at = frame.isEmpty() ? 0 : qsizetype(rng.bounded(int(frame.size())));
            switch (op) {
            case 0:
                if (!frame.isEmpty()) frame[at] = char(rng.bounded(256));
                break;
            case 1: frame.insert(at, char(rng.bounded(256))); break;
            case 2:
                if (!frame.isEmpty()) frame.remove(at, 1);
                break;
            default: frame.truncate(at); break;
            }
        }
        return frame;
    }

private Q_SLOTS:
    void structuredMessagesSurviveTextRoundTrip()
    {
        QRandomGenerator rng(0x5eed0001);
        const PhoenixCodec v1(PhoenixSerializer::V1), v2(PhoenixSerializer::V2);
        for (int i = 0; i < kIterations / 4; ++i) {
            const PhoenixMessage m = randomMessage(rng);
            const auto r2 = v2.decodeText(v2.encodeText(m));
            QVERIFY2(r2.ok(), qPrintable(r2.detail));
            QCOMPARE(r2.message.joinRef, m.joinRef);
            QCOMPARE(r2.message.ref, m.ref);
            QCOMPARE(r2.message.topic, m.topic);
            QCOMPARE(r2.message.event, m.event);
            // Compare as maps: QJsonObject orders non-BMP keys differently
            // after parsing than after insert(), so == is order-sensitive.
            QCOMPARE(r2.message.payload.toVariantMap(), m.payload.toVariantMap());
            const auto r1 = v1.decodeText(v1.encodeText(m));
            QVERIFY2(r1.ok(), qPrintable(r1.detail));
            QCOMPARE(r1.message.ref, m.ref);
            QCOMPARE(r1.message.payload.toVariantMap(), m.payload.toVariantMap());
        }
    }

    void structuredBinaryFramesSurviveRoundTrip()
    {
        QRandomGenerator rng(0x5eed0002);
        const PhoenixCodec codec;
        for (int i = 0; i < kIterations / 4; ++i) {
            PhoenixMessage m = randomMessage(rng);
            // Binary headers cannot say "null" vs "", so only non-empty refs round trip.
            if (!m.joinRef) m.joinRef = "1";
            if (!m.ref) m.ref = "2";
            m.payload = {};
            QByteArray data(int(rng.bounded(64)), Qt::Uninitialized);
            for (char &c : data) c = char(rng.bounded(256));
            m.binary = data;
            const QByteArray frame = PhoenixCodec::encodeBinary(m, PhoenixCodec::Origin::Client);
            const auto r = codec.decodeBinary(frame, PhoenixCodec::Origin::Client);
            if (m.topic.toUtf8().size() > 255 || m.event.toUtf8().size() > 255) {
                QVERIFY(frame.isEmpty());
                continue;
            }
            QVERIFY2(r.ok(), qPrintable(r.detail));
            QCOMPARE(r.message.topic, m.topic);
            QCOMPARE(r.message.event, m.event);
            QCOMPARE(r.message.binary, m.binary);
        }
    }

    void randomBytesNeverCrashAnyDecoder()
    {
        QRandomGenerator rng(0x5eed0003);
        const PhoenixCodec v1(PhoenixSerializer::V1), v2(PhoenixSerializer::V2);
        int accepted = 0;
        for (int i = 0; i < kIterations; ++i) {
            QByteArray frame(int(rng.bounded(300)), Qt::Uninitialized);
            for (char &c : frame) c = char(rng.bounded(256));
            if (i % 3 == 0 && frame.size() > 30) {
                // Aim at real binary kinds with short ASCII header fields,
                // so the success path is exercised too.
                frame[0] = char(rng.bounded(3));
                for (int k = 1; k < 5; ++k) frame[k] = char(rng.bounded(6));
                for (int k = 5; k < 30; ++k) frame[k] = char(rng.bounded(0x21, 0x7f));
            }
            for (const PhoenixCodec *codec : {&v1, &v2}) {
                checkInvariants(codec->decodeText(frame));
                const auto c = codec->decodeBinary(frame, PhoenixCodec::Origin::Client);
                checkInvariants(c);
                accepted += c.ok();
                checkInvariants(codec->decodeBinary(frame, PhoenixCodec::Origin::Server));
            }
            const auto batch = PhoenixLongPollCodec::splitBatch(frame, i % 2 == 0);
            QVERIFY(batch.ok() || !batch.detail.isEmpty());
        }
        QVERIFY(accepted > 0); // the generator must reach the success path too
    }

    void mutatedValidFramesNeverCrash()
    {
        QRandomGenerator rng(0x5eed0004);
        const PhoenixCodec v1(PhoenixSerializer::V1), v2(PhoenixSerializer::V2);
        int accepted = 0, refused = 0;
        for (int i = 0; i < kIterations; ++i) {
            const PhoenixMessage m = randomMessage(rng);
            const PhoenixCodec &codec = (i % 2) ? v1 : v2;
            const QByteArray frame = mutate(rng, codec.encodeText(m));
            const auto r = codec.decodeText(frame);
            checkInvariants(r);
            if (r.ok()) {
                ++accepted;
                // Whatever the decoder accepts it must be able to re-encode identically.
                const auto again = codec.decodeText(codec.encodeText(r.message));
                QVERIFY(again.ok());
                QCOMPARE(again.message.payload.toVariantMap(), r.message.payload.toVariantMap());
                QCOMPARE(again.message.topic, r.message.topic);
            } else {
                ++refused;
            }
            PhoenixMessage b = m;
            b.joinRef = "1";
            b.ref = "2";
            b.binary = QByteArray("xyz");
            const QByteArray bin = mutate(rng, PhoenixCodec::encodeBinary(b, PhoenixCodec::Origin::Client));
            checkInvariants(v2.decodeBinary(bin, PhoenixCodec::Origin::Client));
        }
        QVERIFY(accepted > 0);
        QVERIFY(refused > 0);
    }
};

QTEST_APPLESS_MAIN(TestPhoenixCodecFuzz)
#include "tst_phoenixcodecfuzz.moc"
