#pragma once

#include <QHash>
#include <QObject>
#include <QSet>

namespace switchboard {

class Session;
struct CoreContext;

// Who is in which channel's room: a user is in while at least one of their
// sessions is subscribed to the channel (joined it, or follows it). The first
// session in and the last one out are the seed 002 room events
// (userJoinedRoom / userLeftRoom), decided here once for every dialect and
// published through the ephemeral lane, for rooms up to presenceChannelLimit.
// In a cluster, sessions on other nodes count too (setRemote()): the first in
// on any node and the last out on every node.
class ParticipationTracker : public QObject
{
    Q_OBJECT
public:
    // Gives back the storage of tables left mostly empty (SessionManager::compact()).
    void compact();
    explicit ParticipationTracker(CoreContext &core, QObject *parent = nullptr);

    bool isInRoom(const QString &channelId, const QString &userId) const;
    int sessionsInRoom(const QString &channelId, const QString &userId) const;
    // Whether the user has a session in the room on another node (the cluster tells).
    void setRemote(const QString &channelId, const QString &userId, bool inRoom);
    // channel + '\n' + user of every room with a local session (the cluster's full state).
    QStringList localRooms() const { return m_sessions.keys(); }

Q_SIGNALS:
    // A session of the user on this node entered or left the room; inRoom:
    // whether any is still there (the cluster counts one Phoenix meta per session).
    void localChanged(const QString &channelId, const QString &userId, bool inRoom);

private:
    void onSubscribed(Session *s, const QString &topic);
    void onUnsubscribed(Session *s, const QString &topic);
    void announce(const QString &channelId, const QString &userId, bool inRoom);

    CoreContext &m_core;
    QHash<QString, int> m_sessions; // channel + user -> sessions subscribed
    QSet<QString> m_remote;         // channel + user in the room on another node
};

} // namespace switchboard
