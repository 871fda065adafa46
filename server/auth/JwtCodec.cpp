#include "JwtCodec.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <limits>

namespace switchboard {

namespace {

constexpr int Sha256Bytes = 32;

constexpr auto Base64Url = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

QByteArray encodeSegment(const QByteArray &raw)
{
    return raw.toBase64(Base64Url);
}

bool isBase64UrlChar(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// Strict base64url: Qt's decoder alone would accept '=' padding and ignore the unused
// low bits of the last character, which would give one signature several spellings.
bool decodeSegment(QByteArrayView segment, QByteArray *out)
{
    if (segment.size() % 4 == 1) return false;
    for (char c : segment) {
        if (!isBase64UrlChar(c)) return false;
    }
    auto decoded = QByteArray::fromBase64Encoding(segment.toByteArray(),
                                                  Base64Url | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded) return false;
    if (QByteArrayView(encodeSegment(decoded.decoded)) != segment) return false;
    *out = std::move(decoded.decoded);
    return true;
}

bool parseObject(const QByteArray &json, QJsonObject *out)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) return false;
    *out = doc.object();
    return true;
}

bool isNumberOrAbsent(const QJsonValue &value)
{
    return value.isUndefined() || value.isDouble();
}

JwtCodec::Result failure(JwtCodec::Error error)
{
    JwtCodec::Result result;
    result.ok = false;
    result.error = error;
    return result;
}

} // namespace

JwtCodec::JwtCodec(QByteArray secret) : JwtCodec(std::move(secret), Options{}) {}

JwtCodec::JwtCodec(QByteArray secret, const Options &options) : JwtCodec(std::move(secret), {}, options) {}

JwtCodec::JwtCodec(QByteArray secret, const QList<QByteArray> &previousSecrets, const Options &options)
    : m_secret(std::move(secret))
    , m_options(options)
{
    if (!m_secret.isEmpty()) m_keyId = keyId(m_secret);
    for (const QByteArray &old : previousSecrets) {
        if (old.isEmpty() || old == m_secret) continue;
        m_previous.append({keyId(old), old});
    }
}

QString JwtCodec::keyId(QByteArrayView secret)
{
    return QString::fromLatin1(QCryptographicHash::hash(secret, QCryptographicHash::Sha256).toHex().left(8));
}

QByteArray JwtCodec::hmacSha256(const QByteArray &secret, QByteArrayView data)
{
    if (secret.isEmpty() || secret.size() > std::numeric_limits<int>::max()) return {};
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int macLength = 0;
    const unsigned char *ok = HMAC(EVP_sha256(), secret.constData(), int(secret.size()),
                                   reinterpret_cast<const unsigned char *>(data.data()), size_t(data.size()), mac,
                                   &macLength);
    if (!ok || macLength != Sha256Bytes) return {};
    return QByteArray(reinterpret_cast<const char *>(mac), int(macLength));
}

bool JwtCodec::signatureMatches(const QByteArray &secret, QByteArrayView signingInput,
                                const QByteArray &signature) const
{
    const QByteArray expected = hmacSha256(secret, signingInput);
    return expected.size() == Sha256Bytes && signature.size() == Sha256Bytes
        && CRYPTO_memcmp(expected.constData(), signature.constData(), Sha256Bytes) == 0;
}

