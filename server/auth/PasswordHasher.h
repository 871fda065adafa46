#pragma once

#include <QByteArray>
#include <QString>

#include <cstddef>

namespace switchboard {

// Password hashing with argon2id (libsodium crypto_pwhash_str_alg, ARGON2ID13), plus the
// server's source of random secrets. Hashes are self-describing PHC strings
// ("$argon2id$v=19$m=65536,t=2,p=1$salt$hash"): salt and cost travel with the hash, so a
// cost change only needs needsRehash() at the next successful login.
//
// Passwords are NFKC-normalised and UTF-8 encoded before hashing (NIST SP 800-63B 5.1.1.2),
// so the same password typed on keyboards that compose accents differently still matches.
//
// hash() and verify() are deliberately slow and memory-hungry (Interactive: ~64 MiB and tens
// of milliseconds per call): call them off the event loop. All methods are const and
// thread-safe; nothing here throws.
class PasswordHasher
{
public:
    enum class Cost {
        Minimum,     // libsodium's floor (1 pass, 8 KiB): tests and benchmarks only
        Interactive, // crypto_pwhash_*_INTERACTIVE, the default for logins
        Moderate,    // crypto_pwhash_*_MODERATE
        Sensitive,   // crypto_pwhash_*_SENSITIVE
    };

    struct Limits
    {
        quint64 opsLimit = 0;     // argon2 passes (t)
        std::size_t memLimit = 0; // bytes (m * 1024)
    };

    // Longer passwords are refused rather than hashed: a cap bounds the work one request
    // can cause, and nobody types 4 KiB.
    static constexpr int MaxPasswordBytes = 4096;

    explicit PasswordHasher(Cost cost = Cost::Interactive);
    // Custom cost, clamped into libsodium's argon2id bounds.
    PasswordHasher(quint64 opsLimit, std::size_t memLimit);

    static Limits limitsFor(Cost cost);
    Limits limits() const { return m_limits; }

    // PHC string starting with "$argon2id$"; empty if the password is too long or
    // libsodium failed (out of memory, sodium_init failed).
    QString hash(const QString &password) const;

    // False for a wrong password and for anything that is not a well-formed argon2id/argon2i
    // hash. Hashes asking for more than max(this hasher's cost, Cost::Sensitive) are refused
    // unverified, so a corrupted or planted hash cannot make one login allocate gigabytes.
    bool verify(const QString &hash, const QString &password) const;

    // True when the hash was made with other parameters (or another algorithm) than this
    // hasher's, and also for strings that are not hashes at all.
    bool needsRehash(const QString &hash) const;

    // sodium_init() once per process (thread-safe); false if libsodium cannot work, in
    // which case every other method fails closed.
    static bool initialize();

    // `bytes` bytes from the OS CSPRNG (randombytes_buf). Empty if bytes <= 0,
    // bytes > 1 MiB or libsodium is unusable: never predictable bytes.
    static QByteArray randomSecret(int bytes);

    // randomSecret(bytes) as unpadded base64url ([A-Za-z0-9_-]), for URLs and headers.
    static QString randomToken(int bytes);

private:
    bool costIsAcceptable(const QByteArray &hash) const;

    Limits m_limits;
};

} // namespace switchboard
