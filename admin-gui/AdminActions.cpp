#include "AdminActions.h"

#include "ActionDialog.h"
#include "AdminClient.h"
#include "ConnectionInfo.h"
#include "Icons.h"

namespace switchboard {

AdminActions::AdminActions(AdminClient *client, QWidget *dialogParent, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_dialogParent(dialogParent)
{
}

QString AdminActions::disconnectConnection(const ConnectionInfo &c)
{
    const QString who = c.userName.isEmpty() ? c.userId : c.userName;
    // In a cluster the row names its node: the command goes straight to it.
    const QString question =
        c.node.isEmpty()
            ? tr("Close connection %1 of %2 (%3, %4)? The client may reconnect unless the user is disabled.")
                  .arg(c.id, who, c.dialect, c.remoteAddress)
            : tr("Close connection %1 of %2 (%3, %4) on node %5? The client may reconnect unless the user is "
                 "disabled.")
                  .arg(c.id, who, c.dialect, c.remoteAddress, c.node);
    ActionDialog dialog(tr("Disconnect connection"), question, tr("&Disconnect"),
                        Icons::get(QStringLiteral("disconnect")), ActionDialog::Input::Reason, m_dialogParent);
    if (dialog.exec() != QDialog::Accepted || !dialog.canConfirm()) return QString();
    return m_client->send(AdminCommand::disconnect(c.id, dialog.text(), c.node));
}

QString AdminActions::sendSystemMessage(const QString &channelId, const QString &channelName)
{
    ActionDialog
        dialog(tr("Send system message"),
               tr("Send a system message to everyone in #%1?").arg(channelName.isEmpty() ? channelId : channelName),
               tr("&Send"), Icons::get(QStringLiteral("message")), ActionDialog::Input::Message, m_dialogParent);
    if (dialog.exec() != QDialog::Accepted || !dialog.canConfirm()) return QString();
    return m_client->send(AdminCommand::systemMessage(channelId, dialog.text()));
}

QString AdminActions::broadcastSystemMessage()
{
    ActionDialog dialog(tr("Broadcast system message"),
                        tr("Send a system message to every connected client, in every channel?"), tr("&Broadcast"),
                        Icons::get(QStringLiteral("broadcast")), ActionDialog::Input::Message, m_dialogParent);
    if (dialog.exec() != QDialog::Accepted || !dialog.canConfirm()) return QString();
    return m_client->send(AdminCommand::systemMessageToEveryone(dialog.text()));
}

QString AdminActions::removeFromChannel(const QString &userId, const QString &userName, const QString &channelId,
                                        const QString &channelName)
{
    ActionDialog dialog(tr("Remove from channel"),
                        tr("Remove %1 from #%2? Their connections leave the channel at once.")
                            .arg(userName.isEmpty() ? userId : userName,
                                 channelName.isEmpty() ? channelId : channelName),
                        tr("&Remove"), Icons::get(QStringLiteral("remove-user")), ActionDialog::Input::None,
                        m_dialogParent);
    if (dialog.exec() != QDialog::Accepted) return QString();
    return m_client->send(AdminCommand::removeFromChannel(userId, channelId));
}

QString AdminActions::removeSomeoneFromChannel(const QString &channelId, const QString &channelName)
{
    ActionDialog dialog(tr("Remove from channel"),
                        tr("Remove which user from #%1?").arg(channelName.isEmpty() ? channelId : channelName),
                        tr("&Remove"), Icons::get(QStringLiteral("remove-user")), ActionDialog::Input::UserId,
                        m_dialogParent);
    if (dialog.exec() != QDialog::Accepted || !dialog.canConfirm()) return QString();
    return m_client->send(AdminCommand::removeFromChannel(dialog.text(), channelId));
}

QString AdminActions::disableUser(const QString &userId, const QString &userName)
{
    ActionDialog dialog(tr("Disable user"),
                        tr("Disable %1? All their sockets close and their tokens stop working.")
                            .arg(userName.isEmpty() ? userId : userName),
                        tr("D&isable"), Icons::get(QStringLiteral("disable-user")), ActionDialog::Input::Reason,
                        m_dialogParent);
    if (dialog.exec() != QDialog::Accepted || !dialog.canConfirm()) return QString();
    return m_client->send(AdminCommand::disableUser(userId, dialog.text()));
}

QString AdminActions::disconnectOnNode(const QString &nodeId)
{
    ActionDialog dialog(tr("Disconnect a connection on %1").arg(nodeId),
                        tr("Close which connection held by node %1? (Its id as that node's console lists it.)")
                            .arg(nodeId),
                        tr("&Disconnect"), Icons::get(QStringLiteral("disconnect")), ActionDialog::Input::ConnectionId,
                        m_dialogParent);
    if (dialog.exec() != QDialog::Accepted || !dialog.canConfirm()) return QString();
    return m_client->send(AdminCommand::disconnect(dialog.text().trimmed(), QString(), nodeId));
}

QString AdminActions::disconnectUserEverywhere(const QString &userId, const QString &userName)
{
    ActionDialog dialog(tr("Disconnect user everywhere"),
                        tr("Close every session of %1 on every node of the cluster? They may reconnect.")
                            .arg(userName.isEmpty() ? userId : userName),
                        tr("&Disconnect all"), Icons::get(QStringLiteral("disconnect")), ActionDialog::Input::Reason,
                        m_dialogParent);
    if (dialog.exec() != QDialog::Accepted || !dialog.canConfirm()) return QString();
    return m_client->send(AdminCommand::disconnectUser(userId, dialog.text()));
}

} // namespace switchboard
