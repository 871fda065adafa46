#include "JwtCodec.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <limits>

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

JwtCodec::JwtCodec(QByteArray secret, const Options &options) : m_secret(std::move(secret)), m_options(options) {}

QByteArray JwtCodec::hmacSha256(QByteArrayView data) const
{
    if (m_secret.isEmpty() || m_secret.size() > std::numeric_limits<int>::max()) return {};
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int macLength = 0;
    const unsigned char *ok = HMAC(EVP_sha256(), m_secret.constData(), int(m_secret.size()),
                                   reinterpret_cast<const unsigned char *>(data.data()), size_t(data.size()), mac,
                                   &macLength);
    if (!ok || macLength != Sha256Bytes) return {};
    return QByteArray(reinterpret_cast<const char *>(mac), int(macLength));
}

QByteArray JwtCodec::sign(const QJsonObject &claims) const
{
    if (!hasSecret()) return {};
    // Written out rather than serialised so the header bytes never depend on Qt's key order.
    static const QByteArray header = encodeSegment(QByteArrayLiteral(R"({"alg":"HS256","typ":"JWT"})"));
    const QByteArray signingInput = header + '.' + encodeSegment(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    const QByteArray mac = hmacSha256(signingInput);
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

    // The MAC covers the segments exactly as received, not a re-encoding of them.
    const QByteArray expected = hmacSha256(token.first(secondDot));
    if (expected.size() != Sha256Bytes || signature.size() != Sha256Bytes
        || CRYPTO_memcmp(expected.constData(), signature.constData(), Sha256Bytes) != 0)
        return failure(Error::BadSignature);

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
    }
    return QStringLiteral("malformed");
}
