#include "PresenceMirror.h"

#include <QList>

namespace switchboard {

void PresenceMirror::setUser(const QString &node, const QString &userId, const UserState &state)
{
    if (state.connections <= 0) {
        auto n = m_nodes.find(node);
        if (n == m_nodes.end() || !n->users.remove(userId)) return;
        auto u = m_userNodes.find(userId);
        if (u != m_userNodes.end() && (u->remove(node), u->isEmpty())) m_userNodes.erase(u);
        if (n->users.isEmpty() && n->rooms.isEmpty()) m_nodes.erase(n);
        return;
    }
    m_nodes[node].users.insert(userId, state);
    m_userNodes[userId].insert(node);
}

void PresenceMirror::setRoomDevices(const QString &node, const QString &channelId, const QString &userId,
                                    const QStringList &devices)
{
    const QString key = RoomKey::of(channelId, userId);
    if (!devices.isEmpty()) {
        QHash<QString, QStringList> &rooms = m_nodes[node].rooms;
        if (!rooms.contains(key)) ++m_roomNodes[key];
        rooms.insert(key, devices);
        return;
    }
    auto n = m_nodes.find(node);
    if (n == m_nodes.end() || !n->rooms.remove(key)) return;
    if (--m_roomNodes[key] <= 0) m_roomNodes.remove(key);
    if (n->users.isEmpty() && n->rooms.isEmpty()) m_nodes.erase(n);
}

PresenceMirror::Dropped PresenceMirror::dropNode(const QString &node)
{
    Dropped d;
    auto n = m_nodes.find(node);
    if (n == m_nodes.end()) return d;
    d.users = n->users.keys();
    d.rooms = n->rooms.keys();
    for (const QString &u : std::as_const(d.users)) setUser(node, u, {});
    for (const QString &key : std::as_const(d.rooms)) {
        const auto [channelId, userId] = RoomKey::split(key);
        setRoomDevices(node, channelId, userId, {});
    }
    m_nodes.remove(node);
    return d;
}

PresenceMirror::UserState PresenceMirror::user(const QString &userId) const
{
    UserState out;
    QString newestNode;
    for (const QString &node : m_userNodes.value(userId)) {
        const UserState &s = m_nodes.value(node).users.value(userId);
        out.connections += s.connections;
        if (newestNode.isEmpty() || s.stamp > out.stamp || (s.stamp == out.stamp && node > newestNode)) {
            out.status = s.status;
            out.stamp = s.stamp;
            newestNode = node;
        }
    }
    return out;
}

bool PresenceMirror::inRoom(const QString &channelId, const QString &userId) const
{
    return m_roomNodes.contains(RoomKey::of(channelId, userId));
}

QByteArray PresenceMirror::encode(const UserState &state)
{
    QByteArray out = QByteArray::number(state.connections) + ' ' + state.status.toUtf8() + ' '
                   + QByteArray::number(state.stamp);
    if (!state.devices.isEmpty()) out += ' ' + state.devices.join(QLatin1Char(',')).toUtf8();
    return out;
}

PresenceMirror::UserState PresenceMirror::decode(const QByteArray &value)
{
    const QList<QByteArray> parts = value.split(' ');
    if (parts.size() != 3 && parts.size() != 4) return {};
    UserState s;
    s.connections = parts.at(0).toInt();
    s.status = QString::fromUtf8(parts.at(1));
    s.stamp = parts.at(2).toLongLong();
    if (parts.size() == 4) s.devices = QString::fromUtf8(parts.at(3)).split(QLatin1Char(','), Qt::SkipEmptyParts);
    if (s.status.isEmpty()) s.connections = 0;
    return s;
}

} // namespace switchboard
