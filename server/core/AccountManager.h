#pragma once

#include "Result.h"
#include "TokenRevocations.h"
#include "User.h"

#include <QObject>

#include <memory>

namespace switchboard {

class DirectoryReloader;
class JwtCodec;
class PasswordHasher;
struct CoreContext;

// Accounts: registration, login, tokens, disabling. Password hashing runs on
// the thread pool (argon2id costs tens of milliseconds by design).
class AccountManager : public QObject
{
    Q_OBJECT
public:
    AccountManager(CoreContext &core, const QByteArray &jwtSecret, QObject *parent = nullptr);
    ~AccountManager() override;

    void registerUser(const QString &username, const QString &password, const QString &email,
                      const QString &displayName, QObject *context, Callback<User> done);
    void login(const QString &usernameOrEmail, const QString &password, QObject *context, Callback<User> done);
    QByteArray issueToken(const User &u) const;
    // Verifies signature, expiry, that the token is not revoked and that the user
    // exists and is enabled.
    Result<User> authenticate(const QByteArray &token) const;
    // Revokes this one token for good (persisted) and closes every connection that
    // authenticated with it, each with its dialect's auth error. Answers the token's user.
    void logout(const QByteArray &token, QObject *context, Callback<User> done);
    // Disabling closes the user's connections the same way; the disabled flag refuses
    // every token of the user from then on.
    void disableUser(const QString &userId, const QString &reason, QObject *context, Callback<User> done);
    // The system user, author of system messages (written once, at first start).
    bool ensureSystemUser(QString *error);
    // The cluster's directory sync (read-through on a miss, notices to other nodes).
    void setReloader(DirectoryReloader *reloader) { m_reloader = reloader; }
    // Reads the revocations still in force; drops expired ones from storage.
    void loadRevocations();
    // Another cluster node revoked tokens or disabled users: re-reads the
    // revocations and closes the local connections that lost their right.
    void applyRemoteRevocations();
    void closeDisabled(const QString &userId, const QString &reason);

private:
    void createUser(const User &u, const QString &hash, QObject *context, Callback<User> done);
    // The subject of a valid token, or empty (verifying is most of a login's CPU).
    QString verifiedSubject(const QByteArray &token, QString *error) const;

    CoreContext &m_core;
    std::unique_ptr<JwtCodec> m_jwt;
    std::unique_ptr<PasswordHasher> m_hasher;
    TokenRevocations m_revoked;
    DirectoryReloader *m_reloader = nullptr;
    // The last token verified and the second it was verified in: a WebSocket
    // upgrade checks the token twice in one call (route check, then accept),
    // and verify() is a pure function of token, keys and the second.
    struct Verified
    {
        QByteArray token;
        qint64 second = -1;
        QString subject;
    };
    mutable Verified m_lastVerified;
};

} // namespace switchboard
