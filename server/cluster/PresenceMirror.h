#pragma once

#include "core/RoomKey.h"

#include <QHash>
#include <QSet>
#include <QStringList>

namespace switchboard {

// Other nodes' users and rooms as this node knows them (ClusterPresence keeps
// it from their frames and their Redis hashes). Pure bookkeeping, no I/O:
//  - a user on a node: connections there, status there, and the stamp of that
//    status (when it was set, ms); across nodes the connections add up and the
//    newest stamp's status wins (ties: the greater node id), so an "away" set
//    on one node shows on every node;
//  - a room (channel, user) is occupied while any node says so;
//  - per node, the user's devices (a token per session): all its sessions,
//    and those in each room, for one Phoenix presence meta per device.
//    Empty in frames of a node that does not send them: one device then.
class PresenceMirror
{
public:
    struct UserState
    {
        int connections = 0; // 0: not on that node (nowhere, across nodes)
        QString status;
        qint64 stamp = 0;
        QStringList devices; // the sessions' tokens on that node
        bool operator==(const UserState &o) const
        {
            return connections == o.connections && status == o.status && stamp == o.stamp && devices == o.devices;
        }
    };
    // What a dropped node had.
    struct Dropped
    {
        QStringList users;
        QStringList rooms; // channel + '\n' + user
    };

    // connections <= 0 removes the user from that node.
    void setUser(const QString &node, const QString &userId, const UserState &state);
    void setRoom(const QString &node, const QString &channelId, const QString &userId, bool inRoom)
    {
        setRoomDevices(node, channelId, userId, inRoom ? QStringList{QString()} : QStringList());
    }
    // The user's sessions in the room on that node (empty: not in the room).
    void setRoomDevices(const QString &node, const QString &channelId, const QString &userId,
                        const QStringList &devices);
    QStringList roomDevices(const QString &node, const QString &channelId, const QString &userId) const
    {
        return m_nodes.value(node).rooms.value(RoomKey::of(channelId, userId));
    }
    QStringList userDevices(const QString &node, const QString &userId) const
    {
        return m_nodes.value(node).users.value(userId).devices;
    }
    Dropped dropNode(const QString &node);

    UserState user(const QString &userId) const;
    bool inRoom(const QString &channelId, const QString &userId) const;
    bool hasNode(const QString &node) const { return m_nodes.contains(node); }
    bool hasUser(const QString &node, const QString &userId) const
    {
        const auto n = m_nodes.constFind(node);
        return n != m_nodes.constEnd() && n->users.contains(userId);
    }
    bool hasRoom(const QString &node, const QString &channelId, const QString &userId) const
    {
        const auto n = m_nodes.constFind(node);
        return n != m_nodes.constEnd() && n->rooms.contains(RoomKey::of(channelId, userId));
    }
    QStringList nodes() const { return m_nodes.keys(); }
    QStringList users() const { return m_userNodes.keys(); }
    QStringList usersOn(const QString &node) const { return m_nodes.value(node).users.keys(); }
    QStringList roomsOn(const QString &node) const { return m_nodes.value(node).rooms.keys(); }
    // Nodes where the user has connections.
    QStringList nodesOf(const QString &userId) const { return m_userNodes.value(userId).values(); }

    // A user's state as stored in its node's Redis hash: "<connections> <status> <stamp>",
    // then " <device>,<device>..." when it has devices.
    static QByteArray encode(const UserState &state);
    static UserState decode(const QByteArray &value);

private:
    struct Node
    {
        QHash<QString, UserState> users;
        QHash<QString, QStringList> rooms; // room key -> devices there
    };
    QHash<QString, Node> m_nodes;
    QHash<QString, QSet<QString>> m_userNodes; // user -> nodes with connections
    QHash<QString, int> m_roomNodes;           // room key -> nodes that have it
};

} // namespace switchboard
