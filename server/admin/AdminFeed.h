#pragma once

#include "AdminConsole.h"
#include "ChannelActivity.h"
#include "ChannelInfo.h"
#include "core/ChatEvent.h"
#include "ConnectionInfo.h"
#include "ServerStats.h"
#include "core/Session.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <optional>

namespace switchboard {

struct AdminCommand;
struct AdminResult;
class ChatService;
class ClusterControl;
class RemoteConnections;
class WebSocketConnection;
class Router;
struct HttpRequest;
class HttpResponse;

// The admin feed at /admin/ws. Consoles authenticated with the admin token
// get a snapshot of every connection and channel plus the server counters,
// then deltas once a second, and (if they ask) a filtered, rate-capped
// stream of the traffic. They may disconnect a connection, send a system
// message, remove a user from a channel or disable a user; every command is
// checked, logged, answered, and reported to every console as an audit entry.
//
// Watching must not slow the server: nothing is computed while no console
// is connected, the traffic tap is on only while a console wants traffic,
// and a slow console is cut back (see AdminConsole), never waited for.
class AdminFeed : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString token;
        int tickMs = 1000;        // deltas and stats
        int trafficFlushMs = 100; // traffic batches
        int maxConsoles = 16;
        int payloadLimit = TrafficEvent::DefaultPayloadLimit;
        AdminConsole::Limits limits;
        // Snapshots bigger than this many connections + channels go out in
        // parts of this size, one part per console per loop pass, the parts
        // of one pass within the budget: watching must not stall chatting.
        int snapshotSliceSize = 500;
        int snapshotPassBudgetMs = 4;
        // Connections described per loop pass when sampling (each tick).
        int sampleSliceSize = 1000;
    };

    // Registers /admin/ws when a token is configured; without one it only
    // logs that the feed is off and returns nullptr.
    static AdminFeed *install(Router &router, ChatService *chat, const QString &adminToken, QObject *parent);

    AdminFeed(ChatService *chat, const Options &options, QObject *parent = nullptr);
    ~AdminFeed() override;

    void installRoutes(Router &router);
    // In a cluster: the feed lists the nodes, every node's connections (each
    // row tagged with its node) and acts on connections and users held by
    // other nodes (docs/cluster.md "The console and the cluster").
    void setCluster(ClusterControl *control);
    int consoleCount() const { return int(m_consoles.size()); }
    // Server shutdown: every console gets close code 1001 and may reconnect later.
    void goingAway();

    // For tests and the route: token and rate checks of an upgrade request.
    std::optional<HttpResponse> checkUpgrade(const HttpRequest &req);
    void acceptConsole(WebSocketConnection *socket, const HttpRequest &req);
    // Samples every connection and sends deltas (and owed snapshots) now,
    // as each tick does over a few loop passes (tests).
    void refresh();

private:
    void onSessionAttached(Session *session);
    void onSessionDetached(Session *session);
    void onTraffic(Session *session, Session::Direction dir, const QString &event, const QString &channelId,
                   qint64 bytes, const QByteArray &payload);
    void onEvent(const ChatEventPtr &event);
    void onConsoleClosed(AdminConsole *console);
    // Each tick starts a sampling round: connections are described a slice
    // per loop pass; the round's end applies them and sends the deltas.
    void tick();
    void sampleSlice();
    void finishRound();
    void flushTraffic();
    void updateTap();
    void startSnapshot(AdminConsole *console);
    void sendSnapshotParts();

    void handleCommand(AdminConsole *console, const QByteArray &data);
    void runCommand(AdminConsole *console, const AdminCommand &command);
    void finish(AdminConsole *console, AdminResult result);
    void disconnectConnection(AdminConsole *console, const AdminCommand &command);
    void disconnectUser(AdminConsole *console, const AdminCommand &command);

    ConnectionInfo describe(const Session *session) const;
    ChannelInfo describe(const Channel &channel, qint64 nowMs) const;
    ServerStats sampleStats(qint64 nowMs);
    QList<NodeInfo> clusterNodes() const;

    ChatService *m_chat;
    Options m_options;
    QList<AdminConsole *> m_consoles;
    QTimer m_tick;
    QTimer m_trafficFlush;
    QTimer m_snapshotParts; // 0 ms: once per loop pass while a snapshot is going out
    QTimer m_roundSlices;   // 0 ms: once per loop pass while a sampling round runs
    QStringList m_roundIds;
    qsizetype m_roundPos = -1; // -1: no round under way
    QSet<QString> m_roundLive;
    QList<ConnectionInfo> m_roundChanged;
    bool m_tapOn = false;
    qint64 m_trafficSeq = 0;
    qint64 m_startedAt;
    ChannelActivity m_activity;

    // What the consoles were last told, to compute deltas.
    QHash<QString, ConnectionInfo> m_connections;
    QHash<QString, ChannelInfo> m_channels;
    ServerStats m_stats;
    ClusterControl *m_cluster = nullptr;
    RemoteConnections *m_remote = nullptr; // in a cluster: the other nodes' connections
    QList<NodeInfo> m_nodes;

    // Counters at the previous sample, for rates.
    qint64 m_lastSampleMs = 0;
    quint64 m_lastMessagesIn = 0, m_lastDeliveries = 0, m_lastErrors = 0;
    quint64 m_lastCommits = 0;
    double m_lastCommitTotalMs = 0;
    qint64 m_droppedTotal = 0;
};

} // namespace switchboard
