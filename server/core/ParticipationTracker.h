#pragma once

#include <QHash>
#include <QObject>

namespace switchboard {

class Session;
struct CoreContext;

// Who is in which channel's room: a user is in while at least one of their
// sessions is subscribed to the channel (joined it, or follows it). The first
// session in and the last one out are the seed 002 room events
// (userJoinedRoom / userLeftRoom), decided here once for every dialect and
// published through the ephemeral lane, for rooms up to presenceChannelLimit.
class ParticipationTracker : public QObject
{
    Q_OBJECT
public:
    explicit ParticipationTracker(CoreContext &core, QObject *parent = nullptr);

    bool isInRoom(const QString &channelId, const QString &userId) const;
    int sessionsInRoom(const QString &channelId, const QString &userId) const;

private:
    void onSubscribed(Session *s, const QString &topic);
    void onUnsubscribed(Session *s, const QString &topic);
    static QString key(const QString &channelId, const QString &userId)
    {
        return channelId + QLatin1Char('\n') + userId;
    }

    CoreContext &m_core;
    QHash<QString, int> m_sessions; // channel + user -> sessions subscribed
};

} // namespace switchboard
