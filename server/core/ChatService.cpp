#include "ChatService.h"

#include "ContextGuard.h"

#include "JwtCodec.h"
#include "MentionParser.h"
#include "Metrics.h"
#include "PasswordHasher.h"
#include "Session.h"
#include "Store.h"
#include "Timestamp.h"

#include <QLoggingCategory>
#include <QRegularExpression>
#include <QThreadPool>
#include <QUrl>

#include <algorithm>

Q_LOGGING_CATEGORY(lcChat, "switchboard.chat")

namespace {

using Guard = ContextGuard;

// Every answer that arrives after the commit goes through here: success and
// failure alike are dropped when the context that asked is gone (a failed
// commit racing a disconnect used to call into a freed session).
template <typename T>
void answer(const Guard &guard, const Callback<T> &done, const Result<T> &r)
{
    if (!r.ok() && r.error.code == CoreError::Internal) qCWarning(lcChat) << "internal error:" << r.error.message;
    if (done && guard.alive()) done(r);
}

const QString kSystemUserId = QStringLiteral("00000000-0000-0000-0000-000000000000");

bool validUsername(const QString &s)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9_][A-Za-z0-9_.\\-]{1,31}$"));
    return re.match(s).hasMatch();
}

} // namespace

ChatService::ChatService(Store *store, const QByteArray &jwtSecret, const CoreConfig &config, QObject *parent)
    : QObject(parent), m_store(store), m_config(config),
      m_jwt(std::make_unique<JwtCodec>(jwtSecret)),
      m_hasher(std::make_unique<PasswordHasher>(config.fastPasswordHashing ? PasswordHasher::Cost::Minimum
                                                                           : PasswordHasher::Cost::Interactive))
{
    m_typing.setTimeoutMs(m_config.typingTimeoutMs);
    connect(&m_presence, &PresenceManager::presenceChanged, this, &ChatService::onPresenceChanged);
    connect(&m_typing, &TypingManager::typingChanged, this, &ChatService::onTypingChanged);
    m_prune.setInterval(60 * 1000);
    connect(&m_prune, &QTimer::timeout, this, [this] { m_limiter.prune(Timestamp::nowMs()); });
    m_prune.start();
}

ChatService::~ChatService()
{
    // Writes still queued call back into us when they commit: let them do so
    // while we exist (a store that outlives us would otherwise run them later).
    if (m_store) m_store->flush();
    // Adopted sessions still open; each detaches itself on the way.
    const QList<Session *> owned = m_owned.values();
    m_owned.clear();
    qDeleteAll(owned);
}

void ChatService::adoptSession(Session *s)
{
    m_owned.insert(s);
    connect(s, &Session::aboutToBeDestroyed, this, [this](Session *gone) { m_owned.remove(gone); }, Qt::DirectConnection);
}

template <typename T>
void ChatService::finish(QObject *, const Callback<T> &done, const Result<T> &r)
{
    if (!r.ok() && r.error.code == CoreError::Internal) qCWarning(lcChat) << "internal error:" << r.error.message;
    if (done) done(r);
}

bool ChatService::start(QString *error)
{
    m_dir.clear();
    for (const User &u : m_store->loadUsers()) m_dir.putUser(u);
    for (const Workspace &w : m_store->loadWorkspaces()) m_dir.putWorkspace(w);
    for (const auto &m : m_store->loadWorkspaceMembers()) m_dir.addWorkspaceMember(m.scopeId, m.userId);
    for (const Channel &c : m_store->loadChannels()) m_dir.putChannel(c);
    QHash<QString, QStringList> dmMembers;
    for (const auto &m : m_store->loadChannelMembers()) {
        m_dir.addChannelMember(m.scopeId, m.userId);
        if (const Channel *c = m_dir.channel(m.scopeId); c && c->type == Channel::Type::Dm)
            dmMembers[m.scopeId].append(m.userId);
    }
    for (auto it = dmMembers.cbegin(); it != dmMembers.cend(); ++it) m_dir.putDm(Directory::dmKey(it.value()), it.key());
    const QHash<QString, qint64> seqs = m_store->loadChannelSequences();
    for (auto it = seqs.cbegin(); it != seqs.cend(); ++it) m_dir.setSeq(it.key(), it.value());
    error->clear();
    ensureDefaultWorkspace(error);
    return error->isEmpty();
}

void ChatService::ensureDefaultWorkspace(QString *error)
{
    bool ok = true;
    QString err;
    auto done = [&](bool o, const QString &e) { if (!o) { ok = false; err = e; } };
    if (!m_dir.user(kSystemUserId)) {
        User sys;
        sys.id = kSystemUserId;
        sys.username = QStringLiteral("system");
        sys.displayName = QStringLiteral("System");
        sys.createdAt = Timestamp::nowMs();
        sys.disabled = true; // nobody can log in as it
        m_store->insertUser(sys, QString(), done);
        m_store->flush();
        if (ok) m_dir.putUser(sys);
    }
    if (ok && m_dir.defaultWorkspaceId().isEmpty()) {
        Workspace w{Timestamp::newId(), QStringLiteral("Default"), QString(), true, Timestamp::nowMs()};
        Channel general;
        general.id = Timestamp::newId();
        general.workspaceId = w.id;
        general.name = QStringLiteral("general");
        general.description = QStringLiteral("General discussion");
        general.createdAt = w.createdAt;
        m_store->insertWorkspace(w, done);
        m_store->insertChannel(general, done);
        m_store->flush();
        if (ok) {
            m_dir.putWorkspace(w);
            m_dir.putChannel(general);
        }
    }
    if (!ok) *error = err;
}

// ---- identity ---------------------------------------------------------------

