#pragma once

#include <QHash>
#include <QObject>

namespace switchboard {

// Who is online. A user is online while any of their connections is; away and
// busy are set explicitly and kept until changed or the last connection goes;
// the last disconnect makes them offline.
//
// In a cluster (docs/cluster.md) the user's connections on other nodes count
// too: the cluster sets them with setRemote(), and status, isOnline,
// onlineUsers and connectionCount answer for the whole cluster, while
// localChanged() tells the cluster what this node's own connections did.
class PresenceManager : public QObject
{
    Q_OBJECT
public:
    // Gives back the storage of tables left mostly empty (SessionManager::compact()).
    void compact();
    explicit PresenceManager(QObject *parent = nullptr);

    void connectionOpened(const QString &userId);
    void connectionClosed(const QString &userId);
    // status: online, away, busy (offline is not settable while connected).
    bool setStatus(const QString &userId, const QString &status);
    // The user on other nodes: their status there ("offline": none) and connections there.
    void setRemote(const QString &userId, const QString &status, int connections);

    QString status(const QString &userId) const; // "offline" when unknown
    bool isOnline(const QString &userId) const { return m_users.contains(userId) || m_remote.contains(userId); }
    // This node's and the other nodes' connections.
    int connectionCount(const QString &userId) const;
    int localConnectionCount(const QString &userId) const { return m_users.value(userId).connections; }
    int remoteConnectionCount(const QString &userId) const { return m_remote.value(userId).connections; }
    // "offline" when the user has no connection on this node.
    QString localStatus(const QString &userId) const;
    QStringList onlineUsers() const;
    QStringList localUsers() const { return m_users.keys(); }
    static bool isValidStatus(const QString &s);

Q_SIGNALS:
    // The user's status as the whole cluster sees it changed.
    void presenceChanged(const QString &userId, const QString &status);
    // This node's connections or status of the user changed.
    void localChanged(const QString &userId);

private:
    void announce(const QString &userId, const QString &before);

    struct Entry
    {
        int connections = 0;
        QString status;
    };
    QHash<QString, Entry> m_users;
    QHash<QString, Entry> m_remote;
};

} // namespace switchboard
