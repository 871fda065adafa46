#pragma once

#include "ChannelAccess.h"
#include "CommitPath.h"
#include "CoreConfig.h"
#include "Directory.h"
#include "EventOutlet.h"
#include "PresenceManager.h"
#include "RateLimiter.h"
#include "RoomManager.h"
#include "TypingManager.h"

#include <QPointer>
#include <QString>

namespace switchboard {

class AccountManager;
class ConnectionQuota;
class EphemeralLane;
class ParticipationTracker;
class ResumeManager;
class ChannelManager;
class MessageManager;
class SessionManager;
class SharedLimits;
#include "storage/Store.h"

// What the four managers of the core share: the in-memory directory, the
// rooms, the one commit path and the one event outlet, the limits. Owned by
// ChatService; the managers hold a reference and reach each other through it.
struct CoreContext
{
    CoreContext(Store *s, const CoreConfig &c) : store(s), config(c), access(dir), outlet(&rooms), commits(s) {}

    QPointer<Store> store; // the server may delete the store first (its children go in creation order)
    CoreConfig config;
    Directory dir;
    ChannelAccess access;
    RoomManager rooms;
    PresenceManager presence;
    TypingManager typing;
    RateLimiter limiter;
    EventOutlet outlet;
    CommitPath commits;

    AccountManager *accounts = nullptr;
    ChannelManager *channels = nullptr;
    MessageManager *messages = nullptr;
    SessionManager *sessions = nullptr;
    EphemeralLane *lane = nullptr; // presence, typing, participation
    ParticipationTracker *participation = nullptr;
    ResumeManager *resume = nullptr;            // the event log: stamps and replays
    SharedLimits *sharedLimits = nullptr;       // a cluster's limits across nodes (ClusterPort)
    ConnectionQuota *connectionQuota = nullptr; // a cluster's per-user connection cap (ClusterPort)

    // The author of system messages; nobody can log in as it.
    static QString systemUserId() { return QStringLiteral("00000000-0000-0000-0000-000000000000"); }

    // RateLimited with the wait, or no error. On a cluster, the other nodes'
    // count is known as of this node's last reply (docs/cluster.md "Limits").
    CoreError checkRate(const QString &key, int limitPerMinute);
    // The same check, exact across a cluster's nodes: `then` gets the verdict
    // after the cluster's count has answered (at once without a cluster);
    // meanwhile the caller's later commits wait behind this command, so its
    // commands still commit in the order it sent them.
    void checkRateInOrder(QObject *caller, const QString &key, int limitPerMinute,
                          std::function<void(const CoreError &)> then);
};

} // namespace switchboard
