#pragma once

#include "ChatEvent.h"

#include <memory>

#include "Channel.h"
#include "ContextGuard.h"
#include "Result.h"
#include "Workspace.h"

#include <QHash>
#include <QObject>
#include <QSet>

#include <optional>

namespace switchboard {

// Storage is private to the core: the stamp is only declared here.
struct EventStamp;
using EventStampPtr = std::shared_ptr<EventStamp>;

class Session;
struct CoreContext;

// Channels, membership and direct conversations, with the one
// join policy every dialect uses (enterChannel) and its one rate limit.
class ChannelManager : public QObject
{
    Q_OBJECT
public:
    explicit ChannelManager(CoreContext &core, QObject *parent = nullptr);

    bool ensureDefaultWorkspace(QString *error);

    QList<Workspace> workspacesOf(const QString &userId) const;
    void createWorkspace(const QString &actorId, const QString &name, QObject *context, Callback<Workspace> done);
    void addWorkspaceMember(const QString &actorId, const QString &workspaceId, const QString &userId, QObject *context,
                            Callback<Workspace> done);

    void createChannel(const QString &actorId, const QString &name, const QString &type, const QString &description,
                       const QString &workspaceId, QObject *context, Callback<Channel> done);
    void updateChannel(const QString &actorId, const QString &channelId, const std::optional<QString> &name,
                       const std::optional<QString> &description, QObject *context, Callback<Channel> done);
    void deleteChannel(const QString &actorId, const QString &channelId, QObject *context, Callback<Channel> done);
    void joinChannel(const QString &actorId, const QString &channelId, QObject *context, Callback<Channel> done);
    // The join policy of every dialect: rate limit, read access, subscription,
    // and membership for a public channel the user is not a member of yet
    // (answered once that membership is committed).
    void enterChannel(Session *session, const QString &channelId, QObject *context, Callback<Channel> done);
    CoreError checkJoinRate(const QString &userId);
    void addMember(const QString &actorId, const QString &channelId, const QString &userId, QObject *context,
                   Callback<Channel> done);
    void removeMember(const QString &actorId, const QString &channelId, const QString &userId, QObject *context,
                      Callback<Channel> done);
    void openConversation(const QString &actorId, QStringList participantIds, QObject *context, Callback<Channel> done);
    QStringList onlineMembers(const QString &channelId) const;

    // A committed membership reaches memory, subscriptions and the room.
    void memberAdded(const Channel &c, const QString &userId, const QString &actorId, const EventStampPtr &stamp);
    // Subscribes the user's sessions to a topic they may now hear (workspace
    // topics: every session; channel topics: sessions that follow memberships).
    void subscribeFollowers(const QString &userId, const QString &topic);
    // The log entry of a member joining or leaving (ResumeManager::stamp).
    EventStampPtr memberStamp(ChatEvent::Type type, const QString &channelId, const QString &userId,
                              const QString &actorId) const;

private:
    void announceMember(const Channel &c, const QString &userId, const QString &actorId, const EventStampPtr &stamp);
    void memberRemoved(const Channel &c, const QString &userId);
    void persistMember(const Channel &c, const QString &userId, const QString &actorId, QObject *context,
                       Callback<Channel> done);

    CoreContext &m_core;
    QHash<QString, QList<std::pair<Callback<Channel>, ContextGuard>>> m_pendingDms; // key -> waiting callers
    QSet<QString> m_pendingChannelNames; // workspace + '/' + lower-case name, until committed
};

} // namespace switchboard