void ChatService::registerUser(const QString &username, const QString &password, const QString &email,
                               const QString &displayName, QObject *context, Callback<User> done)
{
    if (!validUsername(username))
        return finish(context, done, Result<User>::failure(CoreError::invalid("username", "username must be 2-32 letters, digits, '_', '.' or '-'")));
    if (password.size() < 6 || password.toUtf8().size() > PasswordHasher::MaxPasswordBytes)
        return finish(context, done, Result<User>::failure(CoreError::invalid("password", "password must be at least 6 characters")));
    if (!email.isEmpty() && (!email.contains('@') || email.size() > 254))
        return finish(context, done, Result<User>::failure(CoreError::invalid("email", "email is not valid")));
    if (displayName.size() > 80)
        return finish(context, done, Result<User>::failure(CoreError::invalid("display_name", "display name is too long")));
    if (m_dir.userByName(username) || (!email.isEmpty() && m_dir.userByName(email)))
        return finish(context, done, Result<User>::failure(CoreError::conflict("username or email already taken")));

    Guard guard(context);
    const PasswordHasher *hasher = m_hasher.get();
    // argon2id costs tens of milliseconds by design: keep it off the event loop.
    QThreadPool::globalInstance()->start([=, this] {
        const QString hash = hasher->hash(password);
        QMetaObject::invokeMethod(this, [=, this] {
            if (hash.isEmpty()) return answer(guard, done, Result<User>::failure(CoreError::internal("password hashing failed")));
            if (m_dir.userByName(username) || (!email.isEmpty() && m_dir.userByName(email)))
                return answer(guard, done, Result<User>::failure(CoreError::conflict("username or email already taken")));
            User u;
            u.id = Timestamp::newId();
            u.username = username;
            u.email = email;
            u.displayName = displayName;
            u.createdAt = Timestamp::nowMs();
            const QString ws = m_dir.defaultWorkspaceId();
            const QString general = m_dir.findChannelByName(ws, QStringLiteral("general"));
            auto failed = std::make_shared<QString>();
            auto note = [failed](bool ok, const QString &e) { if (!ok && failed->isEmpty()) *failed = e.isEmpty() ? QStringLiteral("write failed") : e; };
            m_store->insertUser(u, hash, note);
            m_store->addWorkspaceMember(ws, u.id, QStringLiteral("member"), u.createdAt, note);
            if (!general.isEmpty()) m_store->addChannelMember(general, u.id, u.createdAt, note);
            m_store->enqueue([](QSqlDatabase &, QString *) { return true; }, [=, this](bool, const QString &) {
                if (!failed->isEmpty()) {
                    const bool dup = failed->contains(QLatin1String("UNIQUE"), Qt::CaseInsensitive) || failed->contains(QLatin1String("duplicate"));
                    return answer(guard, done, Result<User>::failure(dup ? CoreError::conflict("username or email already taken")
                                                                           : CoreError::internal(*failed)));
                }
                m_dir.putUser(u);
                m_dir.addWorkspaceMember(ws, u.id);
                answer(guard, done, Result<User>::success(u));
                if (!general.isEmpty()) if (const Channel *c = m_dir.channel(general)) addMemberCommitted(*c, u.id, u.id);
            });
        }, Qt::QueuedConnection);
    });
}

void ChatService::login(const QString &name, const QString &password, QObject *context, Callback<User> done)
{
    const User *found = m_dir.userByName(name);
    const QString hash = found ? m_store->passwordHash(found->id) : QString();
    const User u = found ? *found : User();
    Guard guard(context);
    const PasswordHasher *hasher = m_hasher.get();
    QThreadPool::globalInstance()->start([=, this] {
        // Verify even for unknown users' empty hash, so timing does not reveal who exists.
        const bool ok = hasher->verify(hash.isEmpty() ? QStringLiteral("$argon2id$v=19$m=8,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA") : hash, password);
        QMetaObject::invokeMethod(this, [=, this] {
            if (!guard.alive()) return;
            if (!u.isValid() || hash.isEmpty() || !ok)
                return answer(guard, done, Result<User>::failure(CoreError::unauthorized("invalid username or password")));
            const User *now = m_dir.user(u.id);
            if (!now || now->disabled)
                return answer(guard, done, Result<User>::failure(CoreError::unauthorized("account disabled")));
            answer(guard, done, Result<User>::success(*now));
        }, Qt::QueuedConnection);
    });
}

QByteArray ChatService::issueToken(const User &u) const
{
    return m_jwt->issue(u.id, u.name(), m_config.tokenTtlSeconds, Timestamp::nowMs() / 1000);
}

Result<User> ChatService::authenticate(const QByteArray &token) const
{
    if (token.isEmpty()) return Result<User>::failure(CoreError::unauthorized("missing token"));
    const JwtCodec::Result r = m_jwt->verify(token, Timestamp::nowMs() / 1000);
    if (!r.ok) return Result<User>::failure(CoreError::unauthorized(QStringLiteral("invalid token: %1").arg(r.errorCode())));
    const User *u = m_dir.user(r.subject());
    if (!u) return Result<User>::failure(CoreError::unauthorized("invalid token: unknown user"));
    if (u->disabled) return Result<User>::failure(CoreError::unauthorized("account disabled"));
    return Result<User>::success(*u);
}

void ChatService::disableUser(const QString &userId, const QString &reason, QObject *context, Callback<User> done)
{
    const User *u = m_dir.user(userId);
    if (!u || userId == kSystemUserId) return finish(context, done, Result<User>::failure(CoreError::notFound("no such user")));
    Guard guard(context);
    m_store->setUserDisabled(userId, true, [=, this](bool ok, const QString &err) {
        if (!ok) return answer(guard, done, Result<User>::failure(CoreError::internal(err)));
        User changed = *m_dir.user(userId);
        changed.disabled = true;
        m_dir.putUser(changed);
        for (Session *s : sessionsOfUser(userId)) s->disconnectWithReason(reason.isEmpty() ? QStringLiteral("account disabled") : reason);
        answer(guard, done, Result<User>::success(changed));
    });
}

// ---- workspaces -------------------------------------------------------------

QList<Workspace> ChatService::workspacesOf(const QString &userId) const
{
    QList<Workspace> out;
    for (const QString &id : m_dir.workspacesOf(userId))
        if (const Workspace *w = m_dir.workspace(id)) out.append(*w);
    std::sort(out.begin(), out.end(), [](const Workspace &a, const Workspace &b) { return a.createdAt < b.createdAt; });
    return out;
}

void ChatService::createWorkspace(const QString &actorId, const QString &name, QObject *context, Callback<Workspace> done)
{
    const QString n = name.trimmed();
    if (n.isEmpty() || n.size() > 80)
        return finish(context, done, Result<Workspace>::failure(CoreError::invalid("name", "name must be 1-80 characters")));
    Workspace w{Timestamp::newId(), n, actorId, false, Timestamp::nowMs()};
    Guard guard(context);
    m_store->insertWorkspace(w, nullptr);
    m_store->addWorkspaceMember(w.id, actorId, QStringLiteral("owner"), w.createdAt, [=, this](bool ok, const QString &err) {
        if (!ok) return answer(guard, done, Result<Workspace>::failure(CoreError::internal(err)));
        m_dir.putWorkspace(w);
        m_dir.addWorkspaceMember(w.id, actorId);
        for (Session *s : sessionsOfUser(actorId)) m_rooms.subscribe(s, RoomManager::workspaceTopic(w.id));
        answer(guard, done, Result<Workspace>::success(w));
    });
}

void ChatService::addWorkspaceMember(const QString &actorId, const QString &workspaceId, const QString &userId,
                                     QObject *context, Callback<Workspace> done)
{
    const Workspace *w = m_dir.workspace(workspaceId);
    if (!w || (!actorId.isEmpty() && !m_dir.isWorkspaceMember(workspaceId, actorId)))
        return finish(context, done, Result<Workspace>::failure(CoreError::notFound("no such workspace")));
    if (!actorId.isEmpty() && w->ownerId != actorId && !w->isDefault)
        return finish(context, done, Result<Workspace>::failure(CoreError::accessDenied("only the workspace owner can add members")));
    if (!m_dir.user(userId)) return finish(context, done, Result<Workspace>::failure(CoreError::notFound("no such user")));
    const Workspace ws = *w;
    Guard guard(context);
    m_store->addWorkspaceMember(workspaceId, userId, QStringLiteral("member"), Timestamp::nowMs(), [=, this](bool ok, const QString &err) {
        if (!ok) return answer(guard, done, Result<Workspace>::failure(CoreError::internal(err)));
        m_dir.addWorkspaceMember(workspaceId, userId);
        for (Session *s : sessionsOfUser(userId)) m_rooms.subscribe(s, RoomManager::workspaceTopic(workspaceId));
        answer(guard, done, Result<Workspace>::success(ws));
    });
}

