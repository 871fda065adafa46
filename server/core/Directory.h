#pragma once

#include "Channel.h"
#include "User.h"
#include "Workspace.h"

#include <QHash>
#include <QSet>
#include <QStringList>

#include <functional>

namespace switchboard {

// The in-memory picture of users, workspaces, channels and memberships, loaded
// from the Store at start and updated after each committed change. Access
// checks and fan-out read it without touching the database.
class Directory
{
public:
    void clear();
    // Told "users", "workspaces" or "channels" after each change (the cluster
    // announces them to the other nodes); survives clear().
    // kind: "users", "workspaces" or "channels"; id: the user, workspace or channel.
    using ChangeHook = std::function<void(const char *kind, const QString &id)>;
    void setChangeHook(ChangeHook hook) { m_changed = std::move(hook); }
    const ChangeHook &changeHook() const { return m_changed; }

    // Users
    void putUser(const User &u);
    const User *user(const QString &id) const;
    const User *userByName(const QString &usernameOrEmail) const;
    int userCount() const { return int(m_users.size()); }

    // Workspaces
    void putWorkspace(const Workspace &w);
    const Workspace *workspace(const QString &id) const;
    QString defaultWorkspaceId() const { return m_defaultWorkspace; }
    QList<Workspace> workspaces() const { return m_workspaces.values(); }
    void addWorkspaceMember(const QString &wsId, const QString &userId);
    bool isWorkspaceMember(const QString &wsId, const QString &userId) const;
    QStringList workspacesOf(const QString &userId) const;
    QSet<QString> workspaceMembers(const QString &wsId) const { return m_wsMembers.value(wsId); }

    // Channels
    void putChannel(const Channel &c);
    void removeChannel(const QString &id);
    const Channel *channel(const QString &id) const;
    QList<Channel> channelsOfWorkspace(const QString &wsId) const;
    int channelCount() const { return int(m_channels.size()); }
    void addChannelMember(const QString &channelId, const QString &userId);
    void removeChannelMember(const QString &channelId, const QString &userId);
    bool isChannelMember(const QString &channelId, const QString &userId) const;
    QSet<QString> channelMembers(const QString &channelId) const { return m_chMembers.value(channelId); }
    int channelMemberCount(const QString &channelId) const
    {
        const auto it = m_chMembers.constFind(channelId);
        return it == m_chMembers.constEnd() ? 0 : int(it->size());
    }
    int workspaceMemberCount(const QString &wsId) const
    {
        const auto it = m_wsMembers.constFind(wsId);
        return it == m_wsMembers.constEnd() ? 0 : int(it->size());
    }
    QStringList channelsOf(const QString &userId) const;
    // Read access: members always; public channels also to members of their workspace.
    bool canRead(const QString &channelId, const QString &userId) const;
    QString findChannelByName(const QString &wsId, const QString &name) const;
    // Direct conversations: one per participant set.
    static QString dmKey(QStringList participantIds);
    QString dmChannel(const QString &key) const { return m_dmIndex.value(key); }
    void putDm(const QString &key, const QString &channelId)
    {
        m_dmIndex.insert(key, channelId);
        changed("channels", channelId);
    }


private:
    void changed(const char *kind, const QString &id) const
    {
        if (m_changed) m_changed(kind, id);
    }
    ChangeHook m_changed;
    QHash<QString, User> m_users;
    QHash<QString, QString> m_userByName; // lower-case username or email -> id
    QHash<QString, Workspace> m_workspaces;
    QString m_defaultWorkspace;
    QHash<QString, QSet<QString>> m_wsMembers, m_userWorkspaces;
    QHash<QString, Channel> m_channels;
    QHash<QString, QSet<QString>> m_chMembers, m_userChannels;
    QHash<QString, QString> m_dmIndex;
};

} // namespace switchboard
