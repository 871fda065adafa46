#include "RedisSubscriber.h"

#include "RedisConnection.h"
#include "RedisReply.h"

namespace switchboard {

RedisSubscriber::RedisSubscriber(const RedisUrl &url, QObject *parent)
    : QObject(parent)
    , m_connection(new RedisConnection(url, this))
{
    connect(m_connection, &RedisConnection::connected, this, &RedisSubscriber::onConnected);
    connect(m_connection, &RedisConnection::disconnected, this, [this] {
        m_awaiting.clear();
        m_resubscribing = false;
        Q_EMIT disconnected();
    });
    connect(m_connection, &RedisConnection::pushReceived, this, &RedisSubscriber::onPush);
}

RedisSubscriber::~RedisSubscriber() = default;

void RedisSubscriber::open()
{
    m_connection->open();
}

void RedisSubscriber::close()
{
    m_connection->close();
}

bool RedisSubscriber::isConnected() const
{
    return m_connection->isConnected();
}

void RedisSubscriber::subscribe(const QByteArray &channel)
{
    add(m_channels, channel, "SUBSCRIBE", 'c');
}

void RedisSubscriber::unsubscribe(const QByteArray &channel)
{
    remove(m_channels, channel, "UNSUBSCRIBE");
}

void RedisSubscriber::psubscribe(const QByteArray &pattern)
{
    add(m_patterns, pattern, "PSUBSCRIBE", 'p');
}

void RedisSubscriber::punsubscribe(const QByteArray &pattern)
{
    remove(m_patterns, pattern, "PUNSUBSCRIBE");
}

bool RedisSubscriber::add(QHash<QByteArray, int> &counts, const QByteArray &name, const char *command, char kind)
{
    if (++counts[name] > 1) return false;
    // While disconnected the wish is kept; onConnected() sends it.
    if (!m_connection->isConnected()) return false;
    if (m_resubscribing) m_awaiting.insert(kind + name);
    return m_connection->sendSubscription({QByteArray(command), name});
}

bool RedisSubscriber::remove(QHash<QByteArray, int> &counts, const QByteArray &name, const char *command)
{
    auto it = counts.find(name);
    if (it == counts.end()) return false;
    if (--it.value() > 0) return false;
    counts.erase(it);
    if (!m_connection->isConnected()) return false;
    return m_connection->sendSubscription({QByteArray(command), name});
}

void RedisSubscriber::onConnected()
{
    m_awaiting.clear();
    QList<QByteArray> channels{QByteArrayLiteral("SUBSCRIBE")};
    QList<QByteArray> patterns{QByteArrayLiteral("PSUBSCRIBE")};
    for (auto it = m_channels.cbegin(); it != m_channels.cend(); ++it) {
        channels.append(it.key());
        m_awaiting.insert('c' + it.key());
    }
    for (auto it = m_patterns.cbegin(); it != m_patterns.cend(); ++it) {
        patterns.append(it.key());
        m_awaiting.insert('p' + it.key());
    }
    m_resubscribing = true;
    if (channels.size() > 1) m_connection->sendSubscription(channels);
    if (patterns.size() > 1) m_connection->sendSubscription(patterns);
    Q_EMIT connected();
    if (m_resubscribing && m_awaiting.isEmpty()) {
        m_resubscribing = false;
        Q_EMIT resubscribed();
    }
}

void RedisSubscriber::confirm(const QByteArray &key)
{
    if (!m_resubscribing || !m_awaiting.remove(key) || !m_awaiting.isEmpty()) return;
    m_resubscribing = false;
    Q_EMIT resubscribed();
}

void RedisSubscriber::onPush(const RedisReply &reply)
{
    const QList<RedisReply> &e = reply.elements();
    if (!reply.isArray() || e.size() < 3) return;
    const QByteArray kind = e.at(0).toByteArray().toLower();
    const QByteArray name = e.at(1).toByteArray();
    if (kind == "message") {
        // A message still in flight after the last user left is not delivered.
        if (m_channels.contains(name)) Q_EMIT message(name, e.at(2).toByteArray());
    } else if (kind == "pmessage" && e.size() >= 4) {
        if (m_patterns.contains(name)) Q_EMIT patternMessage(name, e.at(2).toByteArray(), e.at(3).toByteArray());
    } else if (kind == "subscribe" || kind == "psubscribe") {
        Q_EMIT subscribed(name);
        confirm((kind == "subscribe" ? 'c' : 'p') + name);
    } else if (kind == "unsubscribe" || kind == "punsubscribe") {
        Q_EMIT unsubscribed(name);
    }
}

} // namespace switchboard