// ---- channels ---------------------------------------------------------------

QList<Channel> ChatService::visibleChannels(const QString &userId, const QString &workspaceId) const
{
    QList<Channel> out;
    const QStringList wss = workspaceId.isEmpty() ? m_dir.workspacesOf(userId) : QStringList{workspaceId};
    for (const QString &ws : wss) {
        if (!m_dir.isWorkspaceMember(ws, userId)) continue;
        for (const Channel &c : m_dir.channelsOfWorkspace(ws))
            if (m_dir.canRead(c.id, userId)) out.append(c);
    }
    std::sort(out.begin(), out.end(), [](const Channel &a, const Channel &b) { return a.createdAt < b.createdAt || (a.createdAt == b.createdAt && a.id < b.id); });
    return out;
}

Result<Channel> ChatService::readableChannel(const QString &userId, const QString &channelId) const
{
    const Channel *c = m_dir.channel(channelId);
    if (!c) return Result<Channel>::failure(CoreError::notFound("channel not found"));
    if (!m_dir.canRead(channelId, userId)) {
        if (c->type == Channel::Type::Dm) return Result<Channel>::failure(CoreError::accessDenied("Access denied to conversation"));
        return Result<Channel>::failure(CoreError::accessDenied("Access denied to channel"));
    }
    return Result<Channel>::success(*c);
}

bool ChatService::canModerate(const QString &actorId, const Channel &c) const
{
    if (actorId.isEmpty()) return true; // the admin
    if (c.createdBy == actorId) return true;
    const Workspace *w = m_dir.workspace(c.workspaceId);
    return w && w->ownerId == actorId;
}

QStringList ChatService::topicsFor(const Channel &c, bool withWorkspace) const
{
    QStringList t{RoomManager::channelTopic(c.id)};
    if (withWorkspace && c.isPublic()) t.append(RoomManager::workspaceTopic(c.workspaceId));
    if (!c.isPublic()) // members who are not subscribed to the channel still hear about it
        for (const QString &u : m_dir.channelMembers(c.id)) t.append(RoomManager::userTopic(u));
    return t;
}

void ChatService::createChannel(const QString &actorId, const QString &name, const QString &type, const QString &description,
                                const QString &workspaceId, QObject *context, Callback<Channel> done)
{
    Channel c;
    c.name = name.trimmed();
    if (c.name.startsWith('#')) c.name.remove(0, 1);
    if (c.name.isEmpty() || c.name.size() > 80)
        return finish(context, done, Result<Channel>::failure(CoreError::invalid("name", "name must be 1-80 characters")));
    if (!Channel::parseType(type.isEmpty() ? QStringLiteral("public") : type, &c.type) || c.type == Channel::Type::Dm)
        return finish(context, done, Result<Channel>::failure(CoreError::invalid("type", "type must be public or private")));
    if (description.size() > 1000)
        return finish(context, done, Result<Channel>::failure(CoreError::invalid("description", "description is too long")));
    c.workspaceId = workspaceId.isEmpty() ? m_dir.defaultWorkspaceId() : workspaceId;
    if (!m_dir.workspace(c.workspaceId) || !m_dir.isWorkspaceMember(c.workspaceId, actorId))
        return finish(context, done, Result<Channel>::failure(CoreError::notFound("no such workspace")));
    const QString nameKey = c.workspaceId + QLatin1Char('/') + c.name.toLower();
    if (!m_dir.findChannelByName(c.workspaceId, c.name).isEmpty() || m_pendingChannelNames.contains(nameKey))
        return finish(context, done, Result<Channel>::failure(CoreError::conflict("a channel with that name exists")));
    m_pendingChannelNames.insert(nameKey); // the directory learns of it only at commit
    c.id = Timestamp::newId();
    c.description = description;
    c.createdBy = actorId;
    c.createdAt = Timestamp::nowMs();
    Guard guard(context);
    m_store->insertChannel(c, nullptr);
    m_store->addChannelMember(c.id, actorId, c.createdAt, [=, this](bool ok, const QString &err) {
        m_pendingChannelNames.remove(nameKey);
        if (!ok) return answer(guard, done, Result<Channel>::failure(CoreError::internal(err)));
        m_dir.putChannel(c);
        m_dir.addChannelMember(c.id, actorId);
        answer(guard, done, Result<Channel>::success(c));
        publish(ChatEvent::Type::ChannelCreated, c, [&](ChatEvent &e) { e.actor = *m_dir.user(actorId); },
                c.isPublic() ? QStringList{RoomManager::workspaceTopic(c.workspaceId)} : QStringList{RoomManager::userTopic(actorId)});
        addMemberCommitted(c, actorId, actorId);
    });
}

void ChatService::updateChannel(const QString &actorId, const QString &channelId, const std::optional<QString> &name,
                                const std::optional<QString> &description, QObject *context, Callback<Channel> done)
{
    const Channel *cur = m_dir.channel(channelId);
    if (!cur || !m_dir.canRead(channelId, actorId)) return finish(context, done, Result<Channel>::failure(CoreError::notFound("channel not found")));
    if (!canModerate(actorId, *cur)) return finish(context, done, Result<Channel>::failure(CoreError::accessDenied("only the creator or a workspace owner can change a channel")));
    Channel c = *cur;
    if (name) {
        QString n = name->trimmed();
        if (n.startsWith('#')) n.remove(0, 1);
        if (n.isEmpty() || n.size() > 80) return finish(context, done, Result<Channel>::failure(CoreError::invalid("name", "name must be 1-80 characters")));
        const QString other = m_dir.findChannelByName(c.workspaceId, n);
        if (!other.isEmpty() && other != c.id) return finish(context, done, Result<Channel>::failure(CoreError::conflict("a channel with that name exists")));
        c.name = n;
    }
    if (description) {
        if (description->size() > 1000) return finish(context, done, Result<Channel>::failure(CoreError::invalid("description", "description is too long")));
        c.description = *description;
    }
    Guard guard(context);
    m_store->updateChannel(c, [=, this](bool ok, const QString &err) {
        if (!ok) return answer(guard, done, Result<Channel>::failure(CoreError::internal(err)));
        m_dir.putChannel(c);
        answer(guard, done, Result<Channel>::success(c));
        publish(ChatEvent::Type::ChannelUpdated, c, [&](ChatEvent &e) { if (const User *u = m_dir.user(actorId)) e.actor = *u; },
                topicsFor(c, true));
    });
}

