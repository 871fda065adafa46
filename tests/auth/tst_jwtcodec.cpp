#include "auth/JwtCodec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QtTest>

using namespace switchboard;

// Tokens are crafted here independently of JwtCodec (Qt's own HMAC, hand-written JSON), so
// each test isolates one check: everything else about the token is valid.
namespace {

const QByteArray Secret = QByteArrayLiteral("switchboard-test-secret-0123456789abcdef");
constexpr qint64 Now = 1700000000;

QByteArray b64(const QByteArray &raw)
{
    return raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray fromB64(const QByteArray &text)
{
    return QByteArray::fromBase64(text, QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray hs256(const QByteArray &key, const QByteArray &data)
{
    return QMessageAuthenticationCode::hash(data, key, QCryptographicHash::Sha256);
}

// Signs the two segments as given, whatever they contain.
QByteArray craftSegments(const QByteArray &headerSegment, const QByteArray &payloadSegment,
                         const QByteArray &key = Secret)
{
    const QByteArray input = headerSegment + '.' + payloadSegment;
    return input + '.' + b64(hs256(key, input));
}

QByteArray craft(const QByteArray &headerJson, const QByteArray &payloadJson, const QByteArray &key = Secret)
{
    return craftSegments(b64(headerJson), b64(payloadJson), key);
}

const QByteArray StdHeader = QByteArrayLiteral(R"({"alg":"HS256","typ":"JWT"})");

QByteArray claimsJson(const QJsonObject &claims)
{
    return QJsonDocument(claims).toJson(QJsonDocument::Compact);
}

QJsonObject goodClaims()
{
    return QJsonObject{{"sub", "user-1"}, {"name", "Ann"}, {"iat", Now}, {"exp", Now + 3600}};
}

QByteArrayList segments(const QByteArray &token)
{
    return token.split('.');
}

JwtCodec::Result check(const QByteArray &token, qint64 now = Now)
{
    return JwtCodec(Secret).verify(token, now);
}

} // namespace

// Readable QCOMPARE failures for the enum.
char *toString(JwtCodec::Error error)
{
    return qstrdup(qPrintable(JwtCodec::errorCode(error)));
}

class TestJwtCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void signedClaimsRoundTrip();
    void issueProducesContractClaimsAndHeader();
    void issueRefusesEmptySubjectAndNonPositiveTtl();
    void tokenFromAnotherHmacImplementationVerifies();
    void jwtIoExampleSignatureVerifies();
    void rfc7515ExampleVerifiesWithKeyFromSpec();
    void tamperedPayloadIsRejected();
    void tamperedSignatureIsRejected();
    void nonCanonicalSignatureSpellingIsRejected();
    void wrongSecretIsRejected();
    void emptySecretNeitherSignsNorVerifies();
    void algNoneIsRejected_data();
    void algNoneIsRejected();
    void otherAlgorithmsAreRejected_data();
    void otherAlgorithmsAreRejected();
    void typOtherThanJwtIsRejected_data();
    void typOtherThanJwtIsRejected();
    void critHeaderIsRejected();
    void expiredTokenIsRejected();
    void leewayForgivesSmallClockSkewOnly();
    void notBeforeInTheFutureIsRejected();
    void missingExpiryIsRejectedByDefault();
    void missingExpiryIsAcceptedWhenAllowed();
    void nonNumericTimeClaimsAreRejected_data();
    void nonNumericTimeClaimsAreRejected();
    void missingOrEmptySubjectIsRejected_data();
    void missingOrEmptySubjectIsRejected();
    void garbageInputIsRejected_data();
    void garbageInputIsRejected();
    void oversizedTokenIsRejectedBeforeParsing();
    void signRefusesTokensVerifyWouldRefuse();
    void failedVerificationCarriesNoClaims();
    void errorCodesAreStableSnakeCase();
    void rotationAcceptsPreviousKeysAndSignsWithCurrent();
    void tokenWithoutKidTriesCurrentThenPrevious();
    void unknownKidIsRejected_data();
    void unknownKidIsRejected();
    void tamperedKidIsRejected();
    void droppedPreviousKeyNoLongerVerifies();
};

void TestJwtCodec::signedClaimsRoundTrip()
{
    const JwtCodec codec(Secret);
    QJsonObject claims = goodClaims();
    claims.insert("workspace", QJsonArray{1, 2, 3});
    claims.insert("unicode", QString::fromUtf8("Zoë 🚀"));
    const QByteArray token = codec.sign(claims);
    QVERIFY(!token.isEmpty());

    const JwtCodec::Result result = codec.verify(token, Now);
    QVERIFY(result.ok);
    QCOMPARE(result.error, JwtCodec::Error::None);
    QCOMPARE(result.errorCode(), QStringLiteral("ok"));
    QCOMPARE(result.claims, claims);
    QCOMPARE(result.subject(), QStringLiteral("user-1"));
}

void TestJwtCodec::issueProducesContractClaimsAndHeader()
{
    const JwtCodec codec(Secret);
    const QByteArray token = codec.issue("9f0c7f7e-0000-4000-8000-000000000001", "Ann Example", 900, Now);
    const QByteArrayList parts = segments(token);
    QCOMPARE(parts.size(), 3);
    // Key id: the first 8 hex digits of SHA-256(secret), computed here independently.
    const QByteArray kid = QCryptographicHash::hash(Secret, QCryptographicHash::Sha256).toHex().left(8);
    QCOMPARE(fromB64(parts.at(0)), QByteArrayLiteral(R"({"alg":"HS256","typ":"JWT","kid":")") + kid + "\"}");
    QCOMPARE(codec.currentKeyId(), QString::fromLatin1(kid));

    const QJsonObject claims = QJsonDocument::fromJson(fromB64(parts.at(1))).object();
    QCOMPARE(claims.size(), 5);
    // jti: 16 random bytes, so two tokens issued in the same second differ.
    QCOMPARE(fromB64(claims.value("jti").toString().toLatin1()).size(), 16);
    QVERIFY(codec.issue("9f0c7f7e-0000-4000-8000-000000000001", "Ann Example", 900, Now) != token);
    QCOMPARE(claims.value("sub").toString(), QStringLiteral("9f0c7f7e-0000-4000-8000-000000000001"));
    QCOMPARE(claims.value("name").toString(), QStringLiteral("Ann Example"));
    QCOMPARE(claims.value("iat").toInteger(), Now);
    QCOMPARE(claims.value("exp").toInteger(), Now + 900);
    // Integers on the wire, not 1.7e9: other JWT libraries expect NumericDate integers.
    QVERIFY(fromB64(parts.at(1)).contains("\"exp\":1700000900"));

    QVERIFY(codec.verify(token, Now).ok);
    QVERIFY(codec.verify(token, Now + 899).ok);
    QCOMPARE(codec.verify(token, Now + 900).error, JwtCodec::Error::Expired);
}

void TestJwtCodec::issueRefusesEmptySubjectAndNonPositiveTtl()
{
    const JwtCodec codec(Secret);
    QVERIFY(codec.issue(QString(), "Ann", 60, Now).isEmpty());
    QVERIFY(codec.issue("u", "Ann", 0, Now).isEmpty());
    QVERIFY(codec.issue("u", "Ann", -5, Now).isEmpty());
    QVERIFY(codec.issue("u", "Ann", std::numeric_limits<qint64>::max(), Now).isEmpty());
    QVERIFY(!codec.issue("u", QString(), 60, Now).isEmpty()); // name is informational
}

void TestJwtCodec::tokenFromAnotherHmacImplementationVerifies()
{
    // Whitespace inside the JSON and a different key order are fine: the MAC covers the
    // bytes as sent, not a re-serialisation.
    const QByteArray token = craft(R"({ "typ" : "JWT", "alg" : "HS256" })",
                                   R"({"exp": 1700003600, "sub": "user-1", "iat": 1700000000})");
    const JwtCodec::Result result = check(token);
    QVERIFY2(result.ok, qPrintable(result.errorCode()));
    QCOMPARE(result.subject(), QStringLiteral("user-1"));
}

void TestJwtCodec::jwtIoExampleSignatureVerifies()
{
    // The example on jwt.io, secret "your-256-bit-secret". It has no exp.
    const QByteArray token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
                             "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ."
                             "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
    JwtCodec codec("your-256-bit-secret");

    // Default: the signature passes (else bad_signature) but exp is required.
    QCOMPARE(codec.verify(token, Now).error, JwtCodec::Error::MissingExpiry);

    JwtCodec::Options options;
    options.requireExpiry = false;
    codec.setOptions(options);
    const JwtCodec::Result result = codec.verify(token, Now);
    QVERIFY2(result.ok, qPrintable(result.errorCode()));
    QCOMPARE(result.subject(), QStringLiteral("1234567890"));
    QCOMPARE(result.claims.value("name").toString(), QStringLiteral("John Doe"));
    QCOMPARE(result.claims.value("iat").toInteger(), qint64(1516239022));

    QCOMPARE(JwtCodec("your-256-bit-secreT", options).verify(token, Now).error, JwtCodec::Error::BadSignature);
}

void TestJwtCodec::rfc7515ExampleVerifiesWithKeyFromSpec()
{
    // RFC 7515 appendix A.1: CRLF inside the header JSON, typ before alg, exp 1300819380,
    // no sub. The key is given there as a base64url JWK "k".
    const QByteArray token =
        "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
        "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
        "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const QByteArray key = fromB64(
        "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow");
    QCOMPARE(key.size(), 64);
    const JwtCodec codec(key);
    // Signature and exp pass, so the first failure is the missing subject.
    QCOMPARE(codec.verify(token, 1300819379).error, JwtCodec::Error::MissingSubject);
    QCOMPARE(codec.verify(token, 1300819380).error, JwtCodec::Error::Expired);
}

void TestJwtCodec::tamperedPayloadIsRejected()
{
    const QByteArray token = JwtCodec(Secret).sign(goodClaims());
    const QByteArrayList parts = segments(token);

    QJsonObject forged = goodClaims();
    forged.insert("sub", "admin");
    const QByteArray swapped = parts.at(0) + '.' + b64(claimsJson(forged)) + '.' + parts.at(2);
    QCOMPARE(check(swapped).error, JwtCodec::Error::BadSignature);

    forged = goodClaims();
    forged.insert("exp", Now + 10 * 365 * 86400);
    const QByteArray extended = parts.at(0) + '.' + b64(claimsJson(forged)) + '.' + parts.at(2);
    QCOMPARE(check(extended).error, JwtCodec::Error::BadSignature);
}

void TestJwtCodec::tamperedSignatureIsRejected()
{
    const QByteArray token = JwtCodec(Secret).sign(goodClaims());
    const QByteArrayList parts = segments(token);
    QByteArray mac = fromB64(parts.at(2));
    QCOMPARE(mac.size(), 32);

    for (int byte : {0, 15, 31}) {
        QByteArray flipped = mac;
        flipped[byte] = char(flipped.at(byte) ^ 0x01);
        QCOMPARE(check(parts.at(0) + '.' + parts.at(1) + '.' + b64(flipped)).error, JwtCodec::Error::BadSignature);
    }
    QCOMPARE(check(parts.at(0) + '.' + parts.at(1) + '.' + b64(mac.left(31))).error, JwtCodec::Error::BadSignature);
    QCOMPARE(check(parts.at(0) + '.' + parts.at(1) + '.' + b64(mac + 'x')).error, JwtCodec::Error::BadSignature);
    QCOMPARE(check(parts.at(0) + '.' + parts.at(1) + '.').error, JwtCodec::Error::BadSignature);
}

void TestJwtCodec::nonCanonicalSignatureSpellingIsRejected()
{
    // 32 bytes take 43 base64 characters; the last one carries 4 data bits and 2 unused
    // ones. A lenient decoder maps several spellings to the same MAC, which would let a
    // "different" token verify. Exactly one spelling is accepted.
    const QByteArray token = JwtCodec(Secret).sign(goodClaims());
    QVERIFY(check(token).ok);
    static const QByteArray alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const int last = alphabet.indexOf(token.back());
    QCOMPARE(last % 4, 0); // canonical spelling has zero unused bits
    for (int unused = 1; unused < 4; ++unused) {
        QByteArray variant = token;
        variant.back() = alphabet.at(last + unused);
        QCOMPARE(fromB64(segments(variant).at(2)), fromB64(segments(token).at(2)));
        QCOMPARE(check(variant).error, JwtCodec::Error::Malformed);
    }
    QCOMPARE(check(token + "=").error, JwtCodec::Error::Malformed);
}

void TestJwtCodec::wrongSecretIsRejected()
{
    // Signed by another JwtCodec: its kid names a key we do not hold.
    const QByteArray token = JwtCodec("another-secret-entirely-0123456789").sign(goodClaims());
    QVERIFY(!token.isEmpty());
    QCOMPARE(check(token).error, JwtCodec::Error::UnknownKey);
    QCOMPARE(check(JwtCodec(Secret + 'x').sign(goodClaims())).error, JwtCodec::Error::UnknownKey);
    // Without a kid the MAC itself is checked, and fails.
    const QByteArray payload = claimsJson(goodClaims());
    QCOMPARE(check(craft(StdHeader, payload, "another-secret-entirely-0123456789")).error,
             JwtCodec::Error::BadSignature);
    QCOMPARE(check(craft(StdHeader, payload, Secret + 'x')).error, JwtCodec::Error::BadSignature);
    QCOMPARE(check(craft(StdHeader, payload, Secret.chopped(1))).error, JwtCodec::Error::BadSignature);
}

void TestJwtCodec::emptySecretNeitherSignsNorVerifies()
{
    const JwtCodec empty{QByteArray()};
    QVERIFY(!empty.hasSecret());
    QVERIFY(empty.sign(goodClaims()).isEmpty());
    QVERIFY(empty.issue("u", "n", 60, Now).isEmpty());
    // Even a token whose MAC really was made with the empty key.
    const QByteArray emptyKeyToken = craft(StdHeader, claimsJson(goodClaims()), QByteArray());
    QCOMPARE(empty.verify(emptyKeyToken, Now).error, JwtCodec::Error::BadSignature);
}

void TestJwtCodec::algNoneIsRejected_data()
{
    QTest::addColumn<QByteArray>("alg");
    QTest::addColumn<bool>("withSignature");
    for (const char *alg : {"none", "None", "NONE", "nOnE"}) {
        QTest::addRow("%s, empty signature", alg) << QByteArray(alg) << false;
        QTest::addRow("%s, valid HS256 signature", alg) << QByteArray(alg) << true;
    }
}

void TestJwtCodec::algNoneIsRejected()
{
    QFETCH(QByteArray, alg);
    QFETCH(bool, withSignature);
    const QByteArray header = R"({"alg":")" + alg + R"(","typ":"JWT"})";
    QByteArray token = craft(header, claimsJson(goodClaims()));
    if (!withSignature) token = token.left(token.lastIndexOf('.') + 1);
    QCOMPARE(check(token).error, JwtCodec::Error::UnsupportedAlgorithm);
}

void TestJwtCodec::otherAlgorithmsAreRejected_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::newRow("HS512") << QByteArray(R"({"alg":"HS512","typ":"JWT"})");
    QTest::newRow("HS384") << QByteArray(R"({"alg":"HS384","typ":"JWT"})");
    QTest::newRow("RS256") << QByteArray(R"({"alg":"RS256","typ":"JWT"})");
    QTest::newRow("ES256") << QByteArray(R"({"alg":"ES256","typ":"JWT"})");
    QTest::newRow("PS256") << QByteArray(R"({"alg":"PS256","typ":"JWT"})");
    QTest::newRow("lower case hs256") << QByteArray(R"({"alg":"hs256","typ":"JWT"})");
    QTest::newRow("trailing space") << QByteArray(R"({"alg":"HS256 ","typ":"JWT"})");
    QTest::newRow("alg missing") << QByteArray(R"({"typ":"JWT"})");
    QTest::newRow("alg null") << QByteArray(R"({"alg":null,"typ":"JWT"})");
    QTest::newRow("alg number") << QByteArray(R"({"alg":256,"typ":"JWT"})");
    QTest::newRow("alg array") << QByteArray(R"({"alg":["HS256"],"typ":"JWT"})");
    QTest::newRow("empty header object") << QByteArray("{}");
}

