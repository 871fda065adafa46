#pragma once

#include "Result.h"
#include "User.h"

#include <QObject>

#include <memory>

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
    // Verifies signature, expiry and that the user exists and is enabled.
    Result<User> authenticate(const QByteArray &token) const;
    void disableUser(const QString &userId, const QString &reason, QObject *context, Callback<User> done);
    // The system user, author of system messages (written once, at first start).
    bool ensureSystemUser(QString *error);

private:
    void createUser(const User &u, const QString &hash, QObject *context, Callback<User> done);

    CoreContext &m_core;
    std::unique_ptr<JwtCodec> m_jwt;
    std::unique_ptr<PasswordHasher> m_hasher;
};
