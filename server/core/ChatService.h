#pragma once

#include "ChatEvent.h"
#include "ContextGuard.h"
#include "CoreConfig.h"
#include "Directory.h"
#include "PresenceManager.h"
#include "RateLimiter.h"
#include "Result.h"
#include "RoomManager.h"
#include "Store.h"
#include "TypingManager.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QSet>

#include <memory>
#include <optional>

class JwtCodec;
class PasswordHasher;
class Session;

// The chat core: commands in, committed domain events out. Dialects and the
// REST API call these commands and never touch storage; every mutation is
// committed (Store group commit) before its callback runs and before its event
// is published, so nothing is acknowledged or broadcast that could be lost.
// Single-threaded: lives in the main thread with the sessions.
class ChatService : public QObject
{
    Q_OBJECT
public:
    struct PostMessage {
        QString channelId;
        QString content;
        QString threadId;
        QString replyToId;
        QString forwardedFromId;
        // Attachment objects as the client wrote them: an object that names one
        // of our uploads (by id or by its /api/v1/uploads/ URL) must be the
        // actor's own upload; any other is an external link and is validated.
        QList<Attachment> attachments;
        QStringList uploadIds; // uploads referred to by id alone
        QJsonObject metadata;
    };

    ChatService(Store *store, const QByteArray &jwtSecret, const CoreConfig &config, QObject *parent = nullptr);
    ~ChatService() override;

    // Loads the directory and makes sure the default workspace exists.
    bool start(QString *error);
    const CoreConfig &config() const { return m_config; }
    CoreConfig &mutableConfig() { return m_config; }

    Directory &directory() { return m_dir; }
    const Directory &directory() const { return m_dir; }
    RoomManager *rooms() { return &m_rooms; }
    PresenceManager *presence() { return &m_presence; }
    TypingManager *typing() { return &m_typing; }
    Store *store() const { return m_store; }

    // ---- identity ---------------------------------------------------------
    void registerUser(const QString &username, const QString &password, const QString &email,
                      const QString &displayName, QObject *context, Callback<User> done);
    void login(const QString &usernameOrEmail, const QString &password, QObject *context, Callback<User> done);
    QByteArray issueToken(const User &u) const;
    // Verifies signature, expiry and that the user exists and is enabled.
    Result<User> authenticate(const QByteArray &token) const;
    const User *user(const QString &id) const { return m_dir.user(id); }
    void disableUser(const QString &userId, const QString &reason, QObject *context, Callback<User> done);

    // ---- workspaces -------------------------------------------------------
    QList<Workspace> workspacesOf(const QString &userId) const;
    void createWorkspace(const QString &actorId, const QString &name, QObject *context, Callback<Workspace> done);
    void addWorkspaceMember(const QString &actorId, const QString &workspaceId, const QString &userId,
                            QObject *context, Callback<Workspace> done);

    // ---- channels ---------------------------------------------------------
    QList<Channel> visibleChannels(const QString &userId, const QString &workspaceId = QString()) const;
    // The channel if the user may read it, else NotFound/AccessDenied.
    Result<Channel> readableChannel(const QString &userId, const QString &channelId) const;
    void createChannel(const QString &actorId, const QString &name, const QString &type, const QString &description,
                       const QString &workspaceId, QObject *context, Callback<Channel> done);
    void updateChannel(const QString &actorId, const QString &channelId, const std::optional<QString> &name,
                       const std::optional<QString> &description, QObject *context, Callback<Channel> done);
    void deleteChannel(const QString &actorId, const QString &channelId, QObject *context, Callback<Channel> done);
    // Self-join of a public channel.
    void joinChannel(const QString &actorId, const QString &channelId, QObject *context, Callback<Channel> done);
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
    void removeReactionById(const QString &actorId, const QString &reactionId, QObject *context, Callback<Reaction> done);
    void markRead(const QString &actorId, const QString &messageId, QObject *context, Callback<Message> done);
    // System message from the admin: to one channel, or (empty id) to every channel.
    void systemMessage(const QString &channelId, const QString &text, QObject *context, Callback<int> done);

    // A file the actor uploaded (the content is already on disk): recorded and answered once committed.
    void registerUpload(const QString &actorId, const Attachment &upload, QObject *context, Callback<Attachment> done);
    Result<Attachment> upload(const QString &actorId, const QString &uploadId) const;

