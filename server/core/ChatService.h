#pragma once

#include "Attachment.h"
#include "ChatEvent.h"
#include "CoreConfig.h"
#include "Directory.h"
#include "MessageManager.h"
#include "PresenceManager.h"
#include "RoomManager.h"
#include "TypingManager.h"
#include "Result.h"
#include "StorageStats.h"
#include "Workspace.h"

#include <QObject>
#include <QPointer>

#include <memory>
#include <optional>

class QTimer;

namespace switchboard {

class AccountManager;
class ClusterPort;
class EphemeralLane;
class ParticipationTracker;
class ResumeManager;
class DirectoryReloader;
class WorkspaceManager;
class EventOutlet;
class ChannelManager;
class Session;
class SessionManager;
class Store;
struct CoreContext;

// The chat core as the dialects see it: commands in, committed events out.
// Every mutation is committed before its callback runs and before its event is
// published, so nothing is acknowledged or broadcast that could be lost.
// The work is done by four managers (accounts, channels, messages, sessions)
// over one commit path (CommitPath) and one outlet for events (EventOutlet);
// this facade only routes. Single-threaded: lives in the main thread with the
// sessions. Storage is private to the core: no dialect sees the store.
class ChatService : public QObject
{
    Q_OBJECT
public:
    using PostMessage = MessageManager::Post;

    ChatService(Store *store, const QByteArray &jwtSecret, const CoreConfig &config, QObject *parent = nullptr);
    ~ChatService() override;

    // Loads the directory and makes sure the default workspace exists.
    bool start(QString *error);
    const CoreConfig &config() const;
    // New limits take effect for the next command (reload, tests).
    void setConfig(const CoreConfig &config);

    const Directory &directory() const;
    RoomManager *rooms() const;
    SessionManager *sessionManager() const { return m_sessions.get(); }
    const PresenceManager *presence() const;
    const TypingManager *typing() const;
    StorageStats storageStats() const;
    // Where every event leaves the core (admin feed, metrics, cluster).
    EventOutlet *outlet() const;
    // Presence, typing and room participation: coalesced and budgeted.
    EphemeralLane *lane() const;
    // Resume: the channel event log and its replays (ResumeManager).
    ResumeManager *resume() const { return m_resume.get(); }
    // The cluster applies other nodes' directory changes through it.
    DirectoryReloader *directoryReloader() const { return m_reloader.get(); }
    // What a cluster changes in the core: other nodes' presence and rooms, shared limits.
    ClusterPort *clusterPort() const { return m_clusterPort.get(); }
    // The channel's newest published sequence number (join replies carry it).
    qint64 channelSeq(const QString &channelId) const;
    // Whether any session of the user is in the channel's room (seed 002).
    bool isInRoom(const QString &channelId, const QString &userId) const;

    // ---- accounts ---------------------------------------------------------
    void registerUser(const QString &username, const QString &password, const QString &email,
                      const QString &displayName, QObject *context, Callback<User> done);
    void login(const QString &usernameOrEmail, const QString &password, QObject *context, Callback<User> done);
    QByteArray issueToken(const User &u) const;
    // Verifies signature, expiry and that the user exists and is enabled.
    Result<User> authenticate(const QByteArray &token) const;
    // Revokes the token and closes the connections that use it (AccountManager::logout).
    void logout(const QByteArray &token, QObject *context, Callback<User> done);
    const User *user(const QString &id) const;
    void disableUser(const QString &userId, const QString &reason, QObject *context, Callback<User> done);

    // ---- workspaces and channels --------------------------------------------
    QList<Workspace> workspacesOf(const QString &userId) const;
    void createWorkspace(const QString &actorId, const QString &name, QObject *context, Callback<Workspace> done);
    void addWorkspaceMember(const QString &actorId, const QString &workspaceId, const QString &userId, QObject *context,
                            Callback<Workspace> done);
    QList<Channel> visibleChannels(const QString &userId, const QString &workspaceId = QString()) const;
    // The channel if the user may read it, else NotFound/AccessDenied.
    Result<Channel> readableChannel(const QString &userId, const QString &channelId) const;
    void createChannel(const QString &actorId, const QString &name, const QString &type, const QString &description,
                       const QString &workspaceId, QObject *context, Callback<Channel> done);
    void updateChannel(const QString &actorId, const QString &channelId, const std::optional<QString> &name,
                       const std::optional<QString> &description, QObject *context, Callback<Channel> done);
    void deleteChannel(const QString &actorId, const QString &channelId, QObject *context, Callback<Channel> done);
    // Self-join of a public channel (persisted membership).
    void joinChannel(const QString &actorId, const QString &channelId, QObject *context, Callback<Channel> done);
    // What a session's "join" means in every dialect: one rate limit, read
    // access, the subscription, and membership of a public channel.
    void enterChannel(Session *session, const QString &channelId, QObject *context, Callback<Channel> done);
    // The join rate limit alone, for joins that are not of a channel (a Phoenix workspace topic).
    CoreError checkJoinRate(const QString &userId);
    void addMember(const QString &actorId, const QString &channelId, const QString &userId, QObject *context,
                   Callback<Channel> done);
    // actorId == userId: leave. Otherwise the creator, a workspace owner or the admin (empty actor).
    void removeMember(const QString &actorId, const QString &channelId, const QString &userId, QObject *context,
                      Callback<Channel> done);
    void openConversation(const QString &actorId, QStringList participantIds, QObject *context, Callback<Channel> done);
    QStringList onlineMembers(const QString &channelId) const;

