#include "PasswordHasher.h"

#include <QByteArrayList>

#include <sodium.h>

#include <algorithm>

namespace switchboard {

namespace {

constexpr int MaxRandomBytes = 1024 * 1024;

// The password as hashed: NFKC, UTF-8. Wiped after use so the plain text does not linger
// in freed heap memory longer than the caller's own copy.
class PasswordBytes
{
public:
    explicit PasswordBytes(const QString &password)
        : m_bytes(password.normalized(QString::NormalizationForm_KC).toUtf8())
    {
    }
    ~PasswordBytes()
    {
        if (!m_bytes.isEmpty()) sodium_memzero(m_bytes.data(), size_t(m_bytes.size()));
    }
    PasswordBytes(const PasswordBytes &) = delete;
    PasswordBytes &operator=(const PasswordBytes &) = delete;

    const char *data() const { return m_bytes.constData(); }
    qsizetype size() const { return m_bytes.size(); }

private:
    QByteArray m_bytes;
};

bool parseUnsigned(const QByteArray &text, QByteArrayView prefix, quint64 *out)
{
    if (!text.startsWith(prefix)) return false;
    const QByteArray digits = text.mid(prefix.size());
    if (digits.isEmpty() || digits.size() > 10) return false;
    for (char c : digits) {
        if (c < '0' || c > '9') return false;
    }
    bool ok = false;
    *out = digits.toULongLong(&ok);
    return ok;
}

// The hash as the NUL-terminated ASCII libsodium reads, or empty if it cannot be a hash
// (too long for crypto_pwhash_STRBYTES, spaces, control or non-ASCII characters).
QByteArray hashBytes(const QString &hash)
{
    if (hash.isEmpty() || hash.size() >= int(crypto_pwhash_STRBYTES)) return {};
    for (QChar c : hash) {
        if (c.unicode() <= 0x20 || c.unicode() >= 0x7f) return {};
    }
    return hash.toLatin1();
}

} // namespace

bool PasswordHasher::initialize()
{
    // Function-local static: initialised exactly once even with concurrent first calls.
    static const bool ready = sodium_init() >= 0;
    return ready;
}

PasswordHasher::Limits PasswordHasher::limitsFor(Cost cost)
{
    switch (cost) {
    case Cost::Minimum: return {crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
    case Cost::Interactive:
        return {crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE, crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE};
    case Cost::Moderate: return {crypto_pwhash_argon2id_OPSLIMIT_MODERATE, crypto_pwhash_argon2id_MEMLIMIT_MODERATE};
    case Cost::Sensitive: return {crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE, crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE};
    }
    return limitsFor(Cost::Interactive);
}

PasswordHasher::PasswordHasher(Cost cost) : m_limits(limitsFor(cost))
{
    initialize();
}

PasswordHasher::PasswordHasher(quint64 opsLimit, std::size_t memLimit)
{
    initialize();
    m_limits.opsLimit = std::clamp<quint64>(opsLimit, crypto_pwhash_argon2id_OPSLIMIT_MIN,
                                            crypto_pwhash_argon2id_OPSLIMIT_MAX);
    m_limits.memLimit = std::clamp<std::size_t>(memLimit, crypto_pwhash_argon2id_MEMLIMIT_MIN,
                                                crypto_pwhash_argon2id_MEMLIMIT_MAX);
}

QString PasswordHasher::hash(const QString &password) const
{
    if (!initialize()) return {};
    const PasswordBytes bytes(password);
    if (bytes.size() > MaxPasswordBytes) return {};
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, bytes.data(), (unsigned long long)bytes.size(), m_limits.opsLimit, m_limits.memLimit,
                              crypto_pwhash_ALG_ARGON2ID13)
        != 0)
        return {};
    return QString::fromLatin1(out);
}

// Reads m and t from "$argon2id$v=19$m=65536,t=2,p=1$salt$hash" (or $argon2i$) before
// libsodium sees the string, because libsodium would honour whatever cost it names.
bool PasswordHasher::costIsAcceptable(const QByteArray &hash) const
{
    const QByteArrayList parts = hash.split('$');
    if (parts.size() != 6 || !parts.at(0).isEmpty() || (parts.at(1) != "argon2id" && parts.at(1) != "argon2i")
        || parts.at(2) != "v=19")
        return false;
    const QByteArrayList params = parts.at(3).split(',');
    quint64 memKiB = 0, passes = 0, lanes = 0;
    if (params.size() != 3 || !parseUnsigned(params.at(0), "m=", &memKiB) || !parseUnsigned(params.at(1), "t=", &passes)
        || !parseUnsigned(params.at(2), "p=", &lanes))
        return false;
    const Limits ceiling = limitsFor(Cost::Sensitive);
    const quint64 maxOps = std::max<quint64>(m_limits.opsLimit, ceiling.opsLimit);
    const quint64 maxMem = std::max<quint64>(m_limits.memLimit, ceiling.memLimit);
    return memKiB <= maxMem / 1024 && passes <= maxOps && lanes >= 1 && lanes <= 16;
}

bool PasswordHasher::verify(const QString &hash, const QString &password) const
{
    const QByteArray ascii = hashBytes(hash);
    if (!initialize() || ascii.isEmpty() || !costIsAcceptable(ascii)) return false;
    const PasswordBytes bytes(password);
    if (bytes.size() > MaxPasswordBytes) return false;
    return crypto_pwhash_str_verify(ascii.constData(), bytes.data(), (unsigned long long)bytes.size()) == 0;
}

bool PasswordHasher::needsRehash(const QString &hash) const
{
    const QByteArray ascii = hashBytes(hash);
    if (!initialize() || ascii.isEmpty()) return true;
    // libsodium checks only the parameters; a tag that is not the 32 bytes we
    // write (43 base64 characters) was not made by us with these settings.
    // Without this, a truncated hash passed whenever its last bits decoded cleanly.
    if (ascii.size() - ascii.lastIndexOf('$') - 1 != 43) return true;
    return crypto_pwhash_str_needs_rehash(ascii.constData(), m_limits.opsLimit, m_limits.memLimit) != 0;
}

QByteArray PasswordHasher::randomSecret(int bytes)
{
    if (bytes <= 0 || bytes > MaxRandomBytes || !initialize()) return {};
    QByteArray secret(bytes, Qt::Uninitialized);
    randombytes_buf(secret.data(), size_t(secret.size()));
    return secret;
}

QString PasswordHasher::randomToken(int bytes)
{
    const QByteArray secret = randomSecret(bytes);
    return QString::fromLatin1(secret.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

} // namespace switchboard
