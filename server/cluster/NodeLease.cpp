#include "NodeLease.h"

#include "RedisConnection.h"
#include "RedisReply.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>

#include <utility>

namespace switchboard {

namespace {

// KEYS: lease key, registry. ARGV: json, ttl ms, node id. Returns the expiry (ms, Redis time).
const QByteArray kRefreshScript = QByteArrayLiteral(
    "local t = redis.call('TIME')\n"
    "local expires = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[2])\n"
    "redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])\n"
    "redis.call('ZADD', KEYS[2], expires, ARGV[3])\n"
    "return expires\n");

// KEYS: registry. Drops expired ids; returns {now ms, live id, ...}.
const QByteArray kCheckScript = QByteArrayLiteral(
    "local t = redis.call('TIME')\n"
    "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"
    "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)\n"
    "local live = redis.call('ZRANGE', KEYS[1], 0, -1)\n"
    "table.insert(live, 1, now)\n"
    "return live\n");

// KEYS: lease key, registry. ARGV: node id.
const QByteArray kReleaseScript = QByteArrayLiteral("redis.call('DEL', KEYS[1])\n"
                                                    "return redis.call('ZREM', KEYS[2], ARGV[1])\n");

} // namespace

NodeLease::NodeLease(RedisConnection *connection, const QString &nodeId, QObject *parent)
    : QObject(parent)
    , m_connection(connection)
    , m_nodeId(nodeId)
    , m_started(QDateTime::currentDateTimeUtc())
{
    connect(&m_refreshTimer, &QTimer::timeout, this, &NodeLease::refresh);
    connect(&m_checkTimer, &QTimer::timeout, this, &NodeLease::check);
    // A lease may have expired while Redis was away: take it back at once.
    connect(m_connection, &RedisConnection::connected, this, [this] {
        if (m_running) refresh();
    });
}

NodeLease::~NodeLease() = default;

void NodeLease::setTtl(int ms)
{
    m_ttlMs = qMax(3, ms);
}

void NodeLease::start()
{
    m_running = true;
    m_refreshTimer.start(qMax(1, m_ttlMs / 3));
    m_checkTimer.start(m_checkIntervalMs);
    refresh();
    check();
}

void NodeLease::stop()
{
    if (!m_running) return;
    m_running = false;
    m_refreshTimer.stop();
    m_checkTimer.stop();
    m_connection->command({"EVAL", kReleaseScript, "2", leaseKey(), registryKey(), m_nodeId.toUtf8()},
                          [this, guard = QPointer<NodeLease>(this)](const RedisReply &reply) {
        if (guard && !reply.isError()) Q_EMIT released();
    });
}

QByteArray NodeLease::leaseJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("id"), m_nodeId);
    o.insert(QStringLiteral("started"), m_started.toString(Qt::ISODateWithMs));
    o.insert(QStringLiteral("listen"), m_listenUrl);
    o.insert(QStringLiteral("connections"), m_connections);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

void NodeLease::refresh()
{
    if (!m_running || !m_connection->isConnected()) return;
    const QList<QByteArray>
        argv{"EVAL",           kRefreshScript, "2", leaseKey(), registryKey(), leaseJson(), QByteArray::number(m_ttlMs),
             m_nodeId.toUtf8()};
    m_connection->command(argv, [this, guard = QPointer<NodeLease>(this)](const RedisReply &reply) {
        if (!guard) return;
        if (reply.isInteger())
            Q_EMIT refreshed(reply.toInteger());
        else
            Q_EMIT errorOccurred(QStringLiteral("lease refresh failed: ") + QString::fromUtf8(reply.toByteArray()));
    });
}

void NodeLease::check()
{
    if (!m_running || !m_connection->isConnected()) return;
    m_connection->command({"EVAL", kCheckScript, "1", registryKey()},
                          [this, guard = QPointer<NodeLease>(this)](const RedisReply &reply) {
        if (guard) onChecked(reply);
    });
}

void NodeLease::onChecked(const RedisReply &reply)
{
    if (!reply.isArray() || reply.elements().isEmpty()) {
        Q_EMIT errorOccurred(QStringLiteral("lease check failed: ") + QString::fromUtf8(reply.toByteArray()));
        return;
    }
    const QList<RedisReply> &e = reply.elements();
    QSet<QString> live;
    for (qsizetype i = 1; i < e.size(); ++i) live.insert(QString::fromUtf8(e.at(i).toByteArray()));
    const QSet<QString> before = std::exchange(m_live, live);
    for (const QString &id : live)
        if (!before.contains(id) && id != m_nodeId) Q_EMIT nodeUp(id);
    for (const QString &id : before)
        if (!live.contains(id) && id != m_nodeId) Q_EMIT nodeDown(id);
    Q_EMIT checked(e.first().toInteger());
}

} // namespace switchboard
