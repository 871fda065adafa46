#include "AccountManager.h"

#include "ChannelManager.h"
#include "CoreContext.h"
#include "DirectoryReloader.h"
#include "storage/EventStamp.h"
#include "auth/JwtCodec.h"
#include "auth/PasswordHasher.h"
#include "Session.h"
#include "SessionManager.h"
#include "storage/Store.h"
#include "Timestamp.h"

#include <QRegularExpression>
#include <QThreadPool>

namespace switchboard {

namespace {

bool validUsername(const QString &s)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9_][A-Za-z0-9_.\\-]{1,31}$"));
    return re.match(s).hasMatch();
}

// Verified against for unknown users too, so timing does not reveal who exists.
const QString kDummyHash = QStringLiteral(
    "$argon2id$v=19$m=8,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");

} // namespace

AccountManager::AccountManager(CoreContext &core, const QByteArray &jwtSecret, QObject *parent)
    : QObject(parent)
    , m_core(core)
    , m_jwt(std::make_unique<JwtCodec>(jwtSecret, core.config.previousJwtSecrets, JwtCodec::Options{}))
    , m_hasher(std::make_unique<PasswordHasher>(core.config.fastPasswordHashing ? PasswordHasher::Cost::Minimum
                                                                                : PasswordHasher::Cost::Interactive))
{
}

AccountManager::~AccountManager() = default;

void AccountManager::registerUser(const QString &username, const QString &password, const QString &email,
                                  const QString &displayName, QObject *context, Callback<User> done)
{
    using R = Result<User>;
    const CoreError taken = CoreError::conflict("username or email already taken");
    if (!validUsername(username))
        return CommitPath::reject(done, CoreError::invalid("username",
                                                           "username must be 2-32 letters, digits, '_', '.' or '-'"));
    if (password.size() < 6 || password.toUtf8().size() > PasswordHasher::MaxPasswordBytes)
        return CommitPath::reject(done, CoreError::invalid("password", "password must be at least 6 characters"));
    if (!email.isEmpty() && (!email.contains('@') || email.size() > 254))
        return CommitPath::reject(done, CoreError::invalid("email", "email is not valid"));
    if (displayName.size() > 80)
        return CommitPath::reject(done, CoreError::invalid("display_name", "display name is too long"));
    if (m_core.dir.userByName(username) || (!email.isEmpty() && m_core.dir.userByName(email)))
        return CommitPath::reject(done, taken);

    ContextGuard guard(context);
    const PasswordHasher *hasher = m_hasher.get();
    QThreadPool::globalInstance()->start([=, this] {
        const QString hash = hasher->hash(password);
        QMetaObject::invokeMethod(
            this,
            [=, this] {
            if (!guard.alive()) return; // nobody waits for the account: do not create it
            if (hash.isEmpty())
                return CommitPath::reply(guard, done, R::failure(CoreError::internal("internal error")));
            if (m_core.dir.userByName(username) || (!email.isEmpty() && m_core.dir.userByName(email)))
                return CommitPath::reply(guard, done, R::failure(taken));
            User u;
            u.id = Timestamp::newId();
            u.username = username;
            u.email = email;
            u.displayName = displayName;
            u.createdAt = Timestamp::nowMs();
            createUser(u, hash, context, done);
            },
            Qt::QueuedConnection);
    });
}

void AccountManager::createUser(const User &u, const QString &hash, QObject *context, Callback<User> done)
{
    const QString ws = m_core.dir.defaultWorkspaceId();
    const QString general = m_core.dir.findChannelByName(ws, QStringLiteral("general"));
    CommitPath::Steps<User> steps;
    steps.onConflict = CoreError::conflict("username or email already taken");
    auto joined = general.isEmpty() ? EventStampPtr()
                                    : m_core.channels->memberStamp(ChatEvent::Type::MemberJoined, general, u.id, u.id);
    steps.write = [=](Store &store, CommitPath::Tally &t) {
        store.insertUser(u, hash, t.next());
        store.addWorkspaceMember(ws, u.id, QStringLiteral("member"), u.createdAt, t.next());
        if (!general.isEmpty()) store.addChannelMember(general, u.id, u.createdAt, t.next(), joined);
    };
    steps.apply = [=, this] {
        m_core.dir.putUser(u);
        m_core.dir.addWorkspaceMember(ws, u.id);
        return Result<User>::success(u);
    };
    steps.publish = [=, this](const User &) {
        if (const Channel *c = m_core.dir.channel(general)) m_core.channels->memberAdded(*c, u.id, u.id, joined);
    };
    m_core.commits.commit(context, std::move(done), std::move(steps));
}

