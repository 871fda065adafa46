#include "ClusterConnectionQuota.h"

#include "RedisConnection.h"
#include "RedisReply.h"

#include <QPointer>
#include <QRandomGenerator>

namespace switchboard {

namespace {

// KEYS: the user's hash. ARGV: this process's field, the cap. Returns 1
// (counted) or 0 (refused). Fields of processes that are not live go.
const QByteArray kReserveScript = QByteArrayLiteral(
    "local total = 0\n"
    "local f = redis.call('HGETALL', KEYS[1])\n"
    "for i = 1, #f, 2 do\n"
    "  local node, epoch = string.match(f[i], '^(.*)|([^|]*)$')\n"
    "  if node and redis.call('EXISTS', 'sb:node:' .. node) == 1 and redis.call('GET', 'sb:cqe:' .. node) == epoch then\n"
    "    total = total + tonumber(f[i + 1])\n"
    "  else\n"
    "    redis.call('HDEL', KEYS[1], f[i])\n"
    "  end\n"
    "end\n"
    "if total >= tonumber(ARGV[2]) then return 0 end\n"
    "redis.call('HINCRBY', KEYS[1], ARGV[1], 1)\n"
    "return 1\n");

// KEYS: the user's hash. ARGV: this process's field.
const QByteArray kReleaseScript = QByteArrayLiteral("if redis.call('HINCRBY', KEYS[1], ARGV[1], -1) <= 0 then\n"
                                                    "  redis.call('HDEL', KEYS[1], ARGV[1])\n"
                                                    "end\n"
                                                    "return 1\n");

QByteArray userKey(const QString &userId)
{
    return "sb:cq:" + userId.toUtf8();
}

} // namespace

ClusterConnectionQuota::ClusterConnectionQuota(RedisConnection *commands, const QString &nodeId, QObject *parent)
    : QObject(parent)
    , m_commands(commands)
    , m_node(nodeId)
    , m_epoch(QByteArray::number(QRandomGenerator::system()->generate64(), 36))
{
    m_field = m_node.toUtf8() + '|' + m_epoch;
    // Before any reservation on each connection (commands keep their order); a
    // Redis that restarted has lost it.
    connect(m_commands, &RedisConnection::connected, this, &ClusterConnectionQuota::announceEpoch);
    if (m_commands->isConnected()) announceEpoch();
}

void ClusterConnectionQuota::announceEpoch()
{
    m_commands->command({"SET", "sb:cqe:" + m_node.toUtf8(), m_epoch}, [](const RedisReply &) {});
}

void ClusterConnectionQuota::reserve(const QString &userId, int cap, std::function<void(Answer)> done)
{
    if (!m_commands->isConnected()) return done(Answer::NotCounted);
    m_commands->command({"EVAL", kReserveScript, "1", userKey(userId), m_field, QByteArray::number(cap)},
                        [done = std::move(done)](const RedisReply &reply) {
        if (!reply.isInteger()) return done(Answer::NotCounted);
        done(reply.toInteger() == 1 ? Answer::Counted : Answer::Refused);
    });
}

void ClusterConnectionQuota::release(const QString &userId)
{
    m_commands->command({"EVAL", kReleaseScript, "1", userKey(userId), m_field}, [](const RedisReply &) {});
}

} // namespace switchboard