    // ---- messages ---------------------------------------------------------
    void postMessage(const QString &actorId, const PostMessage &cmd, QObject *context, Callback<Message> done,
                     const QString &originSessionId = QString());
    void editMessage(const QString &actorId, const QString &messageId, const QString &content, QObject *context,
                     Callback<Message> done);
    void deleteMessage(const QString &actorId, const QString &messageId, QObject *context, Callback<Message> done);
    void forwardMessage(const QString &actorId, const QString &messageId, const QString &targetChannelId,
                        QObject *context, Callback<Message> done);
    void addReaction(const QString &actorId, const QString &messageId, const QString &emoji, QObject *context,
                     Callback<Reaction> done);
    void removeReaction(const QString &actorId, const QString &messageId, const QString &emoji, QObject *context,
                        Callback<Reaction> done);
    void removeReactionById(const QString &actorId, const QString &reactionId, QObject *context,
                            Callback<Reaction> done);
    void markRead(const QString &actorId, const QString &messageId, QObject *context, Callback<Message> done);
    // System message from the admin: to one channel, or (empty id) to every channel.
    void systemMessage(const QString &channelId, const QString &text, QObject *context, Callback<int> done);
    // A file the actor uploaded (its content is already on disk), recorded and answered once committed.
    void registerUpload(const QString &actorId, const Attachment &upload, QObject *context, Callback<Attachment> done);
    Result<Attachment> upload(const QString &actorId, const QString &uploadId) const;

    Result<Message> message(const QString &actorId, const QString &messageId) const;
    // Oldest first. beforeId empty: the newest page.
    Result<QList<Message>> history(const QString &actorId, const QString &channelId, const QString &beforeId,
                                   int limit) const;
    // Seed 001 paging: page 1 is the newest page, oldest first within it.
    Result<QList<Message>> historyPage(const QString &actorId, const QString &channelId, int page, int pageSize) const;
    // What was posted after afterId (empty: from the start), oldest first, thread replies included.
    Result<QList<Message>> messagesSince(const QString &actorId, const QString &channelId, const QString &afterId,
                                         int limit) const;
    Result<QList<Message>> threadReplies(const QString &actorId, const QString &parentId, int limit) const;
    // A thread was started on parent (nothing is stored: a reply makes a thread):
    // an ephemeral thread.started to the channel's sessions on every node.
    void announceThreadStarted(const Message &parent, const QString &actorId, const QString &originSessionId)
    {
        m_messages->announceThreadStarted(parent, actorId, originSessionId);
    }

    // ---- sessions, typing, presence -------------------------------------------
    CoreError setTyping(Session *session, const QString &channelId, bool typing);
    CoreError setPresence(const QString &userId, const QString &status);
    // Rate limit check for dialect-level actions: returns RateLimited or None.
    CoreError checkRate(const QString &key, int limitPerMinute);
    // Registers a connection: presence, the user's own and workspace topics, and
    // (for sessions that follow memberships) every channel of the user.
    CoreError attachSession(Session *session);
    // Takes ownership of a session that has no QObject parent (a parent with
    // 19,000 children pays a linear search and a memmove of its child list for
    // every one that goes). The session still deletes itself when it closes;
    // whatever is left is deleted with the service.
    void adoptSession(Session *session);
    void detachSession(Session *session);
    QList<Session *> sessions() const;
    qsizetype sessionCount() const;
    Session *session(const QString &id) const;
    QList<Session *> sessionsOfUser(const QString &userId) const;
    // Subscribes a session to a channel after checking read access.
    CoreError subscribe(Session *session, const QString &channelId);
    void unsubscribe(Session *session, const QString &channelId);

Q_SIGNALS:
    // Every event, after local fan-out (admin feed, metrics).
    void eventPublished(const ChatEventPtr &event);
    void sessionAttached(Session *session);
    void sessionDetached(Session *session);

private:
    bool loadDirectory();

    std::unique_ptr<CoreContext> m_core;
    std::unique_ptr<AccountManager> m_accounts;
    std::unique_ptr<ChannelManager> m_channels;
    std::unique_ptr<MessageManager> m_messages;
    std::unique_ptr<SessionManager> m_sessions;
    std::unique_ptr<EphemeralLane> m_lane;
    std::unique_ptr<ParticipationTracker> m_participation;
    std::unique_ptr<ResumeManager> m_resume;
    std::unique_ptr<DirectoryReloader> m_reloader;
    std::unique_ptr<WorkspaceManager> m_workspaces;
    std::unique_ptr<ClusterPort> m_clusterPort;
    QTimer *m_prune = nullptr;
};

} // namespace switchboard