QByteArray JwtCodec::sign(const QJsonObject &claims) const
{
    if (!hasSecret()) return {};
    // Written out rather than serialised so the header bytes never depend on Qt's key order.
    const QByteArray header = encodeSegment(QByteArrayLiteral(R"({"alg":"HS256","typ":"JWT","kid":")")
                                            + m_keyId.toLatin1() + "\"}");
    const QByteArray signingInput = header + '.' + encodeSegment(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    const QByteArray mac = hmacSha256(m_secret, signingInput);
    if (mac.isEmpty()) return {};
    QByteArray token = signingInput + '.' + encodeSegment(mac);
    // Never hand out a token that our own verify() would refuse as too large.
    if (token.size() > m_options.maxTokenBytes) return {};
    return token;
}

QByteArray JwtCodec::issue(const QString &userId, const QString &name, qint64 ttlSeconds, qint64 nowSecs) const
{
    if (userId.isEmpty() || ttlSeconds <= 0 || nowSecs > std::numeric_limits<qint64>::max() - ttlSeconds) return {};
    QJsonObject claims;
    claims.insert(QLatin1String("sub"), userId);
    claims.insert(QLatin1String("name"), name);
    claims.insert(QLatin1String("iat"), nowSecs);
    claims.insert(QLatin1String("exp"), nowSecs + ttlSeconds);
    // A unique id: two logins in the same second would otherwise get the same token,
    // and logging out one (TokenRevocations) would log out the other.
    unsigned char id[16];
    if (RAND_bytes(id, sizeof id) != 1) return {};
    claims.insert(QLatin1String("jti"),
                  QString::fromLatin1(encodeSegment(QByteArray(reinterpret_cast<const char *>(id), sizeof id))));
    return sign(claims);
}

JwtCodec::Result JwtCodec::verify(QByteArrayView token, qint64 nowSecs) const
{
    if (token.size() > m_options.maxTokenBytes) return failure(Error::TooLarge);

    const qsizetype firstDot = token.indexOf('.');
    const qsizetype secondDot = firstDot < 0 ? -1 : token.indexOf('.', firstDot + 1);
    if (secondDot < 0 || token.indexOf('.', secondDot + 1) >= 0) return failure(Error::Malformed);

    const QByteArrayView headerPart = token.first(firstDot);
    const QByteArrayView payloadPart = token.sliced(firstDot + 1, secondDot - firstDot - 1);
    const QByteArrayView signaturePart = token.sliced(secondDot + 1);

    QByteArray headerJson, payloadJson, signature;
    if (!decodeSegment(headerPart, &headerJson) || !decodeSegment(payloadPart, &payloadJson)
        || !decodeSegment(signaturePart, &signature))
        return failure(Error::Malformed);

    QJsonObject header;
    if (!parseObject(headerJson, &header)) return failure(Error::Malformed);

    const QJsonValue alg = header.value(QLatin1String("alg"));
    if (!alg.isString() || alg.toString() != QLatin1String("HS256")) return failure(Error::UnsupportedAlgorithm);

    const QJsonValue typ = header.value(QLatin1String("typ"));
    if (!typ.isUndefined()
        && (!typ.isString() || typ.toString().compare(QLatin1String("JWT"), Qt::CaseInsensitive) != 0))
        return failure(Error::UnsupportedHeader);
    if (header.contains(QLatin1String("crit"))) return failure(Error::UnsupportedHeader);

    // Which keys may have signed it: the one "kid" names, or every key for tokens
    // from before kid existed (and from tools that do not set it).
    const QJsonValue kid = header.value(QLatin1String("kid"));
    QList<const QByteArray *> candidates;
    if (kid.isUndefined()) {
        if (hasSecret()) candidates.append(&m_secret);
        for (const Key &k : m_previous) candidates.append(&k.secret);
    } else {
        if (!kid.isString()) return failure(Error::UnknownKey);
        const QString id = kid.toString();
        if (hasSecret() && id == m_keyId) candidates.append(&m_secret);
        for (const Key &k : m_previous)
            if (k.id == id) candidates.append(&k.secret); // ids of 32 bits may collide: try each
        if (candidates.isEmpty()) return failure(Error::UnknownKey);
    }

    // The MAC covers the segments exactly as received, not a re-encoding of them.
    bool matched = false;
    for (const QByteArray *secret : candidates) {
        if (signatureMatches(*secret, token.first(secondDot), signature)) {
            matched = true;
            break;
        }
    }
    if (!matched) return failure(Error::BadSignature);

    QJsonObject claims;
    if (!parseObject(payloadJson, &claims)) return failure(Error::Malformed);

    const QJsonValue exp = claims.value(QLatin1String("exp"));
    const QJsonValue nbf = claims.value(QLatin1String("nbf"));
    const QJsonValue iat = claims.value(QLatin1String("iat"));
    if (!isNumberOrAbsent(exp) || !isNumberOrAbsent(nbf) || !isNumberOrAbsent(iat)) return failure(Error::InvalidClaim);

    // Compared as doubles: NumericDate may be fractional and the values may be huge;
    // int64 seconds of today's dates are exact in a double.
    const double now = double(nowSecs);
    const double leeway = double(qMax<qint64>(0, m_options.leewaySeconds));
    if (exp.isUndefined()) {
        if (m_options.requireExpiry) return failure(Error::MissingExpiry);
    } else if (now >= exp.toDouble() + leeway) {
        return failure(Error::Expired);
    }
    if (!nbf.isUndefined() && now < nbf.toDouble() - leeway) return failure(Error::NotYetValid);

    const QJsonValue sub = claims.value(QLatin1String("sub"));
    if (!sub.isString() || sub.toString().isEmpty()) return failure(Error::MissingSubject);

    Result result;
    result.ok = true;
    result.error = Error::None;
    result.claims = std::move(claims);
    return result;
}

QString JwtCodec::errorCode(Error error)
{
    switch (error) {
    case Error::None: return QStringLiteral("ok");
    case Error::TooLarge: return QStringLiteral("too_large");
    case Error::Malformed: return QStringLiteral("malformed");
    case Error::UnsupportedAlgorithm: return QStringLiteral("unsupported_algorithm");
    case Error::UnsupportedHeader: return QStringLiteral("unsupported_header");
    case Error::BadSignature: return QStringLiteral("bad_signature");
    case Error::InvalidClaim: return QStringLiteral("invalid_claim");
    case Error::MissingExpiry: return QStringLiteral("missing_expiry");
    case Error::Expired: return QStringLiteral("expired");
    case Error::NotYetValid: return QStringLiteral("not_yet_valid");
    case Error::MissingSubject: return QStringLiteral("missing_subject");
    case Error::UnknownKey: return QStringLiteral("unknown_key");
    }
    return QStringLiteral("malformed");
}

} // namespace switchboard
