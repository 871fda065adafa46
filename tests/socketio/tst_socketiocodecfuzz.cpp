#include "dialects/socketio/EngineIoCodec.h"
#include "dialects/socketio/SocketIoCodec.h"

#include <QRandomGenerator>
#include <QTest>

using namespace switchboard;

// Deterministic mutation fuzzing of both codecs. The properties checked on
// every input: decoding never crashes, a refusal always names an error, and
// whatever is accepted re-encodes to something that decodes to the same packet.
class TestSocketIoCodecFuzz : public QObject
{
    Q_OBJECT

    const QList<QByteArray> m_seeds = {
        "0{\"token\":\"good\"}",
        "0",
        "0/chat,{\"token\":\"t\"}",
        "0/random",
        "1",
        "1/chat,",
        "2[\"welcome\",\"hello\",42]",
        "20[\"question\",\"ping?\"]",
        "2/chat,7[\"sendMessage\",{\"content\":\"hi\",\"roomId\":\"r\"}]",
        "30[\"pong!\"]",
        "3/chat,12[{\"ok\":true}]",
        "4{\"message\":\"no\",\"data\":{\"a\":[1,2]}}",
        "4\"str\"",
        "51-1[\"blob\",{\"_placeholder\":true,\"num\":0}]",
        "62-/x,3[{\"_placeholder\":true,\"num\":1},[{\"_placeholder\":true,\"num\":0}]]",
        "2[\"m\",\"caf\xc3\xa9 \xf0\x9f\x91\x8d\",null,true,-1.5e3,{\"k\":[]}]",
    };

    QByteArray mutate(QByteArray s, QRandomGenerator &rng)
    {
        static const char interesting[] = "0123456789-/,[]{}\"\\:_ \x1e\x00\x80\xff\xc3\xe2";
        const int ops = 1 + int(rng.bounded(4));
        for (int k = 0; k < ops; ++k) {
            const int pos = s.isEmpty() ? 0 : int(rng.bounded(quint32(s.size())));
            switch (rng.bounded(6)) {
            case 0: // flip a bit
                if (!s.isEmpty()) s[pos] = char(s.at(pos) ^ (1 << rng.bounded(8)));
                break;
            case 1: // insert an interesting byte
                s.insert(pos, interesting[rng.bounded(int(sizeof(interesting) - 1))]);
                break;
            case 2: // delete a run
                s.remove(pos, int(rng.bounded(4)) + 1);
                break;
            case 3: // truncate
                s.truncate(pos);
                break;
            case 4: // duplicate a slice
                s.insert(pos, s.mid(pos, int(rng.bounded(8))));
                break;
            case 5: // random byte
                if (!s.isEmpty()) s[pos] = char(rng.bounded(256));
                break;
            }
        }
        return s;
    }

private Q_SLOTS:
    void mutatedSocketIoPacketsNeverCrashAndRoundTrip()
    {
        QRandomGenerator rng(0x5eed5101u);
        int accepted = 0, refused = 0;
        for (int iter = 0; iter < 200000; ++iter) {
            const QByteArray input = mutate(m_seeds.at(iter % m_seeds.size()), rng);
            const SocketIoCodec::Result r = SocketIoCodec::decode(input);
            if (!r.ok()) {
                ++refused;
                QVERIFY(!r.detail.isEmpty());
                continue;
            }
            ++accepted;
            const QByteArray again = SocketIoCodec::encode(r.packet);
            const SocketIoCodec::Result back = SocketIoCodec::decode(again);
            if (!back.ok() || back.packet != r.packet)
                QFAIL(qPrintable(QStringLiteral("round trip broke for input %1 -> %2")
                                     .arg(QString::fromLatin1(input.toPercentEncoding()),
                                          QString::fromLatin1(again.toPercentEncoding()))));
            QVERIFY(!again.contains('\x1e'));
        }
        // Both branches must be exercised, or the fuzzer proves nothing.
        QVERIFY(accepted > 1000);
        QVERIFY(refused > 1000);
    }

    void randomBytesNeverCrashEitherCodec()
    {
        QRandomGenerator rng(0xb17e5u);
        for (int iter = 0; iter < 50000; ++iter) {
            QByteArray input(int(rng.bounded(64)), Qt::Uninitialized);
            for (char &c : input) c = char(rng.bounded(256));
            if (!input.isEmpty() && rng.bounded(2)) input[0] = char('0' + rng.bounded(7));
            const SocketIoCodec::Result s = SocketIoCodec::decode(input);
            QVERIFY(s.ok() || s.error != SocketIoCodec::Error::None);
            const EngineIoCodec::PayloadResult e = EngineIoCodec::decodePayload(input);
            if (e.ok()) {
                QCOMPARE(EngineIoCodec::decodePayload(EngineIoCodec::encodePayload(e.packets)).packets, e.packets);
            }
        }
    }

    void mutatedPollingBodiesNeverCrashAndRoundTrip()
    {
        QRandomGenerator rng(0x901125u);
        int accepted = 0;
        for (int iter = 0; iter < 100000; ++iter) {
            QList<EngineIoPacket> packets;
            const int n = 1 + int(rng.bounded(4));
            for (int k = 0; k < n; ++k) {
                if (rng.bounded(4) == 0) {
                    packets << EngineIoPacket::binaryMessage(m_seeds.at(rng.bounded(m_seeds.size())));
                } else {
                    packets << EngineIoPacket::message(m_seeds.at(rng.bounded(m_seeds.size())));
                }
            }
            const QByteArray body = mutate(EngineIoCodec::encodePayload(packets), rng);
            const EngineIoCodec::PayloadResult r = EngineIoCodec::decodePayload(body);
            if (!r.ok()) {
                QVERIFY(r.packets.isEmpty());
                continue;
            }
            ++accepted;
            QCOMPARE(EngineIoCodec::decodePayload(EngineIoCodec::encodePayload(r.packets)).packets, r.packets);
            for (const EngineIoPacket &p : r.packets) {
                if (p.type == EngineIoPacket::Message && !p.binary)
                    (void)SocketIoCodec::decode(p.data); // must not crash
            }
        }
        QVERIFY(accepted > 1000);
    }
};

QTEST_APPLESS_MAIN(TestSocketIoCodecFuzz)
#include "tst_socketiocodecfuzz.moc"
