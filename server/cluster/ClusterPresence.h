#pragma once

#include "NodeGrace.h"
#include "PresenceMirror.h"
#include "core/ChatEvent.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QSet>

namespace switchboard {

class ChatService;
class NodeLease;
class RedisConnection;
class RedisReply;

// Presence, room participation and typing across the nodes (docs/cluster.md
// "Presence").
//  - State: each node keeps its own users (connections, status) and rooms in
//    one Redis hash, sb:pn:<node>, and announces every change on sb:all,
//    batched per loop pass (one script writes the hash and publishes, so a
//    reader of the hash and of the channel agree). Other nodes keep them in a
//    PresenceMirror and hand the cluster-wide view to the core (ClusterPort):
//    a user is online while any node has a connection, in a room while any node
//    has a session there; the core's EphemeralLane then coalesces and sends
//    what its clients see, with its window and budget, as for local changes.
//  - Start and Redis reconnect: the node rewrites its hash from scratch (a
//    restart with the same --node-id clears the old process's counts) and a
//    "full" frame replaces what the others knew of it; after each subscribe
//    the hashes of all live nodes are read back.
//  - Death: when a node's lease expires (NodeLease::nodeDown) each survivor
//    waits the grace (--presence-grace-ms; NodeGrace: a node seen up again
//    meanwhile cancels the wait), then forgets the node: its users
//    with no connection elsewhere go offline. A user who reconnected to
//    another node within the grace never shows offline. The dead node's hash
//    is deleted unless it is alive again (idempotent, any survivor may do it).
//  - Typing: this node's typing events go to sb:c:<channel> (the nodes that
//    watch the channel) and are delivered there as they are; expiry stays
//    with the typist's node; a dead node's typing stops when it is forgotten.
//    thread.started (Phoenix start_thread) goes the same way ("h" frames).
class ClusterPresence : public QObject
{
    Q_OBJECT
public:
    ClusterPresence(ChatService *chat, RedisConnection *commands, NodeLease *lease, const QString &nodeId,
                    QObject *parent = nullptr);
    ~ClusterPresence() override;

    void setGraceMs(int ms) { m_grace.setGraceMs(ms); }
    int graceMs() const { return m_grace.graceMs(); }
    void start();
    // A presence ("p") or typing ("t") frame from another node.
    void onFrame(const QString &node, const QString &kind, const QJsonObject &frame);
    // Reads every live node's state back (after the subscriber (re)connected).
    void reload();
    const PresenceMirror &mirror() const { return m_mirror; }

private:
    void onLocalPresence(const QString &userId);
    void onLocalRoom(const QString &channelId, const QString &userId, bool inRoom);
    void onPublished(const ChatEventPtr &event, const QStringList &topics);
    void scheduleFlush();
    void flush();
    void writeFull();
    // One state frame (a delta, or full: the node's whole state) to the node's hash and to "sb:all".
    void sendState(const QJsonArray &users, const QJsonArray &rooms, const QList<QByteArray> &fields, bool full);
    QJsonArray userEntry(const QString &userId) const;
    // [channel, user, in, [devices]] of a local room; *value: the hash field ("" when out).
    QJsonArray roomEntry(const QString &key, QByteArray *value) const;
    // This node's sessions of the user (in the channel's room, if given), a token each.
    QStringList localDevices(const QString &userId, const QString &channelId) const;
    static PresenceMirror::UserState userState(const QJsonArray &entry);
    void applyPresenceFrame(const QString &node, const QJsonObject &frame);
    void applyTyping(const QString &node, const QJsonObject &frame);
    void onSnapshot(const RedisReply &reply);
    void onGraceOver(const QString &node);
    void forgetNode(const QString &node);
    // The mirror's changes, each also told to the core per node (Phoenix metas).
    void setUser(const QString &node, const QString &userId, const PresenceMirror::UserState &state);
    void setRoom(const QString &node, const QString &channelId, const QString &userId, const QStringList &devices);
    PresenceMirror::Dropped dropNode(const QString &node);
    void applyDropped(const PresenceMirror::Dropped &dropped);
    void applyUser(const QString &userId);
    void applyRoom(const QString &channelId, const QString &userId);
    void deliverTyping(const QString &channelId, const QString &userId, bool typing);
    // Another node's thread.started (ephemeral, like typing), to this node's sessions on the channel.
    void applyThreadStarted(const QJsonObject &frame);
    QByteArray hashKey(const QString &node) const { return "sb:pn:" + node.toUtf8(); }

    QPointer<ChatService> m_chat;
    RedisConnection *m_commands;
    NodeLease *m_lease;
    QString m_node;
    QString m_epoch; // this process: a restarted node's frames are told apart
    qint64 m_version = 0;
    NodeGrace m_grace; // per dead node: its grace since its latest nodeDown
    PresenceMirror m_mirror;
    struct Seen
    {
        QString epoch;
        qint64 version = 0;
    };
    QHash<QString, Seen> m_seen;                   // the last frame applied per node
    QHash<QString, qint64> m_stamps;               // when the local status of a user was set
    QHash<QString, QString> m_sentStatus;          // local status last announced per user
    QSet<QString> m_dirtyUsers;                    // to announce in this loop pass
    QHash<QString, bool> m_dirtyRooms;             // room keys (their devices are read at the flush)
    QHash<QString, QString> m_remoteTyping;        // room key -> the typist's node
    QList<QPair<QString, QJsonObject>> m_buffered; // frames that came while a reload ran
    bool m_flushQueued = false;
    bool m_loading = false;
    bool m_reloadWanted = false; // the subscriber was back before the command connection
    bool m_adopting = false;     // taking another node's status: no new stamp
    bool m_injecting = false;    // delivering another node's typing: do not send it back
};

} // namespace switchboard
