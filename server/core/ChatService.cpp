#include "ChatService.h"

#include "AccountManager.h"
#include "ChannelManager.h"
#include "ClusterPort.h"
#include "CoreContext.h"
#include "MessageHistory.h"
#include "DirectoryReloader.h"
#include "ResumeManager.h"
#include "WorkspaceManager.h"
#include "EphemeralLane.h"
#include "ParticipationTracker.h"
#include "Session.h"
#include "SessionManager.h"
#include "storage/Store.h"
#include "Timestamp.h"

#include <QTimer>

namespace switchboard {

ChatService::ChatService(Store *store, const QByteArray &jwtSecret, const CoreConfig &config, QObject *parent)
    : QObject(parent)
    , m_core(std::make_unique<CoreContext>(store, config))
{
    m_accounts = std::make_unique<AccountManager>(*m_core, jwtSecret);
    m_channels = std::make_unique<ChannelManager>(*m_core);
    m_messages = std::make_unique<MessageManager>(*m_core);
    m_sessions = std::make_unique<SessionManager>(*m_core);
    m_lane = std::make_unique<EphemeralLane>(*m_core);
    m_participation = std::make_unique<ParticipationTracker>(*m_core);
    m_resume = std::make_unique<ResumeManager>(*m_core);
    m_workspaces = std::make_unique<WorkspaceManager>(*m_core);
    m_reloader = std::make_unique<DirectoryReloader>(*m_core);
    m_clusterPort = std::make_unique<ClusterPort>(*m_core);
    m_core->accounts = m_accounts.get();
    m_core->channels = m_channels.get();
    m_core->messages = m_messages.get();
    m_core->sessions = m_sessions.get();
    m_core->lane = m_lane.get();
    m_core->participation = m_participation.get();
    m_core->resume = m_resume.get();
    m_accounts->setReloader(m_reloader.get());
    m_core->typing.setTimeoutMs(config.typingTimeoutMs);
    connect(&m_core->outlet, &EventOutlet::published, this,
            [this](const ChatEventPtr &e) { Q_EMIT eventPublished(e); });
    connect(m_sessions.get(), &SessionManager::sessionAttached, this, &ChatService::sessionAttached);
    connect(m_sessions.get(), &SessionManager::sessionDetached, this, &ChatService::sessionDetached);
    m_prune = new QTimer(this);
    connect(m_prune, &QTimer::timeout, this, [this] { m_core->limiter.prune(Timestamp::nowMs()); });
    m_prune->start(60 * 1000);
}

ChatService::~ChatService()
{
    // Writes still queued call back into us when they commit: let them do so
    // while we exist (a store that outlives us would otherwise run them later).
    if (m_core->store) m_core->store->flush();
    m_sessions.reset(); // adopted sessions go while the other managers still exist
    m_participation.reset();
    m_lane.reset();
}

bool ChatService::start(QString *error)
{
    error->clear();
    loadDirectory();
    m_accounts->loadRevocations();
    m_resume->pruneAll(); // a restart applies changed retention before anyone resumes
    return m_accounts->ensureSystemUser(error) && m_workspaces->ensureDefaultWorkspace(error);
}

bool ChatService::loadDirectory()
{
    Directory &dir = m_core->dir;
    Store *store = m_core->store;
    dir.clear();
    for (const User &u : store->loadUsers()) dir.putUser(u);
    for (const Workspace &w : store->loadWorkspaces()) dir.putWorkspace(w);
    for (const auto &m : store->loadWorkspaceMembers()) dir.addWorkspaceMember(m.scopeId, m.userId);
    for (const Channel &c : store->loadChannels()) dir.putChannel(c);
    QHash<QString, QStringList> dmMembers;
    for (const auto &m : store->loadChannelMembers()) {
        dir.addChannelMember(m.scopeId, m.userId);
        if (const Channel *c = dir.channel(m.scopeId); c && c->type == Channel::Type::Dm)
            dmMembers[m.scopeId].append(m.userId);
    }
    for (auto it = dmMembers.cbegin(); it != dmMembers.cend(); ++it) dir.putDm(Directory::dmKey(it.value()), it.key());
    const QHash<QString, qint64> seqs = store->loadChannelSequences();
    for (auto it = seqs.cbegin(); it != seqs.cend(); ++it) m_core->outlet.setPublished(it.key(), it.value());
    m_core->outlet.setPublishedGid(store->lastEventGid());
    return true;
}

qint64 ChatService::channelSeq(const QString &channelId) const
{
    return m_core->outlet.publishedSeq(channelId);
}

const CoreConfig &ChatService::config() const
{
    return m_core->config;
}

void ChatService::setConfig(const CoreConfig &config)
{
    m_core->config = config;
    m_core->typing.setTimeoutMs(config.typingTimeoutMs);
}

const Directory &ChatService::directory() const
{
    return m_core->dir;
}
RoomManager *ChatService::rooms() const
{
    return &m_core->rooms;
}
const PresenceManager *ChatService::presence() const
{
    return &m_core->presence;
}
EphemeralLane *ChatService::lane() const
{
    return m_lane.get();
}
bool ChatService::isInRoom(const QString &channelId, const QString &userId) const
{
    return m_participation->isInRoom(channelId, userId);
}
const TypingManager *ChatService::typing() const
{
    return &m_core->typing;
}
EventOutlet *ChatService::outlet() const
{
    return &m_core->outlet;
}

StorageStats ChatService::storageStats() const
{
    const Store *s = m_core->store;
    if (!s) return {};
    return {s->commitCount(), s->writeCount(),  s->lastCommitMs(),      s->totalCommitMs(),
            s->maxCommitMs(), s->isAvailable(), s->outstandingWrites(), s->handbackLagMs()};
}

// ---- accounts -----------------------------------------------------------------

void ChatService::registerUser(const QString &username, const QString &password, const QString &email,
                               const QString &displayName, QObject *context, Callback<User> done)
{
    m_accounts->registerUser(username, password, email, displayName, context, std::move(done));
}

void ChatService::login(const QString &name, const QString &password, QObject *context, Callback<User> done)
{
    m_accounts->login(name, password, context, std::move(done));
}

QByteArray ChatService::issueToken(const User &u) const
{
    return m_accounts->issueToken(u);
}
Result<User> ChatService::authenticate(const QByteArray &token) const
{
    return m_accounts->authenticate(token);
}
const User *ChatService::user(const QString &id) const
{
    return m_core->dir.user(id);
}

void ChatService::logout(const QByteArray &token, QObject *context, Callback<User> done)
{
    m_accounts->logout(token, context, std::move(done));
}

void ChatService::disableUser(const QString &userId, const QString &reason, QObject *context, Callback<User> done)
{
    m_accounts->disableUser(userId, reason, context, std::move(done));
}

// ---- workspaces and channels ----------------------------------------------------

QList<Workspace> ChatService::workspacesOf(const QString &userId) const
{
    return m_workspaces->workspacesOf(userId);
}

void ChatService::createWorkspace(const QString &actorId, const QString &name, QObject *context,
                                  Callback<Workspace> done)
{
    m_workspaces->createWorkspace(actorId, name, context, std::move(done));
}

void ChatService::addWorkspaceMember(const QString &actorId, const QString &workspaceId, const QString &userId,
                                     QObject *context, Callback<Workspace> done)
{
    m_workspaces->addWorkspaceMember(actorId, workspaceId, userId, context, std::move(done));
}

QList<Channel> ChatService::visibleChannels(const QString &userId, const QString &workspaceId) const
{
    return m_core->access.visible(userId, workspaceId);
}

Result<Channel> ChatService::readableChannel(const QString &userId, const QString &channelId) const
{
    return m_core->access.readable(userId, channelId);
}

void ChatService::createChannel(const QString &actorId, const QString &name, const QString &type,
                                const QString &description, const QString &workspaceId, QObject *context,
                                Callback<Channel> done)
{
    m_channels->createChannel(actorId, name, type, description, workspaceId, context, std::move(done));
}

void ChatService::updateChannel(const QString &actorId, const QString &channelId, const std::optional<QString> &name,
                                const std::optional<QString> &description, QObject *context, Callback<Channel> done)
{
    m_channels->updateChannel(actorId, channelId, name, description, context, std::move(done));
}

void ChatService::deleteChannel(const QString &actorId, const QString &channelId, QObject *context,
                                Callback<Channel> done)
{
    m_channels->deleteChannel(actorId, channelId, context, std::move(done));
}

void ChatService::joinChannel(const QString &actorId, const QString &channelId, QObject *context,
                              Callback<Channel> done)
{
    m_channels->joinChannel(actorId, channelId, context, std::move(done));
}

void ChatService::enterChannel(Session *session, const QString &channelId, QObject *context, Callback<Channel> done)
{
    m_channels->enterChannel(session, channelId, context, std::move(done));
}

CoreError ChatService::checkJoinRate(const QString &userId)
{
    return m_channels->checkJoinRate(userId);
}

void ChatService::addMember(const QString &actorId, const QString &channelId, const QString &userId, QObject *context,
                            Callback<Channel> done)
{
    m_channels->addMember(actorId, channelId, userId, context, std::move(done));
}

void ChatService::removeMember(const QString &actorId, const QString &channelId, const QString &userId,
                               QObject *context, Callback<Channel> done)
{
    m_channels->removeMember(actorId, channelId, userId, context, std::move(done));
}

void ChatService::openConversation(const QString &actorId, QStringList participantIds, QObject *context,
                                   Callback<Channel> done)
{
    m_channels->openConversation(actorId, std::move(participantIds), context, std::move(done));
}

QStringList ChatService::onlineMembers(const QString &channelId) const
{
    return m_channels->onlineMembers(channelId);
}

// ---- messages -------------------------------------------------------------------

void ChatService::postMessage(const QString &actorId, const PostMessage &cmd, QObject *context, Callback<Message> done,
                              const QString &originSessionId)
{
    m_messages->post(actorId, cmd, context, std::move(done), originSessionId);
}

void ChatService::editMessage(const QString &actorId, const QString &messageId, const QString &content,
                              QObject *context, Callback<Message> done)
{
    m_messages->edit(actorId, messageId, content, context, std::move(done));
}

void ChatService::deleteMessage(const QString &actorId, const QString &messageId, QObject *context,
                                Callback<Message> done)
{
    m_messages->remove(actorId, messageId, context, std::move(done));
}

void ChatService::forwardMessage(const QString &actorId, const QString &messageId, const QString &targetChannelId,
                                 QObject *context, Callback<Message> done)
{
    m_messages->forward(actorId, messageId, targetChannelId, context, std::move(done));
}

void ChatService::addReaction(const QString &actorId, const QString &messageId, const QString &emoji, QObject *context,
                              Callback<Reaction> done)
{
    m_messages->addReaction(actorId, messageId, emoji, context, std::move(done));
}

void ChatService::removeReaction(const QString &actorId, const QString &messageId, const QString &emoji,
                                 QObject *context, Callback<Reaction> done)
{
    m_messages->removeReaction(actorId, messageId, emoji, context, std::move(done));
}

void ChatService::removeReactionById(const QString &actorId, const QString &reactionId, QObject *context,
                                     Callback<Reaction> done)
{
    m_messages->removeReactionById(actorId, reactionId, context, std::move(done));
}

void ChatService::markRead(const QString &actorId, const QString &messageId, QObject *context, Callback<Message> done)
{
    m_messages->markRead(actorId, messageId, context, std::move(done));
}

void ChatService::systemMessage(const QString &channelId, const QString &text, QObject *context, Callback<int> done)
{
    m_messages->systemMessage(channelId, text, context, std::move(done));
}

void ChatService::registerUpload(const QString &actorId, const Attachment &upload, QObject *context,
                                 Callback<Attachment> done)
{
    m_messages->registerUpload(actorId, upload, context, std::move(done));
}

Result<Attachment> ChatService::upload(const QString &actorId, const QString &uploadId) const
{
    return m_messages->upload(actorId, uploadId);
}

Result<Message> ChatService::message(const QString &actorId, const QString &messageId) const
{
    return m_messages->message(actorId, messageId);
}

Result<QList<Message>> ChatService::history(const QString &actorId, const QString &channelId, const QString &beforeId,
                                            int limit) const
{
    return MessageHistory(*m_core).history(actorId, channelId, beforeId, limit);
}

Result<QList<Message>> ChatService::historyPage(const QString &actorId, const QString &channelId, int page,
                                                int pageSize) const
{
    return MessageHistory(*m_core).historyPage(actorId, channelId, page, pageSize);
}

Result<QList<Message>> ChatService::messagesSince(const QString &actorId, const QString &channelId,
                                                  const QString &afterId, int limit) const
{
    return MessageHistory(*m_core).messagesSince(actorId, channelId, afterId, limit);
}

Result<QList<Message>> ChatService::threadReplies(const QString &actorId, const QString &parentId, int limit) const
{
    return MessageHistory(*m_core).threadReplies(actorId, parentId, limit);
}

// ---- sessions, typing, presence -----------------------------------------------------

CoreError ChatService::setTyping(Session *session, const QString &channelId, bool typing)
{
    return m_sessions->setTyping(session, channelId, typing);
}

CoreError ChatService::setPresence(const QString &userId, const QString &status)
{
    return m_sessions->setPresence(userId, status);
}
CoreError ChatService::checkRate(const QString &key, int limitPerMinute)
{
    return m_core->checkRate(key, limitPerMinute);
}
CoreError ChatService::attachSession(Session *session)
{
    return m_sessions->attach(session);
}
void ChatService::adoptSession(Session *session)
{
    m_sessions->adopt(session);
}
void ChatService::detachSession(Session *session)
{
    m_sessions->detach(session);
}
qsizetype ChatService::sessionCount() const
{
    return m_sessions->sessionCount();
}

QList<Session *> ChatService::sessions() const
{
    return m_sessions->sessions();
}
Session *ChatService::session(const QString &id) const
{
    return m_sessions->session(id);
}
QList<Session *> ChatService::sessionsOfUser(const QString &userId) const
{
    return m_sessions->sessionsOfUser(userId);
}
CoreError ChatService::subscribe(Session *session, const QString &channelId)
{
    return m_sessions->subscribe(session, channelId);
}
void ChatService::unsubscribe(Session *session, const QString &channelId)
{
    m_sessions->unsubscribe(session, channelId);
}

} // namespace switchboard