void TestJwtCodec::otherAlgorithmsAreRejected()
{
    QFETCH(QByteArray, header);
    // MAC'd with HS256 and the right key, so only the header can be the reason.
    QCOMPARE(check(craft(header, claimsJson(goodClaims()))).error, JwtCodec::Error::UnsupportedAlgorithm);
}

void TestJwtCodec::typOtherThanJwtIsRejected_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("typ JWT") << QByteArray(R"({"alg":"HS256","typ":"JWT"})") << true;
    QTest::newRow("typ jwt (media types are case-insensitive)") << QByteArray(R"({"alg":"HS256","typ":"jwt"})") << true;
    QTest::newRow("typ absent") << QByteArray(R"({"alg":"HS256"})") << true;
    QTest::newRow("typ JWE") << QByteArray(R"({"alg":"HS256","typ":"JWE"})") << false;
    QTest::newRow("typ at+jwt") << QByteArray(R"({"alg":"HS256","typ":"at+jwt"})") << false;
    QTest::newRow("typ empty") << QByteArray(R"({"alg":"HS256","typ":""})") << false;
    QTest::newRow("typ number") << QByteArray(R"({"alg":"HS256","typ":1})") << false;
    QTest::newRow("typ null") << QByteArray(R"({"alg":"HS256","typ":null})") << false;
}

