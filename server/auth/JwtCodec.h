#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QString>

// HS256 JSON Web Tokens (RFC 7519 / RFC 7515 compact form), signed and checked with
// OpenSSL's HMAC-SHA256. Only HS256 exists here: the algorithm is fixed by the server,
// never chosen by the token, so "alg":"none" and algorithm-confusion tricks cannot work.
//
// verify() checks, in this order, stopping at the first failure:
//   1. size <= Options::maxTokenBytes                                 -> too_large
//   2. exactly three segments, each strict base64url: alphabet [A-Za-z0-9_-] only, no
//      '=' padding, no whitespace, canonical (unused trailing bits zero, so one signature
//      has exactly one spelling)                                          -> malformed
//   3. header is a JSON object (valid UTF-8)                              -> malformed
//   4. header "alg" is exactly the string "HS256" (missing, "none", "None", "HS512",
//      "RS256", ... are refused)                                          -> unsupported_algorithm
//   5. header "typ", if present, is "JWT" (case-insensitive, as media types are);
//      header "crit" is absent (we implement no extensions, RFC 7515 4.1.11)
//                                                                         -> unsupported_header
//   6. signature is 32 bytes and equals HMAC-SHA256(secret, "header.payload"), compared
//      in constant time (CRYPTO_memcmp)                                   -> bad_signature
//   7. payload is a JSON object (valid UTF-8)                             -> malformed
//   8. "exp", "nbf", "iat", when present, are JSON numbers                -> invalid_claim
//   9. "exp" present, unless Options::requireExpiry is false              -> missing_expiry
//  10. now < exp + leeway                                                 -> expired
//  11. now >= nbf - leeway                                                -> not_yet_valid
//  12. "sub" is a non-empty string                                        -> missing_subject
// "iat" is informational only (type-checked, not compared with the clock). Whether "sub"
// names an existing user is the caller's business.
//
// Tokens without "exp" are refused by default: a token that never expires cannot be
// revoked short of rotating the secret. Set Options::requireExpiry = false to accept them.
//
// Default leeway is 0 s: issuer and verifier are the same server (or nodes sharing NTP),
// so there is no skew to forgive, and "exp in the past" then means exactly that.
//
// All methods are const and touch no shared state: one JwtCodec may be used from many
// threads at once. Nothing here throws; every input, however broken, gives a Result.
class JwtCodec
{
public:
    enum class Error {
        None,
        TooLarge,
        Malformed,
        UnsupportedAlgorithm,
        UnsupportedHeader,
        BadSignature,
        InvalidClaim,
        MissingExpiry,
        Expired,
        NotYetValid,
        MissingSubject,
    };

    struct Options
    {
        qint64 leewaySeconds = 0;       // forgiven clock skew for exp and nbf
        bool requireExpiry = true;      // refuse tokens without "exp"
        qsizetype maxTokenBytes = 8192; // longer input is refused before any parsing
    };

    struct Result
    {
        bool ok = false;
        Error error = Error::Malformed;
        QJsonObject claims; // filled only when ok: unverified data never leaves verify()

        // Stable snake_case code for logs and wire errors ("ok" when ok).
        QString errorCode() const { return JwtCodec::errorCode(error); }
        QString subject() const { return claims.value(QLatin1String("sub")).toString(); }
    };

    // RFC 7518 3.2: an HS256 key should have at least as many bytes as the hash.
    static constexpr int RecommendedSecretBytes = 32;

    // An empty secret gives a codec that signs nothing (sign/issue return an empty
    // QByteArray) and verifies nothing (bad_signature): HMAC with an empty key is forgeable.
    explicit JwtCodec(QByteArray secret);
    JwtCodec(QByteArray secret, const Options &options);

    bool hasSecret() const { return !m_secret.isEmpty(); }
    const Options &options() const { return m_options; }
    void setOptions(const Options &options) { m_options = options; }

    // Header {"alg":"HS256","typ":"JWT"}; the claims exactly as given. Empty on failure
    // (no secret, or the token would exceed Options::maxTokenBytes).
    QByteArray sign(const QJsonObject &claims) const;

    // Claims sub, name, iat = nowSecs, exp = nowSecs + ttlSeconds (docs/api/rest.md#authentication).
    // Empty when userId is empty or ttlSeconds <= 0: such a token would never verify.
    QByteArray issue(const QString &userId, const QString &name, qint64 ttlSeconds, qint64 nowSecs) const;

    Result verify(QByteArrayView token, qint64 nowSecs) const;

    // "ok", "too_large", "malformed", "unsupported_algorithm", "unsupported_header",
    // "bad_signature", "invalid_claim", "missing_expiry", "expired", "not_yet_valid",
    // "missing_subject". These strings are part of the API: do not rename them.
    static QString errorCode(Error error);

private:
    QByteArray hmacSha256(QByteArrayView data) const;

    QByteArray m_secret;
    Options m_options;
};
