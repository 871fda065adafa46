#pragma once

#include <QHash>
#include <QObject>

namespace switchboard {

// Who is online. A user is online while any of their connections is; away and
// busy are set explicitly and kept until changed or the last connection goes;
// the last disconnect makes them offline.
class PresenceManager : public QObject
{
    Q_OBJECT
public:
    explicit PresenceManager(QObject *parent = nullptr);

    void connectionOpened(const QString &userId);
    void connectionClosed(const QString &userId);
    // status: online, away, busy (offline is not settable while connected).
    bool setStatus(const QString &userId, const QString &status);

    QString status(const QString &userId) const; // "offline" when unknown
    bool isOnline(const QString &userId) const { return m_users.contains(userId); }
    int connectionCount(const QString &userId) const;
    QStringList onlineUsers() const { return m_users.keys(); }
    static bool isValidStatus(const QString &s);

Q_SIGNALS:
    void presenceChanged(const QString &userId, const QString &status);

private:
    struct Entry
    {
        int connections = 0;
        QString status;
    };
    QHash<QString, Entry> m_users;
};

} // namespace switchboard