void TestJwtCodec::typOtherThanJwtIsRejected()
{
    QFETCH(QByteArray, header);
    QFETCH(bool, accepted);
    const JwtCodec::Result result = check(craft(header, claimsJson(goodClaims())));
    QCOMPARE(result.ok, accepted);
    QCOMPARE(result.error, accepted ? JwtCodec::Error::None : JwtCodec::Error::UnsupportedHeader);
}

void TestJwtCodec::critHeaderIsRejected()
{
    const QByteArray header = R"({"alg":"HS256","typ":"JWT","crit":["b64"],"b64":false})";
    QCOMPARE(check(craft(header, claimsJson(goodClaims()))).error, JwtCodec::Error::UnsupportedHeader);
}

void TestJwtCodec::expiredTokenIsRejected()
{
    QJsonObject claims = goodClaims();
    claims.insert("exp", Now);
    const QByteArray token = craft(StdHeader, claimsJson(claims));
    QVERIFY(check(token, Now - 1).ok);
    // RFC 7519 4.1.4: valid only while now is *before* exp.
    QCOMPARE(check(token, Now).error, JwtCodec::Error::Expired);
    QCOMPARE(check(token, Now + 86400).error, JwtCodec::Error::Expired);

    claims.insert("exp", 1699999999.5); // fractional NumericDate
    QCOMPARE(check(craft(StdHeader, claimsJson(claims)), Now).error, JwtCodec::Error::Expired);
    claims.insert("exp", -1);
    QCOMPARE(check(craft(StdHeader, claimsJson(claims)), Now).error, JwtCodec::Error::Expired);
}

