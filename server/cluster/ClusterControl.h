#pragma once

#include "ClusterControlCodec.h"
#include "NodeInfo.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <memory>

namespace switchboard {

class ChatService;
class ClusterBus;
class Session;

// The admin console's view of the cluster and its hands on other nodes
// (docs/cluster.md "The console and the cluster").
//  - Nodes: while a console watches, each lease check is followed by one MGET
//    of the live nodes' lease JSON (id, listen, started, connections); a node
//    whose lease ends stays listed as down for downKeepMs (a minute).
//  - Actions: every node listens on "sb:ctl:<its id>". A request for a
//    connection or user held elsewhere is published there; PUBLISH reaching
//    nobody means the node is down; the reply comes back on the asker's own
//    channel, or the request fails with "timeout" after timeoutMs.
//  - Connection lists: a node asked for its connections answers in pages of
//    pageSize rows, one page per loop pass, so that neither its loop nor a
//    Redis message ever carries the whole list at once.
class ClusterControl : public QObject
{
    Q_OBJECT
public:
    using Reply = ClusterControlCodec::Reply;
    using Callback = std::function<void(const Reply &)>;
    using AllCallback = std::function<void(const QList<Reply> &)>;
    using ListCallback = std::function<void(const Reply &, const QList<ConnectionInfo> &)>;
    using Describer = std::function<ConnectionInfo(const Session *)>;

    ClusterControl(ChatService *chat, ClusterBus *bus, QObject *parent = nullptr);

    void setTimeout(int ms) { m_timeoutMs = qMax(1, ms); }
    int timeout() const { return m_timeoutMs; }
    void setDownKeepMs(int ms) { m_downKeepMs = ms; }
    void setPageSize(int rows) { m_pageSize = qMax(1, rows); }
    // How this node describes its sessions to another node's console (the
    // admin feed's own description); without one it answers list requests
    // with "unavailable".
    void setDescriber(Describer describer) { m_describer = std::move(describer); }
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

    // Every connection `node` holds, each tagged with that node. The callback
    // runs once: with ok and all the rows, or with a failure (node_down,
    // timeout, unavailable) and none. The timeout restarts with each page,
    // so a long list that keeps flowing is never cut off.
    void listConnections(const QString &node, QObject *context, ListCallback done);

    // What this node answers to a request (also used for its own connections).
    Reply disconnectLocal(const QString &connectionId, const QString &reason) const;
    Reply disconnectUserLocal(const QString &userId, const QString &reason) const;

private:
    struct Pending
    {
        QPointer<QObject> context;
        Callback done;
        qint64 deadline = 0;
        // A list request's rows so far and the page expected next.
        std::shared_ptr<QList<ConnectionInfo>> rows;
        int nextPart = 0;
    };
    // A list being sent to another node, a page per loop pass.
    struct ListJob
    {
        QString id;
        QString to;
        QStringList ids; // the sessions when asked: one gone meanwhile is skipped
        qsizetype pos = 0;
        int part = 0;
    };
    QString ask(const QString &node, ClusterControlCodec::Request request, QObject *context, Callback done);
    void armTimeout(const QString &id, const QString &node, int ms);
    void onPage(const ClusterControlCodec::Page &page);
    void startList(const ClusterControlCodec::Request &request);
    void sendListPage();
    void publishReply(const QString &to, const Reply &reply);
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
    int m_pageSize = 1000;
    Describer m_describer;
    QList<ListJob> m_listJobs;
    QTimer m_listPass; // 0 ms: once per loop pass while a list is going out
};

} // namespace switchboard
