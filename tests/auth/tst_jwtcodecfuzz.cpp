#include "auth/JwtCodec.h"

#include <QRandomGenerator>

#include <cctype>
#include <QSet>
#include <QtTest>

using namespace switchboard;

// Deterministic mutation fuzzing of JwtCodec::verify(). Every mutant differs from a valid
// token by at least one byte; none may verify, and none may crash (run this under the asan
// preset to also catch memory errors).
namespace {

const QByteArray Secret = QByteArrayLiteral("fuzz-secret-0123456789abcdef0123456789");
constexpr qint64 Now = 1700000000;
constexpr quint32 Seed = 0x5b0a4d; // fixed: a failure must reproduce
constexpr int Mutants = 20000;
constexpr int RandomTokens = 5000;

const QByteArray Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const QByteArray Specials = QByteArray("=.+/ \n\0\xff{}\"", 11);

int pick(QRandomGenerator &rng, qsizetype n)
{
    return int(rng.bounded(quint32(n)));
}

QByteArray mutate(const QByteArray &token, QRandomGenerator &rng)
{
    QByteArray m = token;
    const int kind = int(rng.bounded(10));
    const int pos = pick(rng, m.size());
    switch (kind) {
    case 0: // flip one bit anywhere
        m[pos] = char(m.at(pos) ^ (1 << rng.bounded(8)));
        break;
    case 1: // replace with another base64url character: stays well-formed
        m[pos] = Alphabet.at(pick(rng, Alphabet.size()));
        break;
    case 2: // insert a character
        m.insert(pos, Alphabet.at(pick(rng, Alphabet.size())));
        break;
    case 3: // delete a run
        m.remove(pos, 1 + int(rng.bounded(4)));
        break;
    case 4: // insert a structural or hostile byte
        m.insert(pos, Specials.at(pick(rng, Specials.size())));
        break;
    case 5: // truncate
        m.truncate(pos);
        break;
    case 6: { // swap two segments
        QByteArrayList parts = m.split('.');
        if (parts.size() == 3) {
            const int a = int(rng.bounded(3));
            const int b = (a + 1 + int(rng.bounded(2))) % 3;
            parts.swapItemsAt(a, b);
        }
        m = parts.join('.');
        break;
    }
    case 7: // change the case of one letter
        if (std::isalpha(static_cast<unsigned char>(m.at(pos))))
            m[pos] = char(m.at(pos) ^ 0x20);
        else
            m[pos] = 'x';
        break;
    case 8: { // rewrite the last character of a segment: its unused low bits are where
              // lenient base64 decoders let two spellings mean the same bytes
        QByteArrayList parts = m.split('.');
        QByteArray &segment = parts[pick(rng, parts.size())];
        if (!segment.isEmpty()) segment.back() = Alphabet.at(pick(rng, Alphabet.size()));
        m = parts.join('.');
        break;
    }
    default: { // several mutations stacked
        for (int i = 0; i < 3; ++i) {
            const int p = pick(rng, m.size());
            m[p] = Alphabet.at(pick(rng, Alphabet.size()));
        }
        break;
    }
    }
    return m;
}

} // namespace

class TestJwtCodecFuzz : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void mutatedValidTokensNeverVerify();
    void randomTokensNeverVerify();
};

void TestJwtCodecFuzz::mutatedValidTokensNeverVerify()
{
    const JwtCodec codec(Secret);
    QRandomGenerator rng(Seed);
    const QList<QByteArray> originals = {
        codec.issue("9f0c7f7e-0000-4000-8000-000000000001", "Ann", 3600, Now),
        codec.issue("u", QString(), 60, Now),                                     // short claims
        codec.issue("user-2", QString::fromUtf8("Zoë 🚀 \"quoted\""), 86400, Now), // escapes
    };
    for (const QByteArray &token : originals) QVERIFY(codec.verify(token, Now).ok);

    QHash<QString, int> seen;
    int tested = 0;
    for (int i = 0; i < Mutants; ++i) {
        const QByteArray &original = originals.at(i % originals.size());
        const QByteArray mutant = mutate(original, rng);
        if (mutant == original) continue; // e.g. a case flip of a digit replaced by the same 'x'
        ++tested;
        const JwtCodec::Result result = codec.verify(mutant, Now);
        if (result.ok)
            QFAIL(qPrintable(
                QStringLiteral("mutant %1 verified: %2").arg(i).arg(QString::fromLatin1(mutant.toPercentEncoding()))));
        QVERIFY(result.claims.isEmpty());
        ++seen[result.errorCode()];
    }
    qInfo() << "mutants tested:" << tested << "outcomes:" << seen;
    QVERIFY(tested > Mutants * 9 / 10);
    // The mutations must reach both the parser and the MAC check, or the fuzzing is shallow.
    QVERIFY(seen.value("malformed") > 100);
    QVERIFY(seen.value("bad_signature") > 100);
}

void TestJwtCodecFuzz::randomTokensNeverVerify()
{
    const JwtCodec codec(Secret);
    QRandomGenerator rng(Seed + 1);
    int wellFormedShape = 0;
    for (int i = 0; i < RandomTokens; ++i) {
        QByteArray token;
        const int length = int(rng.bounded(400));
        if (i % 2 == 0) { // arbitrary bytes
            token.resize(length);
            for (char &c : token) c = char(rng.bounded(256));
        } else { // three base64url-ish segments: gets past the shape checks more often
            for (int s = 0; s < 3; ++s) {
                if (s) token += '.';
                const int segmentLength = int(rng.bounded(80));
                for (int k = 0; k < segmentLength; ++k) token += Alphabet.at(pick(rng, Alphabet.size()));
            }
            ++wellFormedShape;
        }
        const JwtCodec::Result result = codec.verify(token, Now);
        QVERIFY(!result.ok);
        QVERIFY(result.error != JwtCodec::Error::None);
    }
    QCOMPARE(wellFormedShape, RandomTokens / 2);
}

QTEST_APPLESS_MAIN(TestJwtCodecFuzz)
#include "tst_jwtcodecfuzz.moc"