void TestJwtCodec::leewayForgivesSmallClockSkewOnly()
{
    QJsonObject claims = goodClaims();
    claims.insert("exp", Now);
    claims.insert("nbf", Now + 100);
    const QByteArray token = craft(StdHeader, claimsJson(claims));

    JwtCodec::Options options;
    QCOMPARE(options.leewaySeconds, qint64(0));
    options.leewaySeconds = 30;
    const JwtCodec lenient(Secret, options);
    // exp forgiven up to 30 s after; nbf forgiven up to 30 s before.
    QCOMPARE(lenient.verify(token, Now + 29).error, JwtCodec::Error::NotYetValid);
    claims.remove("nbf");
    const QByteArray noNbf = craft(StdHeader, claimsJson(claims));
    QVERIFY(lenient.verify(noNbf, Now + 29).ok);
    QCOMPARE(lenient.verify(noNbf, Now + 30).error, JwtCodec::Error::Expired);

    claims.insert("exp", Now + 3600);
    claims.insert("nbf", Now + 30);
    const QByteArray early = craft(StdHeader, claimsJson(claims));
    QVERIFY(lenient.verify(early, Now).ok);
    QCOMPARE(lenient.verify(early, Now - 1).error, JwtCodec::Error::NotYetValid);
    QCOMPARE(check(early, Now).error, JwtCodec::Error::NotYetValid); // default: no leeway
}