void AccountManager::login(const QString &name, const QString &password, QObject *context, Callback<User> done)
{
    const User *found = m_core.dir.userByName(name);
    // Registered on another cluster node a moment ago? (An unknown name costs
    // a hash verification anyway, so the one-row read adds no new lever.)
    if (!found && m_reloader && m_reloader->reloadUserNamed(name)) found = m_core.dir.userByName(name);
    const QString hash = found && m_core.store ? m_core.store->passwordHash(found->id) : QString();
    const User u = found ? *found : User();
    ContextGuard guard(context);
    const PasswordHasher *hasher = m_hasher.get();
    QThreadPool::globalInstance()->start([=, this] {
        const bool ok = hasher->verify(hash.isEmpty() ? kDummyHash : hash, password);
        QMetaObject::invokeMethod(
            this,
            [=, this] {
            const CoreError refused = CoreError::unauthorized("invalid username or password");
            if (!u.isValid() || hash.isEmpty() || !ok)
                return CommitPath::reply(guard, done, Result<User>::failure(refused));
            const User *now = m_core.dir.user(u.id);
            if (!now || now->disabled)
                return CommitPath::reply(guard, done,
                                         Result<User>::failure(CoreError::unauthorized("account disabled")));
            CommitPath::reply(guard, done, Result<User>::success(*now));
            },
            Qt::QueuedConnection);
    });
}

QByteArray AccountManager::issueToken(const User &u) const
{
    return m_jwt->issue(u.id, u.name(), m_core.config.tokenTtlSeconds, Timestamp::nowMs() / 1000);
}

Result<User> AccountManager::authenticate(const QByteArray &token) const
{
    if (token.isEmpty()) return Result<User>::failure(CoreError::unauthorized("missing token"));
    QString invalid;
    const QString subject = verifiedSubject(token, &invalid);
    if (subject.isEmpty())
        return Result<User>::failure(CoreError::unauthorized(QStringLiteral("invalid token: %1").arg(invalid)));
    if (m_revoked.size() > 0 && m_revoked.isRevoked(TokenRevocations::digest(token), Timestamp::nowMs() / 1000))
        return Result<User>::failure(CoreError::unauthorized("invalid token: revoked"));
    const User *u = m_core.dir.user(subject);
    // A signed token names a user that exists: on a cluster node its
    // registration (and the memberships it made) may be newer than the
    // notices from the node that made it.
    if (!u && m_reloader && m_reloader->reloadUser(subject)) u = m_core.dir.user(subject);
    if (!u) return Result<User>::failure(CoreError::unauthorized("invalid token: unknown user"));
    if (u->disabled) return Result<User>::failure(CoreError::unauthorized("account disabled"));
    return Result<User>::success(*u);
}

QString AccountManager::verifiedSubject(const QByteArray &token, QString *error) const
{
    const qint64 second = Timestamp::nowMs() / 1000;
    if (m_lastVerified.second == second && m_lastVerified.token == token) return m_lastVerified.subject;
    const JwtCodec::Result r = m_jwt->verify(token, second);
    if (!r.ok) {
        *error = r.errorCode();
        return QString();
    }
    m_lastVerified = {token, second, r.subject()};
    return m_lastVerified.subject;
}

