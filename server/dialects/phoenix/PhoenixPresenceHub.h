#pragma once

#include <QHash>

#include <vector>
#include <QJsonObject>
#include <QObject>
#include <QSet>

class ChatService;
class PhoenixBroadcast;
class PhoenixConnection;
class Session;

// Phoenix.Presence for the whole server, built on the core's subscriptions:
// whoever (of any dialect) is subscribed to a channel ("c:<id>") or a
// workspace ("w:<id>") is present there, with one meta per connection. The
// hub turns RoomManager's subscribe/unsubscribe signals into presence_diff
// broadcasts for the Phoenix sockets that joined the matching topic.
class PhoenixPresenceHub : public QObject
{
    Q_OBJECT
public:
    explicit PhoenixPresenceHub(ChatService *chat, QObject *parent = nullptr);

    void addConnection(Session *session, PhoenixConnection *connection);
    void removeConnection(Session *session);

    // A Phoenix socket that joined `phxTopic` ("channel:<id>") and wants its diffs.
    void listen(const QString &coreTopic, PhoenixConnection *connection);
    void unlisten(const QString &coreTopic, PhoenixConnection *connection);

    // {user_id: {metas: [...]}} of everyone subscribed to coreTopic now.
    QJsonObject state(const QString &coreTopic) const;

    // Sends one broadcast to every Phoenix socket listening on coreTopic.
    void broadcast(const QString &coreTopic, const PhoenixBroadcast &message, const PhoenixConnection *except = nullptr);

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

    void onSubscribed(Session *session, const QString &topic);
    void onUnsubscribed(Session *session, const QString &topic);
    QJsonObject metaJson(const Session *session, const Meta &meta) const;
    quint64 nextRef() { return ++m_refCounter; }
    QString refString(quint64 ref) const;

    ChatService *m_chat;
    QHash<Session *, TopicMetas> m_metas;                    // tracked c:/w: subscriptions
    QHash<QString, QSet<PhoenixConnection *>> m_listeners;    // core topic -> joined sockets
    QHash<Session *, PhoenixConnection *> m_connections;
    QString m_refPrefix;
    quint64 m_refCounter = 0;
};