void TestJwtCodec::notBeforeInTheFutureIsRejected()
{
    QJsonObject claims = goodClaims();
    claims.insert("nbf", Now + 1);
    const QByteArray token = craft(StdHeader, claimsJson(claims));
    QCOMPARE(check(token, Now).error, JwtCodec::Error::NotYetValid);
    QVERIFY(check(token, Now + 1).ok); // valid from nbf on, inclusive
}

void TestJwtCodec::missingExpiryIsRejectedByDefault()
{
    QJsonObject claims = goodClaims();
    claims.remove("exp");
    QCOMPARE(check(craft(StdHeader, claimsJson(claims))).error, JwtCodec::Error::MissingExpiry);
    QVERIFY(JwtCodec::Options().requireExpiry);
}

void TestJwtCodec::missingExpiryIsAcceptedWhenAllowed()
{
    QJsonObject claims = goodClaims();
    claims.remove("exp");
    JwtCodec::Options options;
    options.requireExpiry = false;
    const JwtCodec codec(Secret, options);
    QVERIFY(codec.verify(craft(StdHeader, claimsJson(claims)), Now).ok);
    // The other checks still apply.
    claims.insert("nbf", Now + 10);
    QCOMPARE(codec.verify(craft(StdHeader, claimsJson(claims)), Now).error, JwtCodec::Error::NotYetValid);
}

void TestJwtCodec::nonNumericTimeClaimsAreRejected_data()
{
    QTest::addColumn<QString>("claim");
    QTest::addColumn<QJsonValue>("value");
    QTest::newRow("exp as string") << QString("exp") << QJsonValue("1700003600");
    QTest::newRow("exp null") << QString("exp") << QJsonValue(QJsonValue::Null);
    QTest::newRow("exp bool") << QString("exp") << QJsonValue(true);
    QTest::newRow("nbf as string") << QString("nbf") << QJsonValue("0");
    QTest::newRow("nbf object") << QString("nbf") << QJsonValue(QJsonObject{});
    QTest::newRow("iat as string") << QString("iat") << QJsonValue("yesterday");
    QTest::newRow("iat array") << QString("iat") << QJsonValue(QJsonArray{Now});
}

