#include "auth/PasswordHasher.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QSet>
#include <QtTest>

using namespace switchboard;

// Cost::Minimum keeps the suite fast; one test runs the Interactive default for real.
class TestPasswordHasher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void hashVerifiesTheSamePassword();
    void wrongPasswordFails();
    void hashIsAnArgon2idPhcString();
    void samePasswordHashesDifferentlyEachTime();
    void unicodePasswordsMatchAcrossNormalisationForms();
    void garbageHashFailsWithoutCrash_data();
    void garbageHashFailsWithoutCrash();
    void hashDemandingHugeMemoryIsRefusedUnverified();
    void overlongPasswordIsRefused();
    void needsRehashWhenCostDiffers();
    void defaultInteractiveCostHashesAndVerifies();
    void customCostIsClampedIntoLibsodiumBounds();
    void randomSecretHasRequestedLengthAndNeverRepeats();
    void randomSecretRefusesSillySizes();
    void randomTokenIsUrlSafeWithoutPadding();

private:
    PasswordHasher m_fast{PasswordHasher::Cost::Minimum};
};

void TestPasswordHasher::initTestCase()
{
    QVERIFY(PasswordHasher::initialize());
}

void TestPasswordHasher::hashVerifiesTheSamePassword()
{
    for (const QString &password : {QStringLiteral("correct horse battery staple"), QStringLiteral("x"), QString(),
                                    QStringLiteral("p\u00e4ss w\u00f6rd \U0001F511")}) {
        const QString hash = m_fast.hash(password);
        QVERIFY(!hash.isEmpty());
        QVERIFY(m_fast.verify(hash, password));
    }
}

void TestPasswordHasher::wrongPasswordFails()
{
    const QString hash = m_fast.hash("correct horse battery staple");
    QVERIFY(!m_fast.verify(hash, "correct horse battery stapl"));
    QVERIFY(!m_fast.verify(hash, "Correct horse battery staple"));
    QVERIFY(!m_fast.verify(hash, "correct horse battery staple "));
    QVERIFY(!m_fast.verify(hash, QString()));
    QVERIFY(!m_fast.verify(m_fast.hash(QString()), "a"));
}

void TestPasswordHasher::hashIsAnArgon2idPhcString()
{
    const QString hash = m_fast.hash("secret");
    QVERIFY2(hash.startsWith("$argon2id$v=19$m=8,t=1,p=1$"), qPrintable(hash));
    QVERIFY(hash.size() < 128);
}

void TestPasswordHasher::samePasswordHashesDifferentlyEachTime()
{
    const QString a = m_fast.hash("same password");
    const QString b = m_fast.hash("same password");
    QVERIFY(a != b); // random salt
    QVERIFY(a.section('$', 4, 4) != b.section('$', 4, 4));
    QVERIFY(m_fast.verify(a, "same password"));
    QVERIFY(m_fast.verify(b, "same password"));
}

void TestPasswordHasher::unicodePasswordsMatchAcrossNormalisationForms()
{
    const QString composed = QString::fromUtf8("caf\u00e9");    // é as one code point
    const QString decomposed = QString::fromUtf8("cafe\u0301"); // e + combining acute
    QVERIFY(composed != decomposed);
    const QString hash = m_fast.hash(composed);
    QVERIFY(m_fast.verify(hash, decomposed));
    QVERIFY(!m_fast.verify(hash, "cafe"));
}

void TestPasswordHasher::garbageHashFailsWithoutCrash_data()
{
    QTest::addColumn<QString>("hash");
    QTest::addColumn<bool>("parametersReadable"); // then needsRehash judges the parameters
    const QString real = PasswordHasher(PasswordHasher::Cost::Minimum).hash("pw");
    QString tampered = real;
    tampered[tampered.size() - 2] = tampered.at(tampered.size() - 2) == 'A' ? 'B' : 'A';

    QTest::newRow("empty") << QString() << false;
    QTest::newRow("one char") << QString("x") << false;
    QTest::newRow("prefix only") << QString("$argon2id$") << false;
    QTest::newRow("no hash part") << QString("$argon2id$v=19$m=8,t=1,p=1$") << false;
    QTest::newRow("truncated") << real.left(real.size() - 5) << false;
    QTest::newRow("tampered hash bytes") << tampered << true;
    QTest::newRow("wrong version") << QString(real).replace("v=19", "v=16") << false;
    QTest::newRow("zero passes") << QString(real).replace("t=1", "t=0") << false;
    QTest::newRow("zero lanes") << QString(real).replace("p=1", "p=0") << false;
    QTest::newRow("negative memory") << QString(real).replace("m=8", "m=-8") << false;
    QTest::newRow("overflowing memory") << QString(real).replace("m=8", "m=99999999999999999999") << false;
    QTest::newRow("trailing space") << QString(real + ' ') << false;
    QTest::newRow("embedded NUL") << QString(real).insert(12, QChar(0)) << false;
    QTest::newRow("non-ASCII") << QString(real).replace("argon2id", QString::fromUtf8("argon2\u00efd")) << false;
    QTest::newRow("too long") << QString(real + QString(200, 'A')) << false;
    QTest::newRow("bcrypt") << QString("$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy") << false;
    QTest::newRow("scrypt") << QString("$7$C6..../....SodiumChloride$kBGj9fHznVYFQMEn/qDCfrDevf9YDtcDdKvEqHJLV8D")
                            << false;
    QTest::newRow("plain text") << QString("pw") << false;
}

