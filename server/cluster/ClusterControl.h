#pragma once

#include "ClusterControlCodec.h"
#include "NodeInfo.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>

#include <functional>

namespace switchboard {

class ChatService;
class ClusterBus;

// The admin console's view of the cluster and its hands on other nodes
// (docs/cluster.md "The console and the cluster").
//  - Nodes: while a console watches, each lease check is followed by one MGET
//    of the live nodes' lease JSON (id, listen, started, connections); a node
//    whose lease ends stays listed as down for downKeepMs (a minute).
//  - Actions: every node listens on "sb:ctl:<its id>". A request for a
//    connection or user held elsewhere is published there; PUBLISH reaching
//    nobody means the node is down; the reply comes back on the asker's own
//    channel, or the request fails with "timeout" after timeoutMs.
class ClusterControl : public QObject
{
    Q_OBJECT
public:
    using Reply = ClusterControlCodec::Reply;
    using Callback = std::function<void(const Reply &)>;
    using AllCallback = std::function<void(const QList<Reply> &)>;

    ClusterControl(ChatService *chat, ClusterBus *bus, QObject *parent = nullptr);

    void setTimeout(int ms) { m_timeoutMs = qMax(1, ms); }
    int timeout() const { return m_timeoutMs; }
    void setDownKeepMs(int ms) { m_downKeepMs = ms; }
    // Node list upkeep costs one MGET per check: only while a console looks.
    void setWatching(bool on);

    QString nodeId() const;
    // Live nodes first, by id; this node marked self with its count of now.
    QList<NodeInfo> nodes() const;
    bool isLive(const QString &node) const;
    bool isKnown(const QString &node) const { return m_nodes.contains(node) || isLive(node); }

    // Closes a connection (or every session of a user) held by `node`. The
    // callback runs once, on `context`'s life only: with the node's answer,
    // or a node_down / timeout failure.
    void disconnect(const QString &node, const QString &connectionId, const QString &reason, QObject *context,
                    Callback done);
    void disconnectUser(const QString &node, const QString &userId, const QString &reason, QObject *context,
                        Callback done);
    // Asks every other live node; one reply per node (failures included).
    void disconnectEverywhere(const QString &connectionId, const QString &reason, QObject *context, AllCallback done);
    void disconnectUserEverywhere(const QString &userId, const QString &reason, QObject *context, AllCallback done);

    // What this node answers to a request (also used for its own connections).
    Reply disconnectLocal(const QString &connectionId, const QString &reason) const;
    Reply disconnectUserLocal(const QString &userId, const QString &reason) const;

private:
    struct Pending
    {
        QPointer<QObject> context;
        Callback done;
    };
    void ask(const QString &node, ClusterControlCodec::Request request, QObject *context, Callback done);
    void askAll(const ClusterControlCodec::Request &request, QObject *context, AllCallback done);
    void finish(const QString &id, const Reply &reply);
    void onMessage(const QByteArray &channel, const QByteArray &payload);
    void answer(const ClusterControlCodec::Request &request);
    void readLeases();
    void markDown(const QString &node);
    QByteArray controlChannel(const QString &node) const { return "sb:ctl:" + node.toUtf8(); }
    static Reply failure(const QString &node, const char *code, const QString &message);

    QPointer<ChatService> m_chat;
    ClusterBus *m_bus;
    QHash<QString, Pending> m_pending;
    QHash<QString, NodeInfo> m_nodes; // as last read, down ones kept a while
    quint64 m_nextId = 0;
    int m_timeoutMs = 2000;
    int m_downKeepMs = 60000;
    bool m_watching = false;
};

} // namespace switchboard