void TestJwtCodec::nonNumericTimeClaimsAreRejected()
{
    QFETCH(QString, claim);
    QFETCH(QJsonValue, value);
    QJsonObject claims = goodClaims();
    claims.insert(claim, value);
    QCOMPARE(check(craft(StdHeader, claimsJson(claims))).error, JwtCodec::Error::InvalidClaim);
}

void TestJwtCodec::missingOrEmptySubjectIsRejected_data()
{
    QTest::addColumn<QJsonValue>("sub"); // Undefined = absent
    QTest::newRow("absent") << QJsonValue(QJsonValue::Undefined);
    QTest::newRow("empty") << QJsonValue("");
    QTest::newRow("null") << QJsonValue(QJsonValue::Null);
    QTest::newRow("number") << QJsonValue(42);
    QTest::newRow("array") << QJsonValue(QJsonArray{"user-1"});
    QTest::newRow("object") << QJsonValue(QJsonObject{{"id", "user-1"}});
}

void TestJwtCodec::missingOrEmptySubjectIsRejected()
{
    QFETCH(QJsonValue, sub);
    QJsonObject claims = goodClaims();
    claims.remove("sub");
    if (!sub.isUndefined()) claims.insert("sub", sub);
    QCOMPARE(check(craft(StdHeader, claimsJson(claims))).error, JwtCodec::Error::MissingSubject);
    // issue() cannot produce such a token in the first place.
    QVERIFY(JwtCodec(Secret).issue(QString(), "x", 60, Now).isEmpty());
}

void TestJwtCodec::garbageInputIsRejected_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<JwtCodec::Error>("error");
    const QByteArray valid = JwtCodec(Secret).sign(goodClaims());
    const QByteArrayList p = segments(valid);
    const auto M = JwtCodec::Error::Malformed;
    const QByteArray payload = b64(claimsJson(goodClaims()));

    QTest::newRow("empty") << QByteArray() << M;
    QTest::newRow("one dot") << QByteArray(".") << M;
    QTest::newRow("two dots") << QByteArray("..") << M;
    QTest::newRow("three dots") << QByteArray("...") << M;
    QTest::newRow("one segment") << p.at(0) << M;
    QTest::newRow("two segments") << QByteArray(p.at(0) + '.' + p.at(1)) << M;
    QTest::newRow("four segments") << QByteArray(valid + '.' + p.at(2)) << M;
    QTest::newRow("trailing dot") << QByteArray(valid + '.') << M;
    QTest::newRow("leading dot") << QByteArray('.' + valid) << M;
    QTest::newRow("Bearer prefix") << QByteArray("Bearer " + valid) << M;
    QTest::newRow("trailing newline") << QByteArray(valid + '\n') << M;
    QTest::newRow("NUL inside") << QByteArray(valid).insert(5, '\0') << M;
    // Standard base64's '+' and '/' are not base64url.
    QTest::newRow("plus in signature") << QByteArray(valid).replace(valid.size() - 5, 1, "+") << M;
    QTest::newRow("slash in signature") << QByteArray(valid).replace(valid.size() - 5, 1, "/") << M;
    QTest::newRow("padded header") << QByteArray(b64(StdHeader) + "==." + p.at(1) + '.' + p.at(2)) << M;
    QTest::newRow("invalid base64 chars") << QByteArray("@@@@.$$$$.!!!!") << M;
    QTest::newRow("impossible base64 length") << QByteArray(QByteArray("A.") + p.at(1) + '.' + p.at(2)) << M;
    QTest::newRow("header not JSON") << QByteArray(b64("alg=HS256") + '.' + p.at(1) + '.' + p.at(2)) << M;
    QTest::newRow("header truncated JSON") << QByteArray(b64(R"({"alg":"HS256")") + '.' + p.at(1) + '.' + p.at(2)) << M;
    QTest::newRow("header JSON array") << craft(R"(["HS256"])", claimsJson(goodClaims())) << M;
    QTest::newRow("header JSON string") << craft(R"("HS256")", claimsJson(goodClaims())) << M;
    QTest::newRow("header invalid UTF-8")
        << craft("{\"alg\":\"HS256\",\"x\":\"\xff\xfe\"}", claimsJson(goodClaims())) << M;
    QTest::newRow("empty header segment") << craftSegments(QByteArray(), payload) << M;
    // Correctly MAC'd, so the payload parse is what fails.
    QTest::newRow("payload not JSON") << craft(StdHeader, "sub=user-1") << M;
    QTest::newRow("payload JSON array") << craft(StdHeader, R"([{"sub":"user-1"}])") << M;
    QTest::newRow("payload invalid UTF-8") << craft(StdHeader, "{\"sub\":\"\xc3\x28\",\"exp\":1800000000}") << M;
    QTest::newRow("empty payload segment") << craftSegments(b64(StdHeader), QByteArray()) << M;
    QTest::newRow("payload trailing garbage") << craft(StdHeader, claimsJson(goodClaims()) + "}") << M;
    // An unsigned payload is not even parsed: the MAC fails first.
    QTest::newRow("unsigned payload not JSON")
        << QByteArray(p.at(0) + '.' + b64("nonsense") + '.' + p.at(2)) << JwtCodec::Error::BadSignature;
}