void ChatService::deleteChannel(const QString &actorId, const QString &channelId, QObject *context, Callback<Channel> done)
{
    const Channel *cur = m_dir.channel(channelId);
    if (!cur || !m_dir.canRead(channelId, actorId)) return finish(context, done, Result<Channel>::failure(CoreError::notFound("channel not found")));
    if (!canModerate(actorId, *cur)) return finish(context, done, Result<Channel>::failure(CoreError::accessDenied("only the creator or a workspace owner can delete a channel")));
    const Channel c = *cur;
    Guard guard(context);
    m_store->deleteChannel(channelId, [=, this](bool ok, const QString &err) {
        if (!ok) return answer(guard, done, Result<Channel>::failure(CoreError::internal(err)));
        publish(ChatEvent::Type::ChannelDeleted, c, [&](ChatEvent &e) { if (const User *u = m_dir.user(actorId)) e.actor = *u; },
                topicsFor(c, true));
        const QString topic = RoomManager::channelTopic(c.id);
        for (Session *s : m_rooms.subscribers(topic)) m_rooms.unsubscribe(s, topic);
        m_dir.removeChannel(c.id);
        answer(guard, done, Result<Channel>::success(c));
    });
}

void ChatService::joinChannel(const QString &actorId, const QString &channelId, QObject *context, Callback<Channel> done)
{
    const Channel *c = m_dir.channel(channelId);
    if (!c) return finish(context, done, Result<Channel>::failure(CoreError::notFound("channel not found")));
    if (!c->isPublic() || !m_dir.isWorkspaceMember(c->workspaceId, actorId)) {
        if (m_dir.isChannelMember(channelId, actorId)) return finish(context, done, Result<Channel>::success(*c));
        return finish(context, done, Result<Channel>::failure(CoreError::accessDenied("Access denied to channel")));
    }
    addMember(QString(), channelId, actorId, context, std::move(done));
}

void ChatService::addMember(const QString &actorId, const QString &channelId, const QString &userId, QObject *context,
                            Callback<Channel> done)
{
    const Channel *cur = m_dir.channel(channelId);
    if (!cur) return finish(context, done, Result<Channel>::failure(CoreError::notFound("channel not found")));
    if (!actorId.isEmpty() && !m_dir.isChannelMember(channelId, actorId))
        return finish(context, done, Result<Channel>::failure(CoreError::accessDenied("only members can add members")));
    if (cur->type == Channel::Type::Dm) return finish(context, done, Result<Channel>::failure(CoreError::invalid("channel_id", "members of a conversation are fixed")));
    const User *u = m_dir.user(userId);
    if (!u) return finish(context, done, Result<Channel>::failure(CoreError::notFound("no such user")));
    if (!m_dir.isWorkspaceMember(cur->workspaceId, userId))
        return finish(context, done, Result<Channel>::failure(CoreError::invalid("user_id", "user is not in the channel's workspace")));
    const Channel c = *cur;
    if (m_dir.isChannelMember(channelId, userId)) return finish(context, done, Result<Channel>::success(c));
    if (CoreError e = checkRate(QStringLiteral("join:") + userId, m_config.joinsPerMinute))
        return finish(context, done, Result<Channel>::failure(e));
    Guard guard(context);
    m_store->addChannelMember(channelId, userId, Timestamp::nowMs(), [=, this](bool ok, const QString &err) {
        if (!ok) return answer(guard, done, Result<Channel>::failure(CoreError::internal(err)));
        if (!m_dir.channel(c.id)) return answer(guard, done, Result<Channel>::failure(CoreError::notFound("channel not found")));
        answer(guard, done, Result<Channel>::success(c));
        addMemberCommitted(c, userId, actorId.isEmpty() ? userId : actorId);
    });
}

void ChatService::addMemberCommitted(const Channel &c, const QString &userId, const QString &actorId)
{
    m_dir.addChannelMember(c.id, userId);
    for (Session *s : sessionsOfUser(userId))
        if (s->followsMemberships()) m_rooms.subscribe(s, RoomManager::channelTopic(c.id));
    publish(ChatEvent::Type::MemberJoined, c, [&](ChatEvent &e) {
        if (const User *u = m_dir.user(userId)) e.subject = *u;
        if (const User *a = m_dir.user(actorId)) e.actor = *a;
    }, topicsFor(c, true) << RoomManager::userTopic(userId));
}

void ChatService::removeMember(const QString &actorId, const QString &channelId, const QString &userId, QObject *context,
                               Callback<Channel> done)
{
    const Channel *cur = m_dir.channel(channelId);
    if (!cur || (!actorId.isEmpty() && !m_dir.canRead(channelId, actorId)))
        return finish(context, done, Result<Channel>::failure(CoreError::notFound("channel not found")));
    if (actorId != userId && !canModerate(actorId, *cur))
        return finish(context, done, Result<Channel>::failure(CoreError::accessDenied("only the creator or a workspace owner can remove members")));
    if (!m_dir.isChannelMember(channelId, userId))
        return finish(context, done, Result<Channel>::failure(CoreError::notFound("user is not a member")));
    const Channel c = *cur;
    Guard guard(context);
    m_store->removeChannelMember(channelId, userId, [=, this](bool ok, const QString &err) {
        if (!ok) return answer(guard, done, Result<Channel>::failure(CoreError::internal(err)));
        removeMemberCommitted(c, userId, actorId.isEmpty() ? userId : actorId);
        answer(guard, done, Result<Channel>::success(c));
    });
}

void ChatService::removeMemberCommitted(const Channel &c, const QString &userId, const QString &actorId)
{
    // Tell everyone (the leaver included) before the leaver's subscriptions go.
    publish(ChatEvent::Type::MemberLeft, c, [&](ChatEvent &e) {
        if (const User *u = m_dir.user(userId)) e.subject = *u;
        if (const User *a = m_dir.user(actorId)) e.actor = *a;
    }, topicsFor(c, true) << RoomManager::userTopic(userId));
    m_dir.removeChannelMember(c.id, userId);
    const bool stillReadable = m_dir.canRead(c.id, userId);
    for (Session *s : sessionsOfUser(userId))
        if (s->followsMemberships() || !stillReadable) m_rooms.unsubscribe(s, RoomManager::channelTopic(c.id));
}