void TestPasswordHasher::garbageHashFailsWithoutCrash()
{
    QFETCH(QString, hash);
    QFETCH(bool, parametersReadable);
    QVERIFY(!m_fast.verify(hash, "pw"));
    QCOMPARE(m_fast.needsRehash(hash), !parametersReadable);
}

void TestPasswordHasher::hashDemandingHugeMemoryIsRefusedUnverified()
{
    // 4 TiB and 2^32-1 passes: libsodium would try to honour these (and the
    // run would hang into ctest's timeout instead of answering at once).
    const QString real = m_fast.hash("pw");
    QVERIFY(!m_fast.verify(QString(real).replace("m=8", "m=4294967295"), "pw"));
    QVERIFY(!m_fast.verify(QString(real).replace("t=1", "t=4294967295"), "pw"));
    // The same hash with its real parameters verifies, so the cost guard alone refused them.
    QVERIFY(m_fast.verify(real, "pw"));
}

void TestPasswordHasher::overlongPasswordIsRefused()
{
    const QString limit(PasswordHasher::MaxPasswordBytes, 'a');
    const QString hash = m_fast.hash(limit);
    QVERIFY(!hash.isEmpty());
    QVERIFY(m_fast.verify(hash, limit));
    QVERIFY(m_fast.hash(limit + 'a').isEmpty());
    QVERIFY(!m_fast.verify(hash, limit + 'a'));
    // The cap counts UTF-8 bytes, not characters.
    QVERIFY(m_fast.hash(QString(PasswordHasher::MaxPasswordBytes / 2 + 1, QChar(0x00e9))).isEmpty());
}

void TestPasswordHasher::needsRehashWhenCostDiffers()
{
    const PasswordHasher interactive(PasswordHasher::Cost::Interactive);
    const QString cheap = m_fast.hash("pw");
    QVERIFY(!m_fast.needsRehash(cheap));
    QVERIFY(interactive.needsRehash(cheap));
    // An old cheap hash still verifies under the stronger hasher, so the login can
    // succeed and then rehash.
    QVERIFY(interactive.verify(cheap, "pw"));
}

void TestPasswordHasher::defaultInteractiveCostHashesAndVerifies()
{
    const PasswordHasher hasher;
    QCOMPARE(hasher.limits().memLimit, PasswordHasher::limitsFor(PasswordHasher::Cost::Interactive).memLimit);
    QElapsedTimer timer;
    timer.start();
    const QString hash = hasher.hash("correct horse battery staple");
    const qint64 hashMs = timer.restart();
    QVERIFY(hash.startsWith("$argon2id$v=19$m=65536,t=2,p=1$"));
    QVERIFY(hasher.verify(hash, "correct horse battery staple"));
    QVERIFY(!hasher.verify(hash, "wrong"));
    QVERIFY(!hasher.needsRehash(hash));
    qInfo() << "interactive argon2id hash took" << hashMs << "ms";
}

void TestPasswordHasher::customCostIsClampedIntoLibsodiumBounds()
{
    const PasswordHasher tiny(0, 0);
    QCOMPARE(tiny.limits().opsLimit, PasswordHasher::limitsFor(PasswordHasher::Cost::Minimum).opsLimit);
    QCOMPARE(tiny.limits().memLimit, PasswordHasher::limitsFor(PasswordHasher::Cost::Minimum).memLimit);
    const QString hash = tiny.hash("pw");
    QVERIFY(tiny.verify(hash, "pw"));

    const PasswordHasher custom(3, 16 * 1024);
    QVERIFY(custom.hash("pw").startsWith("$argon2id$v=19$m=16,t=3,p=1$"));
}

void TestPasswordHasher::randomSecretHasRequestedLengthAndNeverRepeats()
{
    QSet<QByteArray> seen;
    for (int i = 0; i < 100; ++i) {
        const QByteArray secret = PasswordHasher::randomSecret(32);
        QCOMPARE(secret.size(), 32);
        seen.insert(secret);
    }
    QCOMPARE(seen.size(), 100);
    QCOMPARE(PasswordHasher::randomSecret(1).size(), 1);
    QCOMPARE(PasswordHasher::randomSecret(4096).size(), 4096);
    // Not all zero (what an uninitialised buffer would likely give).
    QVERIFY(PasswordHasher::randomSecret(64) != QByteArray(64, '\0'));
}

void TestPasswordHasher::randomSecretRefusesSillySizes()
{
    QVERIFY(PasswordHasher::randomSecret(0).isEmpty());
    QVERIFY(PasswordHasher::randomSecret(-1).isEmpty());
    QVERIFY(PasswordHasher::randomSecret(1024 * 1024 + 1).isEmpty());
    QVERIFY(PasswordHasher::randomToken(0).isEmpty());
}

void TestPasswordHasher::randomTokenIsUrlSafeWithoutPadding()
{
    static const QRegularExpression urlSafe(QStringLiteral("^[A-Za-z0-9_-]+$"));
    QSet<QString> seen;
    for (int i = 0; i < 200; ++i) {
        const QString token = PasswordHasher::randomToken(32);
        QCOMPARE(token.size(), 43); // ceil(32 * 4 / 3), no '='
        QVERIFY2(urlSafe.match(token).hasMatch(), qPrintable(token));
        seen.insert(token);
    }
    QCOMPARE(seen.size(), 200);
    QCOMPARE(PasswordHasher::randomToken(3).size(), 4);
    QCOMPARE(PasswordHasher::randomToken(1).size(), 2);
}

QTEST_APPLESS_MAIN(TestPasswordHasher)
#include "tst_passwordhasher.moc"
