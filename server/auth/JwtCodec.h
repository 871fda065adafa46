#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace switchboard {

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
//   6. header "kid", if present, is a string naming the current or a previous key
//                                                                         -> unknown_key
//   7. signature is 32 bytes and equals HMAC-SHA256(key, "header.payload"), compared
//      in constant time (CRYPTO_memcmp); the key is the one "kid" names, or without a
//      "kid" the current key, then each previous key                     -> bad_signature
//   8. payload is a JSON object (valid UTF-8)                             -> malformed
//   9. "exp", "nbf", "iat", when present, are JSON numbers                -> invalid_claim
//  10. "exp" present, unless Options::requireExpiry is false              -> missing_expiry
//  11. now < exp + leeway                                                 -> expired
//  12. now >= nbf - leeway                                                -> not_yet_valid
//  13. "sub" is a non-empty string                                        -> missing_subject
// "iat" is informational only (type-checked, not compared with the clock). Whether "sub"
// names an existing user is the caller's business.
//
// Tokens without "exp" are refused by default: a token that never expires cannot be
// revoked short of rotating the secret. Set Options::requireExpiry = false to accept them.
//
// Default leeway is 0 s: issuer and verifier are the same server (or nodes sharing NTP),
// so there is no skew to forgive, and "exp in the past" then means exactly that.
//
// Key rotation: the codec holds the current secret and any previous ones. Every key has
// a key id, keyId(secret): the first 8 hex digits of SHA-256(secret), so issuer and
// verifier agree on it without configuration. Tokens are signed with the current key
// and carry its "kid"; previous keys only verify. A previous key equal to the current
// one is dropped.
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
        UnknownKey,
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
    // previousSecrets: still accepted for verification, never used to sign. Empty ones are ignored.
    JwtCodec(QByteArray secret, const QList<QByteArray> &previousSecrets, const Options &options);

    bool hasSecret() const { return !m_secret.isEmpty(); }
    // The "kid" of new tokens (empty without a secret).
    QString currentKeyId() const { return m_keyId; }
    // First 8 hex digits (lower case) of SHA-256(secret).
    static QString keyId(QByteArrayView secret);
    const Options &options() const { return m_options; }
    void setOptions(const Options &options) { m_options = options; }

    // Header {"alg":"HS256","typ":"JWT","kid":currentKeyId()}; the claims exactly as given. Empty on failure
    // (no secret, or the token would exceed Options::maxTokenBytes).
    QByteArray sign(const QJsonObject &claims) const;

    // Claims sub, name, iat = nowSecs, exp = nowSecs + ttlSeconds (docs/api/rest.md#authentication),
    // and jti, 16 random bytes base64url, so that every token issued is distinct.
    // Empty when userId is empty or ttlSeconds <= 0: such a token would never verify.
    QByteArray issue(const QString &userId, const QString &name, qint64 ttlSeconds, qint64 nowSecs) const;

    Result verify(QByteArrayView token, qint64 nowSecs) const;

    // "ok", "too_large", "malformed", "unsupported_algorithm", "unsupported_header",
    // "bad_signature", "invalid_claim", "missing_expiry", "expired", "not_yet_valid",
    // "missing_subject", "unknown_key". These strings are part of the API: do not rename them.
    static QString errorCode(Error error);

private:
    struct Key
    {
        QString id;
        QByteArray secret;
    };
    static QByteArray hmacSha256(const QByteArray &secret, QByteArrayView data);
    bool signatureMatches(const QByteArray &secret, QByteArrayView signingInput, const QByteArray &signature) const;

    QByteArray m_secret;
    QString m_keyId;
    QList<Key> m_previous;
    Options m_options;
};

} // namespace switchboard