    Result<Message> message(const QString &actorId, const QString &messageId) const;
    // Oldest first. beforeId empty: the newest page.
    Result<QList<Message>> history(const QString &actorId, const QString &channelId, const QString &beforeId, int limit) const;
    // Seed 001 paging: page 1 is the newest page, oldest first within it.
    Result<QList<Message>> historyPage(const QString &actorId, const QString &channelId, int page, int pageSize) const;
    // What was posted after afterId (empty: from the start), oldest first, thread replies included.
    Result<QList<Message>> messagesSince(const QString &actorId, const QString &channelId, const QString &afterId, int limit) const;
    Result<QList<Message>> threadReplies(const QString &actorId, const QString &parentId, int limit) const;

    // ---- ephemeral state --------------------------------------------------
    CoreError setTyping(Session *session, const QString &channelId, bool typing);
    CoreError setPresence(const QString &userId, const QString &status);
    // Rate limit check for dialect-level actions ("join", ...): returns RateLimited or None.
    CoreError checkRate(const QString &key, int limitPerMinute);

    // ---- sessions ---------------------------------------------------------
    // Registers a connection: presence, the user's own and workspace topics, and
    // (for sessions that follow memberships) every channel of the user.
    CoreError attachSession(Session *session);
    // Takes ownership of a session that has no QObject parent (a parent with
    // 19,000 children pays a linear search and a memmove of its child list for
    // every one that goes). The session still deletes itself when it closes;
    // whatever is left is deleted with the service.
    void adoptSession(Session *session);
    void detachSession(Session *session);
    QList<Session *> sessions() const { return m_sessions.values(); }
    Session *session(const QString &id) const { return m_sessions.value(id); }
    QList<Session *> sessionsOfUser(const QString &userId) const;
    // Subscribes a session to a channel after checking read access.
    CoreError subscribe(Session *session, const QString &channelId);
    void unsubscribe(Session *session, const QString &channelId);

Q_SIGNALS:
    // Every committed event, after fan-out (admin feed, metrics).
    void eventPublished(const ChatEventPtr &event);
    void sessionAttached(Session *session);
    void sessionDetached(Session *session);

private:
    template <typename T> void finish(QObject *context, const Callback<T> &done, const Result<T> &r);
    void publish(ChatEvent::Type type, const Channel &channel, const std::function<void(ChatEvent &)> &fill,
                 QStringList topics = {});
    void publishEvent(const std::shared_ptr<ChatEvent> &e, const QStringList &topics);
    QStringList topicsFor(const Channel &c, bool withWorkspace) const;
    void onPresenceChanged(const QString &userId, const QString &status);
    void onTypingChanged(const QString &channelId, const QString &userId, bool typing);
    void addMemberCommitted(const Channel &c, const QString &userId, const QString &actorId);
    void removeMemberCommitted(const Channel &c, const QString &userId, const QString &actorId);
    bool canModerate(const QString &actorId, const Channel &c) const;
    void fillMessageContext(ChatEvent &e) const;
    CoreError validateContent(const QString &content, bool allowEmpty) const;
    Result<QList<Attachment>> resolveAttachments(const QString &actorId, const PostMessage &cmd) const;
    void postResolved(const QString &actorId, const PostMessage &cmd, QList<Attachment> attachments, QObject *context,
                      Callback<Message> done, const QString &originSessionId);
    void ensureDefaultWorkspace(QString *error);

    QPointer<Store> m_store;
    QSet<Session *> m_owned; // adopted sessions still alive // the server may delete the store first (its children go in creation order)
    CoreConfig m_config;
    std::unique_ptr<JwtCodec> m_jwt;
    std::unique_ptr<PasswordHasher> m_hasher;
    Directory m_dir;
    RoomManager m_rooms;
    PresenceManager m_presence;
    TypingManager m_typing;
    RateLimiter m_limiter;
    QHash<QString, QList<std::pair<Callback<Channel>, ContextGuard>>> m_pendingDms; // key -> waiting callers
    QSet<QString> m_pendingChannelNames; // workspace + '/' + lower-case name, until committed
    QSet<Session *> m_presenceCounted;   // sessions whose connection PresenceManager counts
    QHash<QString, Session *> m_sessions;
    QHash<QString, QSet<Session *>> m_userSessions;
    QTimer m_prune;
};