void TestJwtCodec::garbageInputIsRejected()
{
    QFETCH(QByteArray, token);
    QFETCH(JwtCodec::Error, error);
    const JwtCodec::Result result = check(token);
    QVERIFY(!result.ok);
    QCOMPARE(result.errorCode(), JwtCodec::errorCode(error));
}

void TestJwtCodec::oversizedTokenIsRejectedBeforeParsing()
{
    const QByteArray megabyte(1024 * 1024, 'A');
    QCOMPARE(check(megabyte).error, JwtCodec::Error::TooLarge);
    QCOMPARE(check(megabyte + '.' + megabyte + '.' + megabyte).error, JwtCodec::Error::TooLarge);

    // A genuinely signed, otherwise valid token just over the cap is still refused...
    QJsonObject claims = goodClaims();
    claims.insert("pad", QString(8192, QChar('p')));
    const QByteArray big = craft(StdHeader, claimsJson(claims));
    QVERIFY(big.size() > 8192);
    QCOMPARE(check(big).error, JwtCodec::Error::TooLarge);
    // ...and accepted when the cap is raised, so the cap and nothing else refused it.
    JwtCodec::Options options;
    options.maxTokenBytes = big.size();
    QVERIFY(JwtCodec(Secret, options).verify(big, Now).ok);
}

void TestJwtCodec::signRefusesTokensVerifyWouldRefuse()
{
    QJsonObject claims = goodClaims();
    claims.insert("pad", QString(8192, QChar('p')));
    QVERIFY(JwtCodec(Secret).sign(claims).isEmpty());
    JwtCodec::Options options;
    options.maxTokenBytes = 64 * 1024;
    QVERIFY(!JwtCodec(Secret, options).sign(claims).isEmpty());
}

void TestJwtCodec::failedVerificationCarriesNoClaims()
{
    QJsonObject claims = goodClaims();
    claims.insert("exp", Now - 1);
    const JwtCodec::Result result = check(craft(StdHeader, claimsJson(claims)));
    QCOMPARE(result.error, JwtCodec::Error::Expired);
    QVERIFY(result.claims.isEmpty());
    QVERIFY(result.subject().isEmpty());
}

void TestJwtCodec::errorCodesAreStableSnakeCase()
{
    using E = JwtCodec::Error;
    const QList<QPair<E, QString>> expected = {
        {E::None, "ok"},
        {E::TooLarge, "too_large"},
        {E::Malformed, "malformed"},
        {E::UnsupportedAlgorithm, "unsupported_algorithm"},
        {E::UnsupportedHeader, "unsupported_header"},
        {E::BadSignature, "bad_signature"},
        {E::InvalidClaim, "invalid_claim"},
        {E::MissingExpiry, "missing_expiry"},
        {E::Expired, "expired"},
        {E::NotYetValid, "not_yet_valid"},
        {E::MissingSubject, "missing_subject"},
        {E::UnknownKey, "unknown_key"},
    };
    for (const auto &[error, code] : expected) QCOMPARE(JwtCodec::errorCode(error), code);
}

namespace {
const QByteArray OldSecret = QByteArrayLiteral("switchboard-old-secret-fedcba9876543210");

QByteArray headerWithKid(const QByteArray &kid)
{
    return QByteArrayLiteral(R"({"alg":"HS256","typ":"JWT","kid":")") + kid + "\"}";
}
} // namespace

