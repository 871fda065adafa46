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

void RedisSubscriber::setHandler(QObject *owner, Handler handler)
{
    if (!m_handlers.contains(owner))
        connect(owner, &QObject::destroyed, this, [this, owner] { m_handlers.remove(owner); });
    m_handlers.insert(owner, std::move(handler));
}

void RedisSubscriber::subscribe(const QByteArray &channel, QObject *owner)
{
    add(m_channels, m_channelOwners, channel, owner, "SUBSCRIBE", 'c');
}

void RedisSubscriber::unsubscribe(const QByteArray &channel, QObject *owner)
{
    remove(m_channels, m_channelOwners, channel, owner, "UNSUBSCRIBE");
}

void RedisSubscriber::psubscribe(const QByteArray &pattern, QObject *owner)
{
    add(m_patterns, m_patternOwners, pattern, owner, "PSUBSCRIBE", 'p');
}

void RedisSubscriber::punsubscribe(const QByteArray &pattern, QObject *owner)
{
    remove(m_patterns, m_patternOwners, pattern, owner, "PUNSUBSCRIBE");
}

bool RedisSubscriber::add(QHash<QByteArray, int> &counts, Owners &owners, const QByteArray &name, QObject *owner,
                          const char *command, char kind)
{
    ++owners[name][owner];
    if (++counts[name] > 1) return false;
    // While disconnected the wish is kept; onConnected() sends it.
    if (!m_connection->isConnected()) return false;
    if (m_resubscribing) m_awaiting.insert(kind + name);
    return m_connection->sendSubscription({QByteArray(command), name});
}

bool RedisSubscriber::remove(QHash<QByteArray, int> &counts, Owners &owners, const QByteArray &name, QObject *owner,
                             const char *command)
{
    auto it = counts.find(name);
    if (it == counts.end()) return false;
    auto byName = owners.find(name);
    if (byName == owners.end() || !byName->contains(owner)) return false; // not this owner's
    if (--(*byName)[owner] <= 0) byName->remove(owner);
    if (byName->isEmpty()) owners.erase(byName);
    if (--it.value() > 0) return false;
    counts.erase(it);
    if (!m_connection->isConnected()) return false;
    return m_connection->sendSubscription({QByteArray(command), name});
}

void RedisSubscriber::dispatch(const Owners &owners, const QByteArray &name, const QByteArray &channel,
                               const QByteArray &payload)
{
    // A copy: a handler may (un)subscribe.
    const QList<QObject *> holders = owners.value(name).keys();
    for (QObject *owner : holders) {
        const Handler handler = m_handlers.value(owner);
        if (handler) handler(channel, payload);
    }
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
        if (!m_channels.contains(name)) return;
        const QByteArray payload = e.at(2).toByteArray();
        Q_EMIT message(name, payload);
        dispatch(m_channelOwners, name, name, payload);
    } else if (kind == "pmessage" && e.size() >= 4) {
        if (!m_patterns.contains(name)) return;
        const QByteArray channel = e.at(2).toByteArray(), payload = e.at(3).toByteArray();
        Q_EMIT patternMessage(name, channel, payload);
        dispatch(m_patternOwners, name, channel, payload);
    } else if (kind == "subscribe" || kind == "psubscribe") {
        Q_EMIT subscribed(name);
        confirm((kind == "subscribe" ? 'c' : 'p') + name);
    } else if (kind == "unsubscribe" || kind == "punsubscribe") {
        Q_EMIT unsubscribed(name);
    }
}

} // namespace switchboard
