#pragma once

#include "ChatEvent.h"

#include "SessionSet.h"

#include <QHash>

#include <QObject>
#include <QSet>
#include <QStringList>

namespace switchboard {

class Session;

// Topic subscriptions of the sessions in this process, and fan-out. A topic is
// "c:<channel>", "w:<workspace>" or "u:<user>". Publishing to several topics
// delivers once per session, however many of the topics it is subscribed to.
class RoomManager : public QObject
{
    Q_OBJECT
public:
    // Gives back the storage of tables left mostly empty (SessionManager::compact()).
    void compact();
    explicit RoomManager(QObject *parent = nullptr);

    static QString channelTopic(const QString &id) { return QStringLiteral("c:") + id; }
    static QString workspaceTopic(const QString &id) { return QStringLiteral("w:") + id; }
    static QString userTopic(const QString &id) { return QStringLiteral("u:") + id; }

    void subscribe(Session *s, const QString &topic);
    void unsubscribe(Session *s, const QString &topic);
    void unsubscribeAll(Session *s);
    bool isSubscribed(Session *s, const QString &topic) const;
    QList<Session *> subscribers(const QString &topic) const;
    int subscriberCount(const QString &topic) const;

    // Returns the number of sessions the event was delivered to.
    int publish(const QStringList &topics, const ChatEventPtr &event);

Q_SIGNALS:
    void subscribed(Session *s, const QString &topic);
    void unsubscribed(Session *s, const QString &topic);

private:
    QHash<QString, SessionSet> m_topics;
};

} // namespace switchboard
