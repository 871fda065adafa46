#pragma once

#include <QObject>
#include <QString>

class QWidget;

namespace switchboard {

class AdminClient;
struct ConnectionInfo;

// The admin actions as the console offers them: each asks for
// confirmation (and a reason or text) in an ActionDialog, then sends the
// command. The outcome arrives later as a result and an audit entry.
class AdminActions : public QObject
{
    Q_OBJECT
public:
    AdminActions(AdminClient *client, QWidget *dialogParent, QObject *parent = nullptr);

    // Each returns the command id, or an empty string when the admin cancelled.
    QString disconnectConnection(const ConnectionInfo &connection);
    QString sendSystemMessage(const QString &channelId, const QString &channelName);
    QString broadcastSystemMessage();
    QString removeFromChannel(const QString &userId, const QString &userName, const QString &channelId,
                              const QString &channelName);
    // Asks for the user id too: for members who are not online.
    QString removeSomeoneFromChannel(const QString &channelId, const QString &channelName);
    QString disableUser(const QString &userId, const QString &userName);
    // Cluster: a connection held by another node (its id as that node's
    // console lists it), and every session of a user on every node.
    QString disconnectOnNode(const QString &nodeId);
    QString disconnectUserEverywhere(const QString &userId, const QString &userName);

private:
    AdminClient *m_client;
    QWidget *m_dialogParent;
};

} // namespace switchboard