void TestJwtCodec::rotationAcceptsPreviousKeysAndSignsWithCurrent()
{
    const JwtCodec before(OldSecret);
    const QByteArray oldToken = before.issue("u", "Ann", 900, Now);
    const JwtCodec after(Secret, {OldSecret}, JwtCodec::Options{});

    // Old kid -> verified with the old key.
    QCOMPARE(after.verify(oldToken, Now).error, JwtCodec::Error::None);
    // New tokens carry the current key's id and verify with it alone.
    const QByteArray newToken = after.issue("u", "Ann", 900, Now);
    QCOMPARE(QJsonDocument::fromJson(fromB64(segments(newToken).at(0))).object().value("kid").toString(),
             JwtCodec::keyId(Secret));
    QVERIFY(JwtCodec::keyId(Secret) != JwtCodec::keyId(OldSecret));
    QVERIFY(JwtCodec(Secret).verify(newToken, Now).ok);
    // The old server, which does not know the new key, refuses the new token.
    QCOMPARE(before.verify(newToken, Now).error, JwtCodec::Error::UnknownKey);
}

void TestJwtCodec::tokenWithoutKidTriesCurrentThenPrevious()
{
    const JwtCodec codec(Secret, {OldSecret}, JwtCodec::Options{});
    const QByteArray payload = claimsJson(goodClaims());
    QVERIFY(codec.verify(craft(StdHeader, payload, Secret), Now).ok);
    QVERIFY(codec.verify(craft(StdHeader, payload, OldSecret), Now).ok);
    QCOMPARE(codec.verify(craft(StdHeader, payload, "some-other-secret-0123456789abcdef"), Now).error,
             JwtCodec::Error::BadSignature);
}

void TestJwtCodec::unknownKidIsRejected_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::newRow("unknown id") << headerWithKid("00000000");
    QTest::newRow("empty id") << headerWithKid("");
    QTest::newRow("number") << QByteArrayLiteral(R"({"alg":"HS256","typ":"JWT","kid":7})");
    QTest::newRow("null") << QByteArrayLiteral(R"({"alg":"HS256","typ":"JWT","kid":null})");
    QTest::newRow("id of a key this codec does not hold")
        << headerWithKid(JwtCodec::keyId("some-other-secret-0123456789abcdef").toLatin1());
}

void TestJwtCodec::unknownKidIsRejected()
{
    QFETCH(QByteArray, header);
    // Correctly signed with the current key: the kid alone makes it fail.
    const JwtCodec::Result r =
        JwtCodec(Secret, {OldSecret}, JwtCodec::Options{}).verify(craft(header, claimsJson(goodClaims()), Secret), Now);
    QCOMPARE(r.error, JwtCodec::Error::UnknownKey);
    QCOMPARE(r.errorCode(), QStringLiteral("unknown_key"));
    QVERIFY(r.claims.isEmpty());
}

void TestJwtCodec::tamperedKidIsRejected()
{
    const JwtCodec codec(Secret, {OldSecret}, JwtCodec::Options{});
    const QByteArray token = codec.issue("u", "Ann", 900, Now);
    const QByteArrayList parts = segments(token);
    // Re-labelled as the previous key, signature untouched: the kid is signed too.
    const QByteArray relabelled = b64(headerWithKid(JwtCodec::keyId(OldSecret).toLatin1())) + '.' + parts.at(1) + '.'
                                + parts.at(2);
    QCOMPARE(codec.verify(relabelled, Now).error, JwtCodec::Error::BadSignature);
    // Signed with the current key but claiming the old key's id: checked with the old key only.
    const QByteArray mislabelled = craft(headerWithKid(JwtCodec::keyId(OldSecret).toLatin1()), claimsJson(goodClaims()),
                                         Secret);
    QCOMPARE(codec.verify(mislabelled, Now).error, JwtCodec::Error::BadSignature);
    // And the kid removed from a current token: still the same bytes under the MAC -> bad signature.
    const QByteArray stripped = b64(StdHeader) + '.' + parts.at(1) + '.' + parts.at(2);
    QCOMPARE(codec.verify(stripped, Now).error, JwtCodec::Error::BadSignature);
}

void TestJwtCodec::droppedPreviousKeyNoLongerVerifies()
{
    const QByteArray oldToken = JwtCodec(OldSecret).issue("u", "Ann", 900, Now);
    QCOMPARE(JwtCodec(Secret).verify(oldToken, Now).error, JwtCodec::Error::UnknownKey);
    // A previous key equal to the current one is just the current key.
    const JwtCodec same(Secret, {Secret, QByteArray()}, JwtCodec::Options{});
    QVERIFY(same.verify(JwtCodec(Secret).issue("u", "Ann", 900, Now), Now).ok);
}

QTEST_APPLESS_MAIN(TestJwtCodec)
#include "tst_jwtcodec.moc"