void ChatService::openConversation(const QString &actorId, QStringList participantIds, QObject *context, Callback<Channel> done)
{
    participantIds.append(actorId);
    participantIds.removeDuplicates();
    if (participantIds.size() < 2 || participantIds.size() > 9)
        return finish(context, done, Result<Channel>::failure(CoreError::invalid("participant_ids", "a conversation has 2 to 9 participants")));
    QStringList names;
    for (const QString &id : participantIds) {
        const User *u = m_dir.user(id);
        if (!u || u->id == kSystemUserId) return finish(context, done, Result<Channel>::failure(CoreError::invalid("participant_ids", QStringLiteral("no such user: %1").arg(id))));
        names.append(u->username);
    }
    const QString key = Directory::dmKey(participantIds);
    if (auto pending = m_pendingDms.find(key); pending != m_pendingDms.end()) {
        // Created but not committed yet: answer together with the first caller.
        pending->append({std::move(done), Guard(context)});
        return;
    }
    if (const Channel *existing = m_dir.channel(m_dir.dmChannel(key)))
        return finish(context, done, Result<Channel>::success(*existing));
    std::sort(names.begin(), names.end());
    Channel c;
    c.id = Timestamp::newId();
    c.workspaceId = m_dir.defaultWorkspaceId();
    c.name = names.join(QLatin1Char(','));
    c.type = Channel::Type::Dm;
    c.createdBy = actorId;
    c.createdAt = Timestamp::nowMs();
    m_pendingDms.insert(key, {}); // a second request before the commit waits for this one
    Guard guard(context);
    m_store->insertChannel(c, nullptr);
    auto failed = std::make_shared<QString>();
    for (const QString &id : participantIds)
        m_store->addChannelMember(c.id, id, c.createdAt, [failed](bool ok, const QString &e) { if (!ok) *failed = e; });
    m_store->enqueue([](QSqlDatabase &, QString *) { return true; }, [=, this](bool, const QString &) {
        const auto waiting = m_pendingDms.take(key);
        const Result<Channel> r = failed->isEmpty() ? Result<Channel>::success(c)
                                                    : Result<Channel>::failure(CoreError::internal(*failed));
        if (r.ok()) {
            m_dir.putChannel(c);
            m_dir.putDm(key, c.id);
            for (const QString &id : participantIds) m_dir.addChannelMember(c.id, id);
        }
        answer(guard, done, r);
        for (const auto &w : waiting) answer(w.second, w.first, r);
        if (!r.ok()) return;
        QStringList topics;
        for (const QString &id : participantIds) topics.append(RoomManager::userTopic(id));
        publish(ChatEvent::Type::ChannelCreated, c, [&](ChatEvent &e) { e.actor = *m_dir.user(actorId); }, topics);
        for (const QString &id : participantIds)
            for (Session *s : sessionsOfUser(id))
                if (s->followsMemberships()) m_rooms.subscribe(s, RoomManager::channelTopic(c.id));
    });
}

QStringList ChatService::onlineMembers(const QString &channelId) const
{
    QStringList out;
    for (const QString &u : m_dir.channelMembers(channelId))
        if (m_presence.isOnline(u)) out.append(u);
    out.sort();
    return out;
}

// ---- messages ---------------------------------------------------------------

CoreError ChatService::validateContent(const QString &content, bool allowEmpty) const
{
    // Without copies: this runs for every message.
    if (!allowEmpty && std::all_of(content.cbegin(), content.cend(), [](QChar c) { return c.isSpace(); }))
        return CoreError::invalid("content", "can't be blank");
    // A UTF-16 unit is at most three UTF-8 bytes: only long texts need counting.
    if (content.size() * 3 > m_config.maxMessageBytes && content.toUtf8().size() > m_config.maxMessageBytes)
        return CoreError::tooLarge(QStringLiteral("message is larger than %1 bytes").arg(m_config.maxMessageBytes));
    return {};
}

CoreError ChatService::checkRate(const QString &key, int limitPerMinute)
{
    qint64 retry = 0;
    if (!m_limiter.allow(key, limitPerMinute, 60000, Timestamp::nowMs(), &retry)) return CoreError::rateLimited(retry);
    return {};
}

void ChatService::fillMessageContext(ChatEvent &e) const
{
    if (const User *u = m_dir.user(e.message.userId)) e.actor = *u;
    if (!e.message.replyToId.isEmpty())
        if (auto r = m_store->message(e.message.replyToId)) e.replyTo = *r;
    if (!e.message.forwardedFromId.isEmpty())
        if (auto r = m_store->message(e.message.forwardedFromId)) e.forwardedFrom = *r;
}

void ChatService::postMessage(const QString &actorId, const PostMessage &cmd, QObject *context, Callback<Message> done,
                              const QString &originSessionId)
{
    Result<QList<Attachment>> atts = resolveAttachments(actorId, cmd);
    if (!atts.ok()) return finish(context, done, Result<Message>::failure(atts.error));
    postResolved(actorId, cmd, atts.value, context, std::move(done), originSessionId);
}

