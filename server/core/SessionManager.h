#pragma once

#include "CoreError.h"

#include "SessionSet.h"

#include <QHash>
#include <QObject>
#include <QSet>

namespace switchboard {

class Session;
struct CoreContext;

// Connections: attaching them to their user's topics, subscriptions, typing
// and presence. Presence and typing are ephemeral: published through the same
// outlet as committed events but never written.
class SessionManager : public QObject
{
    Q_OBJECT
public:
    explicit SessionManager(CoreContext &core, QObject *parent = nullptr);

    // Shrinks the connection tables (here and in the rooms, presence and
    // lanes) that a crowd grew and then left mostly empty (MemoryReturner).
    void compact();
    ~SessionManager() override;

    CoreError attach(Session *session);
    void adopt(Session *session);
    void detach(Session *session);
    QList<Session *> sessions() const { return m_sessions.values(); }
    qsizetype sessionCount() const { return m_sessions.size(); }
    Session *session(const QString &id) const { return m_sessions.value(id); }
    QList<Session *> sessionsOfUser(const QString &userId) const;
    bool isAttached(Session *session) const;
    CoreError subscribe(Session *session, const QString &channelId);
    void unsubscribe(Session *session, const QString &channelId);

    CoreError setTyping(Session *session, const QString &channelId, bool typing);
    CoreError setPresence(const QString &userId, const QString &status);

Q_SIGNALS:
    void sessionAttached(Session *session);
    void sessionDetached(Session *session);

private:
    void onPresenceChanged(const QString &userId, const QString &status);
    void reserveAcrossNodes(Session *s, int cap);
    void onTypingChanged(const QString &channelId, const QString &userId, bool typing);

    CoreContext &m_core;
    QSet<Session *> m_owned;           // adopted sessions still alive
    QSet<Session *> m_presenceCounted; // sessions whose connection PresenceManager counts
    QSet<Session *> m_quotaCounted;    // sessions the cluster's ConnectionQuota counts
    QHash<QString, Session *> m_sessions;
    QHash<QString, SessionSet> m_userSessions;
};

} // namespace switchboard
