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

void PresenceMirror::setRoom(const QString &node, const QString &channelId, const QString &userId, bool inRoom)
{
    const QString key = roomKey(channelId, userId);
    if (inRoom) {
        if (!m_nodes[node].rooms.contains(key)) {
            m_nodes[node].rooms.insert(key);
            ++m_roomNodes[key];
        }
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
    d.rooms = n->rooms.values();
    for (const QString &u : std::as_const(d.users)) setUser(node, u, {});
    for (const QString &key : std::as_const(d.rooms)) {
        const qsizetype cut = key.indexOf(QLatin1Char('\n'));
        setRoom(node, key.left(cut), key.mid(cut + 1), false);
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
    return m_roomNodes.contains(roomKey(channelId, userId));
}

QByteArray PresenceMirror::encode(const UserState &state)
{
    return QByteArray::number(state.connections) + ' ' + state.status.toUtf8() + ' ' + QByteArray::number(state.stamp);
}

PresenceMirror::UserState PresenceMirror::decode(const QByteArray &value)
{
    const QList<QByteArray> parts = value.split(' ');
    if (parts.size() != 3) return {};
    UserState s;
    s.connections = parts.at(0).toInt();
    s.status = QString::fromUtf8(parts.at(1));
    s.stamp = parts.at(2).toLongLong();
    if (s.status.isEmpty()) s.connections = 0;
    return s;
}

} // namespace switchboard