Result<QList<Attachment>> ChatService::resolveAttachments(const QString &actorId, const PostMessage &cmd) const
{
    using R = Result<QList<Attachment>>;
    if (cmd.attachments.size() + cmd.uploadIds.size() > 20) return R::failure(CoreError::invalid("attachments", "at most 20 attachments"));
    static const QString uploadPath = QStringLiteral("/api/v1/uploads/");
    QList<Attachment> out;
    auto own = [&](const QString &id) -> CoreError {
        auto a = id.isEmpty() ? std::nullopt : m_store->attachment(id);
        // Someone else's upload reads as unknown: ids must not be probed.
        if (!a || a->uploaderId != actorId) return CoreError::invalid("attachments", QStringLiteral("unknown upload id: %1").arg(id.left(64)));
        out.append(*a);
        return {};
    };
    for (const QString &id : cmd.uploadIds)
        if (CoreError e = own(id)) return R::failure(e);
    static const QRegularExpression mime(QStringLiteral("^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$"));
    for (const Attachment &given : cmd.attachments) {
        const QUrl url(given.url, QUrl::StrictMode);
        const bool relative = given.url.startsWith(QLatin1Char('/'));
        if (relative && given.url.startsWith(uploadPath)) { // one of ours, named by URL
            if (CoreError e = own(given.url.mid(uploadPath.size()))) return R::failure(e);
            continue;
        }
        if (!given.id.isEmpty() && m_store->attachment(given.id)) { // one of ours, named by id
            if (CoreError e = own(given.id)) return R::failure(e);
            continue;
        }
        // An external link: only what a client can render safely.
        if (given.url.isEmpty() || given.url.size() > 2048 || !url.isValid() || relative
            || (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http")) || url.host().isEmpty())
            return R::failure(CoreError::invalid("attachments", "an attachment needs an http(s) url of at most 2048 characters"));
        if (given.originalName.size() > 255) return R::failure(CoreError::invalid("attachments", "attachment name is longer than 255 characters"));
        if (!given.mimeType.isEmpty() && !mime.match(given.mimeType.toLower()).hasMatch())
            return R::failure(CoreError::invalid("attachments", "attachment type is not a media type"));
        if (given.size < 0 || given.size > (qint64(1) << 40)) return R::failure(CoreError::invalid("attachments", "attachment size is out of range"));
        Attachment a;
        a.id = given.id.isEmpty() || given.id.size() > 64 ? Timestamp::newId() : given.id;
        a.originalName = given.originalName;
        a.mimeType = given.mimeType.toLower();
        a.size = given.size;
        a.url = given.url;
        a.uploaderId = actorId;
        a.createdAt = Timestamp::nowMs();
        out.append(a); // filename stays empty: only our uploads have one on disk
    }
    return R::success(out);
}

void ChatService::registerUpload(const QString &actorId, const Attachment &upload, QObject *context, Callback<Attachment> done)
{
    if (!m_dir.user(actorId)) return finish(context, done, Result<Attachment>::failure(CoreError::unauthorized("unknown user")));
    Attachment a = upload;
    a.uploaderId = actorId;
    Guard guard(context);
    m_store->insertAttachment(a, [=](bool ok, const QString &err) {
        answer(guard, done, ok ? Result<Attachment>::success(a) : Result<Attachment>::failure(CoreError::internal(err)));
    });
}

Result<Attachment> ChatService::upload(const QString &actorId, const QString &uploadId) const
{
    auto a = uploadId.isEmpty() || !m_dir.user(actorId) ? std::nullopt : m_store->attachment(uploadId);
    if (!a) return Result<Attachment>::failure(CoreError::notFound("no such upload"));
    return Result<Attachment>::success(*a);
}

void ChatService::postResolved(const QString &actorId, const PostMessage &cmd, QList<Attachment> attachments, QObject *context,
                               Callback<Message> done, const QString &originSessionId)
{
    const User *author = m_dir.user(actorId);
    if (!author || (author->disabled && actorId != kSystemUserId))
        return finish(context, done, Result<Message>::failure(CoreError::unauthorized("unknown user")));
    if (cmd.channelId.isEmpty()) return finish(context, done, Result<Message>::failure(CoreError::invalid("channel_id", "can't be blank")));
    Result<Channel> ch = actorId == kSystemUserId && m_dir.channel(cmd.channelId)
        ? Result<Channel>::success(*m_dir.channel(cmd.channelId)) : readableChannel(actorId, cmd.channelId);
    if (!ch.ok()) return finish(context, done, Result<Message>::failure(ch.error));
    if (CoreError e = validateContent(cmd.content, !attachments.isEmpty() || !cmd.forwardedFromId.isEmpty()))
        return finish(context, done, Result<Message>::failure(e));
    if (actorId != kSystemUserId && m_config.messagesPerMinutePerChannel > 0)
        if (CoreError e = checkRate(QLatin1String("msg:") + actorId + QLatin1Char(':') + cmd.channelId,
                                    m_config.messagesPerMinutePerChannel))
            return finish(context, done, Result<Message>::failure(e));

    Message m;
    m.id = Timestamp::newTimeOrderedId();
    m.channelId = cmd.channelId;
    m.userId = actorId;
    m.content = cmd.content;
    m.attachments = std::move(attachments);
    m.metadata = cmd.metadata;
    m.forwardedFromId = cmd.forwardedFromId;
    if (!cmd.threadId.isEmpty()) {
        auto parent = m_store->message(cmd.threadId);
        if (!parent || parent->channelId != cmd.channelId || parent->isDeleted())
            return finish(context, done, Result<Message>::failure(CoreError::notFound("thread parent not found")));
        m.threadId = parent->threadId.isEmpty() ? parent->id : parent->threadId; // threads are one level deep
    }
    if (!cmd.replyToId.isEmpty()) {
        auto quoted = m_store->message(cmd.replyToId);
        if (!quoted || quoted->channelId != cmd.channelId)
            return finish(context, done, Result<Message>::failure(CoreError::notFound("replied-to message not found")));
        m.replyToId = quoted->id;
    }
    QList<User> mentioned;
    for (const QString &name : MentionParser::usernames(m.content)) {
        const User *u = m_dir.userByName(name);
        if (u && u->id != actorId && m_dir.canRead(m.channelId, u->id)) {
            mentioned.append(*u);
            m.mentions.append(u->id);
        }
    }
    m.seq = m_dir.nextSeq(m.channelId);
    m.createdAt = Timestamp::nowMs();
    Guard guard(context);
    m_store->insertMessage(m, [=, this](bool ok, const QString &err) {
        if (!ok) return answer(guard, done, Result<Message>::failure(CoreError::internal(err)));
        ++Metrics::instance().messagesPosted;
        // Acknowledge first, then fan out (ARCHITECTURE.md principle 2).
        answer(guard, done, Result<Message>::success(m));
        const Channel *c = m_dir.channel(m.channelId);
        if (!c) return;
        publish(ChatEvent::Type::MessageCreated, *c, [&](ChatEvent &e) {
            e.message = m;
            e.originSessionId = originSessionId;
            fillMessageContext(e);
        });
        for (const User &u : mentioned)
            publish(ChatEvent::Type::Mention, *c, [&](ChatEvent &e) {
                e.message = m;
                e.subject = u;
                e.actor = *m_dir.user(m.userId);
            }, {RoomManager::userTopic(u.id)});
    });
    if (!m.threadId.isEmpty()) {
        const QString parentId = m.threadId;
        m_store->bumpThread(parentId, m.createdAt, [=, this](bool ok, const QString &) {
            if (!ok) return;
            auto parent = m_store->message(parentId);
            const Channel *c = m_dir.channel(m.channelId);
            if (!parent || !c) return;
            publish(ChatEvent::Type::ThreadUpdated, *c, [&](ChatEvent &e) {
                e.message = *parent;
                if (const User *u = m_dir.user(m.userId)) e.actor = *u;
            });
        });
    }
}

Result<Message> ChatService::message(const QString &actorId, const QString &messageId) const
{
    auto m = messageId.isEmpty() ? std::nullopt : m_store->message(messageId);
    if (!m || (!actorId.isEmpty() && !m_dir.canRead(m->channelId, actorId)))
        return Result<Message>::failure(CoreError::notFound("message not found"));
    return Result<Message>::success(*m);
}

void ChatService::editMessage(const QString &actorId, const QString &messageId, const QString &content, QObject *context,
                              Callback<Message> done)
{
    Result<Message> found = message(actorId, messageId);
    if (!found.ok() || found.value.isDeleted()) return finish(context, done, Result<Message>::failure(CoreError::notFound("message not found")));
    Message m = found.value;
    if (m.userId != actorId) return finish(context, done, Result<Message>::failure(CoreError::accessDenied("only the author can edit a message")));
    if (m_config.editWindowSeconds > 0 && Timestamp::nowMs() - m.createdAt > m_config.editWindowSeconds * 1000)
        return finish(context, done, Result<Message>::failure(CoreError::accessDenied("Edit time limit exceeded")));
    if (CoreError e = validateContent(content, !m.attachments.isEmpty())) return finish(context, done, Result<Message>::failure(e));
    m.content = content;
    m.editedAt = Timestamp::nowMs();
    Guard guard(context);
    m_store->updateMessageContent(m.id, content, m.editedAt, [=, this](bool ok, const QString &err) {
        if (!ok) return answer(guard, done, Result<Message>::failure(CoreError::internal(err)));
        answer(guard, done, Result<Message>::success(m));
        if (const Channel *c = m_dir.channel(m.channelId))
            publish(ChatEvent::Type::MessageUpdated, *c, [&](ChatEvent &e) { e.message = m; fillMessageContext(e); });
    });
}

void ChatService::deleteMessage(const QString &actorId, const QString &messageId, QObject *context, Callback<Message> done)
{
    Result<Message> found = message(actorId, messageId);
    if (!found.ok() || found.value.isDeleted()) return finish(context, done, Result<Message>::failure(CoreError::notFound("message not found")));
    Message m = found.value;
    const Channel *c = m_dir.channel(m.channelId);
    if (m.userId != actorId && !(c && canModerate(actorId, *c)))
        return finish(context, done, Result<Message>::failure(CoreError::accessDenied("only the author can delete a message")));
    m.deletedAt = Timestamp::nowMs();
    Guard guard(context);
    m_store->markMessageDeleted(m.id, m.deletedAt, [=, this](bool ok, const QString &err) {
        if (!ok) return answer(guard, done, Result<Message>::failure(CoreError::internal(err)));
        answer(guard, done, Result<Message>::success(m));
        if (const Channel *ch = m_dir.channel(m.channelId))
            publish(ChatEvent::Type::MessageDeleted, *ch, [&](ChatEvent &e) {
                e.message = m;
                if (const User *u = m_dir.user(actorId)) e.actor = *u;
            });
    });
}

void ChatService::forwardMessage(const QString &actorId, const QString &messageId, const QString &targetChannelId,
                                 QObject *context, Callback<Message> done)
{
    Result<Message> found = message(actorId, messageId);
    if (!found.ok() || found.value.isDeleted()) return finish(context, done, Result<Message>::failure(CoreError::notFound("message not found")));
    PostMessage cmd;
    cmd.channelId = targetChannelId;
    cmd.content = found.value.content;
    cmd.forwardedFromId = found.value.id;
    // The original's attachments were checked when it was posted.
    postResolved(actorId, cmd, found.value.attachments, context, std::move(done), QString());
}

void ChatService::addReaction(const QString &actorId, const QString &messageId, const QString &emoji, QObject *context,
                              Callback<Reaction> done)
{
    if (emoji.trimmed().isEmpty() || emoji.size() > 64)
        return finish(context, done, Result<Reaction>::failure(CoreError::invalid("emoji", "emoji must be 1-64 characters")));
    Result<Message> found = message(actorId, messageId);
    if (!found.ok() || found.value.isDeleted()) return finish(context, done, Result<Reaction>::failure(CoreError::notFound("message not found")));
    for (const Reaction &r : found.value.reactions)
        if (r.userId == actorId && r.emoji == emoji)
            return finish(context, done, Result<Reaction>::failure(CoreError::conflict("reaction already added")));
    Reaction r{Timestamp::newId(), messageId, actorId, emoji, Timestamp::nowMs()};
    const Message m = found.value;
    Guard guard(context);
    m_store->insertReaction(r, [=, this](bool ok, const QString &err) {
        if (!ok) {
            const bool dup = err.contains(QLatin1String("UNIQUE"), Qt::CaseInsensitive) || err.contains(QLatin1String("duplicate"));
            return answer(guard, done, Result<Reaction>::failure(dup ? CoreError::conflict("reaction already added") : CoreError::internal(err)));
        }
        answer(guard, done, Result<Reaction>::success(r));
        if (const Channel *c = m_dir.channel(m.channelId))
            publish(ChatEvent::Type::ReactionAdded, *c, [&](ChatEvent &e) {
                e.message = m;
                e.reaction = r;
                e.actor = *m_dir.user(actorId);
            });
    });
}

void ChatService::removeReaction(const QString &actorId, const QString &messageId, const QString &emoji, QObject *context,
                                 Callback<Reaction> done)
{
    Result<Message> found = message(actorId, messageId);
    if (!found.ok()) return finish(context, done, Result<Reaction>::failure(CoreError::notFound("message not found")));
    for (const Reaction &r : found.value.reactions)
        if (r.userId == actorId && r.emoji == emoji) return removeReactionById(actorId, r.id, context, std::move(done));
    finish(context, done, Result<Reaction>::failure(CoreError::notFound("reaction not found")));
}

void ChatService::removeReactionById(const QString &actorId, const QString &reactionId, QObject *context, Callback<Reaction> done)
{
    auto r = reactionId.isEmpty() ? std::nullopt : m_store->reaction(reactionId);
    if (!r) return finish(context, done, Result<Reaction>::failure(CoreError::notFound("reaction not found")));
    Result<Message> found = message(actorId, r->messageId);
    if (!found.ok()) return finish(context, done, Result<Reaction>::failure(CoreError::notFound("reaction not found")));
    if (r->userId != actorId) return finish(context, done, Result<Reaction>::failure(CoreError::accessDenied("only the reactor can remove a reaction")));
    const Reaction reaction = *r;
    const Message m = found.value;
    Guard guard(context);
    m_store->deleteReaction(reaction.id, [=, this](bool ok, const QString &err) {
        if (!ok) return answer(guard, done, Result<Reaction>::failure(CoreError::internal(err)));
        answer(guard, done, Result<Reaction>::success(reaction));
        if (const Channel *c = m_dir.channel(m.channelId))
            publish(ChatEvent::Type::ReactionRemoved, *c, [&](ChatEvent &e) {
                e.message = m;
                e.reaction = reaction;
                e.actor = *m_dir.user(actorId);
            });
    });
}

void ChatService::markRead(const QString &actorId, const QString &messageId, QObject *context, Callback<Message> done)
{
    Result<Message> found = message(actorId, messageId);
    if (!found.ok()) return finish(context, done, Result<Message>::failure(found.error));
    const Message m = found.value;
    Guard guard(context);
    m_store->markRead(m.channelId, actorId, m.id, Timestamp::nowMs(), [=, this](bool ok, const QString &err) {
        if (!ok) return answer(guard, done, Result<Message>::failure(CoreError::internal(err)));
        answer(guard, done, Result<Message>::success(m));
        if (const Channel *c = m_dir.channel(m.channelId))
            publish(ChatEvent::Type::MessageRead, *c, [&](ChatEvent &e) {
                e.message = m;
                e.actor = *m_dir.user(actorId);
            });
    });
}

void ChatService::systemMessage(const QString &channelId, const QString &text, QObject *context, Callback<int> done)
{
    QStringList targets;
    if (channelId.isEmpty()) {
        for (const Workspace &w : m_dir.workspaces())
            for (const Channel &c : m_dir.channelsOfWorkspace(w.id))
                if (c.type != Channel::Type::Dm) targets.append(c.id);
    } else if (m_dir.channel(channelId)) {
        targets.append(channelId);
    } else {
        return finish(context, done, Result<int>::failure(CoreError::notFound("channel not found")));
    }
    if (CoreError e = validateContent(text, false)) return finish(context, done, Result<int>::failure(e));
    auto remaining = std::make_shared<int>(int(targets.size()));
    auto posted = std::make_shared<int>(0);
    if (targets.isEmpty()) return finish(context, done, Result<int>::success(0));
    for (const QString &id : targets) {
        PostMessage cmd;
        cmd.channelId = id;
        cmd.content = text;
        cmd.metadata = QJsonObject{{"system", true}};
        postMessage(kSystemUserId, cmd, nullptr, [=, guard = Guard(context)](const Result<Message> &r) {
            if (r.ok()) ++*posted;
            if (--*remaining == 0) answer(guard, done, Result<int>::success(*posted));
        });
    }
}

Result<QList<Message>> ChatService::history(const QString &actorId, const QString &channelId, const QString &beforeId, int limit) const
{
    Result<Channel> ch = readableChannel(actorId, channelId);
    if (!ch.ok()) return Result<QList<Message>>::failure(ch.error);
    qint64 beforeSeq = 0;
    if (!beforeId.isEmpty()) {
        auto b = m_store->message(beforeId);
        if (!b || b->channelId != channelId) return Result<QList<Message>>::failure(CoreError::notFound("message not found"));
        beforeSeq = b->seq;
    }
    QList<Message> msgs = m_store->messagesBefore(channelId, beforeSeq, limit > 0 ? qMin(limit, 200) : m_config.historyPageSize);
    return Result<QList<Message>>::success(msgs);
}

Result<QList<Message>> ChatService::historyPage(const QString &actorId, const QString &channelId, int page, int pageSize) const
{
    Result<Channel> ch = readableChannel(actorId, channelId);
    if (!ch.ok()) return Result<QList<Message>>::failure(ch.error);
    return Result<QList<Message>>::success(m_store->messagesPage(channelId, page, qBound(1, pageSize, 200)));
}

Result<QList<Message>> ChatService::messagesSince(const QString &actorId, const QString &channelId, const QString &afterId, int limit) const
{
    Result<Channel> ch = readableChannel(actorId, channelId);
    if (!ch.ok()) return Result<QList<Message>>::failure(ch.error);
    qint64 afterSeq = 0;
    if (!afterId.isEmpty()) {
        auto a = m_store->message(afterId);
        if (!a || a->channelId != channelId) return Result<QList<Message>>::failure(CoreError::notFound("message not found"));
        afterSeq = a->seq;
    }
    return Result<QList<Message>>::success(m_store->messagesAfter(channelId, afterSeq, limit > 0 ? qMin(limit, 500) : m_config.historyPageSize));
}

Result<QList<Message>> ChatService::threadReplies(const QString &actorId, const QString &parentId, int limit) const
{
    Result<Message> parent = message(actorId, parentId);
    if (!parent.ok()) return Result<QList<Message>>::failure(parent.error);
    return Result<QList<Message>>::success(m_store->threadReplies(parentId, limit > 0 ? limit : 200));
}

// ---- ephemeral --------------------------------------------------------------

CoreError ChatService::setTyping(Session *session, const QString &channelId, bool typing)
{
    Result<Channel> ch = readableChannel(session->userId(), channelId);
    if (!ch.ok()) return ch.error;
    if (typing && !m_typing.isTyping(channelId, session->userId()))
        if (CoreError e = checkRate(QStringLiteral("typing:%1:%2").arg(session->userId(), channelId), m_config.typingPerMinutePerChannel))
            return e;
    m_typing.setTyping(channelId, session->userId(), session->id(), typing);
    return {};
}

CoreError ChatService::setPresence(const QString &userId, const QString &status)
{
    if (!PresenceManager::isValidStatus(status)) return CoreError::invalid("status", "status must be online, away, busy or offline");
    if (!m_presence.setStatus(userId, status)) return CoreError::invalid("status", "user is not connected");
    return {};
}

void ChatService::onPresenceChanged(const QString &userId, const QString &status)
{
    const User *u = m_dir.user(userId);
    if (!u) return;
    QStringList topics;
    for (const QString &ws : m_dir.workspacesOf(userId)) topics.append(RoomManager::workspaceTopic(ws));
    auto e = std::make_shared<ChatEvent>();
    e->type = ChatEvent::Type::PresenceChanged;
    e->at = Timestamp::nowMs();
    e->actor = *u;
    e->status = status;
    publishEvent(e, topics);
}

void ChatService::onTypingChanged(const QString &channelId, const QString &userId, bool typing)
{
    const Channel *c = m_dir.channel(channelId);
    const User *u = m_dir.user(userId);
    if (!c || !u) return;
    publish(typing ? ChatEvent::Type::TypingStarted : ChatEvent::Type::TypingStopped, *c,
            [&](ChatEvent &e) { e.actor = *u; });
}

// ---- sessions -----------------------------------------------------------------

CoreError ChatService::attachSession(Session *s)
{
    const User *u = m_dir.user(s->userId());
    if (!u || u->disabled) return CoreError::unauthorized("account disabled");
    if (m_config.connectionsPerUser > 0 && m_userSessions.value(u->id).size() >= m_config.connectionsPerUser)
        return CoreError{CoreError::RateLimited, QStringLiteral("too many connections for this user"), {}, 1000};
    m_sessions.insert(s->id(), s);
    m_userSessions[u->id].insert(s);
    // Safety net for a dialect that deletes a session without detaching it: the
    // base destructor still has the topics and ids, so detach completely then.
    connect(s, &Session::aboutToBeDestroyed, this, [this](Session *gone) { detachSession(gone); }, Qt::DirectConnection);
    m_rooms.subscribe(s, RoomManager::userTopic(u->id));
    for (const QString &ws : m_dir.workspacesOf(u->id)) m_rooms.subscribe(s, RoomManager::workspaceTopic(ws));
    if (s->followsMemberships())
        for (const QString &c : m_dir.channelsOf(u->id)) m_rooms.subscribe(s, RoomManager::channelTopic(c));
    ++Metrics::instance().connectionsOpened;
    ++Metrics::instance().connectionsByDialect[s->dialect()];
    Q_EMIT sessionAttached(s);
    // Presence goes out on the next loop pass, after the dialect's greeting
    // (seed 004: connection_established comes first).
    QPointer<Session> guard(s);
    QMetaObject::invokeMethod(this, [this, guard] {
        if (!guard || m_sessions.value(guard->id()) != guard) return;
        m_presenceCounted.insert(guard);
        m_presence.connectionOpened(guard->userId());
    }, Qt::QueuedConnection);
    return {};
}

void ChatService::detachSession(Session *s)
{
    if (m_sessions.value(s->id()) != s) return;
    m_sessions.remove(s->id());
    auto it = m_userSessions.find(s->userId());
    if (it != m_userSessions.end()) {
        it->remove(s);
        if (it->isEmpty()) m_userSessions.erase(it);
    }
    --Metrics::instance().connectionsByDialect[s->dialect()];
    m_rooms.unsubscribeAll(s);
    m_typing.clearSession(s->id());
    Q_EMIT sessionDetached(s);
    if (m_presenceCounted.remove(s)) m_presence.connectionClosed(s->userId());
}

QList<Session *> ChatService::sessionsOfUser(const QString &userId) const
{
    return m_userSessions.value(userId).values();
}

CoreError ChatService::subscribe(Session *s, const QString &channelId)
{
    Result<Channel> ch = readableChannel(s->userId(), channelId);
    if (!ch.ok()) return ch.error;
    m_rooms.subscribe(s, RoomManager::channelTopic(channelId));
    return {};
}

void ChatService::unsubscribe(Session *s, const QString &channelId)
{
    m_rooms.unsubscribe(s, RoomManager::channelTopic(channelId));
}

// ---- publishing -----------------------------------------------------------------

void ChatService::publish(ChatEvent::Type type, const Channel &channel, const std::function<void(ChatEvent &)> &fill,
                          QStringList topics)
{
    auto e = std::make_shared<ChatEvent>();
    e->type = type;
    e->at = Timestamp::nowMs();
    e->channel = channel;
    if (fill) fill(*e);
    if (topics.isEmpty()) topics.append(RoomManager::channelTopic(channel.id));
    publishEvent(e, topics);
}

void ChatService::publishEvent(const std::shared_ptr<ChatEvent> &e, const QStringList &topics)
{
    const ChatEventPtr event = e;
    m_rooms.publish(topics, event);
    Q_EMIT eventPublished(event);
}
