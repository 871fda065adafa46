// JwtCodec: verify() on arbitrary tokens, and round trips. The first byte
// picks the mode; the rest is the token, or the claims to sign.
#include "auth/JwtCodec.h"

#include "FuzzCheck.h"
#include "FuzzInput.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cstddef>
#include <cstdint>

using namespace switchboard;

namespace {
const QByteArray Secret = QByteArrayLiteral("fuzz-secret-0123456789abcdef0123456789");
constexpr qint64 Now = 1700000000;

void verifyArbitrary(const JwtCodec &codec, const QByteArray &token)
{
    const JwtCodec::Result r = codec.verify(token, Now);
    // A random token that verifies would mean a forged signature.
    FUZZ_CHECK(!r.ok);
    FUZZ_CHECK(r.claims.isEmpty());
    FUZZ_CHECK(r.errorCode() != QLatin1String("ok") && !r.errorCode().isEmpty());
}

// sign(claims) then verify: the signature always checks, and a token that
// verifies gives back exactly the claims that were signed.
void signThenVerify(const JwtCodec &codec, const QByteArray &json, uint8_t flip)
{
    const QJsonDocument doc = QJsonDocument::fromJson(json);
    if (!doc.isObject()) return;
    const QJsonObject claims = doc.object();
    const QByteArray token = codec.sign(claims);
    if (token.isEmpty()) return; // too large
    const JwtCodec::Result r = codec.verify(token, Now);
    FUZZ_CHECK(r.error != JwtCodec::Error::Malformed && r.error != JwtCodec::Error::BadSignature);
    if (r.ok) FUZZ_CHECK(r.claims == claims);
    // One byte changed (a fuzzer-chosen one, to a fuzzer-chosen value) never
    // verifies: base64url is canonical, so every change alters what is signed.
    QByteArray tampered = token;
    const qsizetype at = (flip * 7919) % tampered.size();
    tampered[at] = char(tampered.at(at) ^ (flip | 1));
    FUZZ_CHECK(!codec.verify(tampered, Now).ok);
}

// issue() then verify: always ok, with the subject and name given.
void issueThenVerify(const JwtCodec &codec, const QByteArray &bytes, uint8_t ttl)
{
    const qsizetype half = bytes.size() / 2;
    const QString user = QString::fromUtf8(bytes.left(half));
    const QString name = QString::fromUtf8(bytes.mid(half));
    const QByteArray token = codec.issue(user, name, ttl, Now);
    if (token.isEmpty()) {
        // Escaping can grow a character to six bytes: only a long input
        // makes a token past Options::maxTokenBytes (8192).
        FUZZ_CHECK(user.isEmpty() || ttl == 0 || bytes.size() >= 1000);
        return;
    }
    const JwtCodec::Result r = codec.verify(token, Now);
    FUZZ_CHECK(r.ok);
    FUZZ_CHECK(r.subject() == user);
    FUZZ_CHECK(r.claims.value(QLatin1String("name")).toString() == name);
    FUZZ_CHECK(!codec.verify(token, Now + ttl).ok); // expired at exp exactly (leeway 0)
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const JwtCodec codec(Secret);
    FuzzInput in(data, size);
    const uint8_t mode = in.takeByte();
    const uint8_t arg = in.takeByte();
    const QByteArray rest = in.rest();
    switch (mode % 3) {
    case 0: verifyArbitrary(codec, rest); break;
    case 1: signThenVerify(codec, rest, arg); break;
    default: issueThenVerify(codec, rest, arg); break;
    }
    return 0;
}