void AccountManager::logout(const QByteArray &token, QObject *context, Callback<User> done)
{
    // Logged out through another cluster node a moment ago? (logouts are rare: read the shared list)
    if (m_reloader && m_reloader->readThrough() && m_core.store)
        m_revoked.load(m_core.store->loadRevokedTokens(Timestamp::nowMs() / 1000));
    const Result<User> who = authenticate(token);
    if (!who.ok()) return CommitPath::reject(done, who.error);
    const qint64 now = Timestamp::nowMs() / 1000;
    const qint64 exp = qint64(m_jwt->verify(token, now).claims.value(QLatin1String("exp")).toDouble());
    const QByteArray digest = TokenRevocations::digest(token);
    const User u = who.value;
    m_revoked.prune(now); // logouts are rare: the list stays as small as the live tokens
    CommitPath::Steps<User> steps;
    steps.write = [=](Store &store, CommitPath::Tally &t) {
        store.insertRevokedToken(digest, u.id, exp, Timestamp::nowMs(), t.next());
    };
    steps.apply = [=, this] {
        m_revoked.revoke(digest, exp);
        return Result<User>::success(u);
    };
    steps.settle = [=, this](const User &) {
        for (Session *s : m_core.sessions->sessionsOfUser(u.id))
            if (s->tokenDigest() == digest)
                s->closeUnauthorized(Session::AuthLoss::TokenRevoked, QStringLiteral("token revoked"));
        if (m_reloader) m_reloader->announce("revocations"); // the token's connections on other nodes
    };
    m_core.commits.commit(context, std::move(done), std::move(steps));
}

void AccountManager::disableUser(const QString &userId, const QString &reason, QObject *context, Callback<User> done)
{
    const User *u = m_core.dir.user(userId);
    if (!u || userId == CoreContext::systemUserId())
        return CommitPath::reject(done, CoreError::notFound("no such user"));
    User changed = *u;
    changed.disabled = true;
    CommitPath::Steps<User> steps;
    steps.write = [=](Store &store, CommitPath::Tally &t) { store.setUserDisabled(userId, true, t.next()); };
    steps.apply = [=, this] {
        m_core.dir.putUser(changed);
        return Result<User>::success(changed);
    };
    steps.settle = [=, this](const User &) { closeDisabled(userId, reason); };
    m_core.commits.commit(context, std::move(done), std::move(steps));
}

void AccountManager::closeDisabled(const QString &userId, const QString &reason)
{
    const QString why = reason.isEmpty() ? QStringLiteral("account disabled") : reason;
    for (Session *s : m_core.sessions->sessionsOfUser(userId))
        s->closeUnauthorized(Session::AuthLoss::AccountDisabled, why);
}

void AccountManager::applyRemoteRevocations()
{
    if (!m_core.store) return;
    const qint64 now = Timestamp::nowMs() / 1000;
    m_revoked.load(m_core.store->loadRevokedTokens(now));
    for (Session *s : m_core.sessions->sessions())
        if (!s->tokenDigest().isEmpty() && m_revoked.isRevoked(s->tokenDigest(), now))
            s->closeUnauthorized(Session::AuthLoss::TokenRevoked, QStringLiteral("token revoked"));
}

void AccountManager::loadRevocations()
{
    if (!m_core.store) return;
    const qint64 now = Timestamp::nowMs() / 1000;
    m_revoked.load(m_core.store->loadRevokedTokens(now));
    m_core.store->deleteExpiredRevocations(now, {});
}

bool AccountManager::ensureSystemUser(QString *error)
{
    if (m_core.dir.user(CoreContext::systemUserId())) return true;
    User sys;
    sys.id = CoreContext::systemUserId();
    sys.username = QStringLiteral("system");
    sys.displayName = QStringLiteral("System");
    sys.createdAt = Timestamp::nowMs();
    sys.disabled = true; // nobody can log in as it
    StoreStatus status;
    m_core.store->insertUser(sys, QString(), [&status](const StoreStatus &s) { status = s; });
    m_core.store->flush();
    if (!status.ok()) {
        *error = status.text;
        return false;
    }
    m_core.dir.putUser(sys);
    return true;
}

} // namespace switchboard
