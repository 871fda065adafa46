#pragma once

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <vector>

namespace switchboard {

class ChatService;
class PhoenixBroadcast;
class PhoenixConnection;
class Session;

// Phoenix.Presence for the whole server, built on the core's subscriptions:
// whoever (of any dialect) is subscribed to a channel ("c:<id>") or a
// workspace ("w:<id>") is present there, with one meta per connection. The
// hub turns RoomManager's subscribe/unsubscribe signals into presence_diff
// broadcasts for the Phoenix sockets that joined the matching topic.
//
// Diffs are batched: changes to a topic accumulate for one window and go out
// as one presence_diff per topic (a join and a leave of the same meta within
// the window cancel out). One frame per connect per listener made N connects
// cost N² frames. presence_state is the state as of the last diff sent (the
// changes pending in the window taken back), so that state + the next diff is
// exact: a socket that joins mid-window neither misses a change nor sees one
// twice; its own arrival reaches it in that next diff.
//
// In a cluster a user's sessions on another node are one meta per session
// (device) too (ClusterPort::remoteSubscriptionChanged carries a token per
// session; docs/cluster.md), with the same fields as a local one; a device's
// phx_ref stays the same while it is there.
class PhoenixPresenceHub : public QObject
{
    Q_OBJECT
public:
    static constexpr int kDefaultDiffWindowMs = 200;

    explicit PhoenixPresenceHub(ChatService *chat, QObject *parent = nullptr);

    // How long changes accumulate before one diff per topic goes out; 0: a
    // diff per change, sent at once (no batching).
    void setDiffWindowMs(int ms)
    {
        m_window.setInterval(ms);
        m_windowMs = ms;
    }
    int diffWindowMs() const { return m_windowMs; }
    // Sends the pending diffs now (tests; shutdown needs nothing of it).
    void flushDiffs();
    int windowsFlushed() const { return m_windowsFlushed; }

    void addConnection(Session *session, PhoenixConnection *connection);
    void removeConnection(Session *session);

    // A Phoenix socket that joined `phxTopic` ("channel:<id>") and wants its diffs.
    void listen(const QString &coreTopic, PhoenixConnection *connection);
    void unlisten(const QString &coreTopic, PhoenixConnection *connection);

    // {user_id: {metas: [...]}} as listeners know it: everyone subscribed to
    // coreTopic as of the last diff sent (pending changes not yet in it).
    QJsonObject state(const QString &coreTopic) const;

    // Sends one broadcast to every Phoenix socket listening on coreTopic.
    void broadcast(const QString &coreTopic, const PhoenixBroadcast &message,
                   const PhoenixConnection *except = nullptr);

    static QString phoenixTopicFor(const QString &coreTopic);
    static QString coreTopicFor(const QString &phoenixTopic);

private:
    struct Meta
    {
        quint64 ref = 0; // phx_ref is made from it when sent: no string per subscription
        qint64 joinedAt = 0;
    };
    // A session's presence subscriptions: a handful, so a flat list, which
    // costs a fraction of a QHash's first 48-entry block (every session of
    // every dialect has one).
    struct TopicMeta
    {
        QString topic;
        Meta meta;
    };
    using TopicMetas = std::vector<TopicMeta>;
    static TopicMetas::const_iterator findTopic(const TopicMetas &metas, const QString &topic);

    // One topic's changes within the current window, by phx_ref: a meta joined
    // and left within the window is in neither.
    struct PendingMeta
    {
        QString userId;
        QJsonObject meta;
    };
    struct PendingDiff
    {
        QHash<quint64, PendingMeta> joins;
        QHash<quint64, PendingMeta> leaves;
    };
    void queueChange(const QString &topic, bool join, const QString &userId, const QJsonObject &meta, quint64 ref);
    void onRemote(const QString &topic, const QString &userId, const QString &nodeId, const QStringList &devices);
    QJsonObject remoteMetaJson(const QString &userId, const Meta &meta) const;
    void sendDiff(const QString &topic, const PendingDiff &diff);

    void onSubscribed(Session *session, const QString &topic);
    void onUnsubscribed(Session *session, const QString &topic);
    QJsonObject metaJson(const Session *session, const Meta &meta) const;
    quint64 nextRef() { return ++m_refCounter; }
    QString refString(quint64 ref) const;

    ChatService *m_chat;
    QHash<Session *, TopicMetas> m_metas; // tracked c:/w: subscriptions
    struct RemoteUser
    {
        QString userId;
        QHash<QString, Meta> devices; // device token -> meta
    };
    QHash<QString, QHash<QString, RemoteUser>> m_remote;   // core topic -> node + user -> metas (cluster)
    QHash<QString, QSet<PhoenixConnection *>> m_listeners; // core topic -> joined sockets
    QHash<Session *, PhoenixConnection *> m_connections;
    QString m_refPrefix;
    quint64 m_refCounter = 0;
    QHash<QString, PendingDiff> m_pending;            // topics with listeners and changes this window
    mutable QHash<QString, QJsonObject> m_stateCache; // state() of topics with a window open
    QTimer m_window;
    int m_windowMs = kDefaultDiffWindowMs;
    int m_windowsFlushed = 0;
};

} // namespace switchboard
