#include "ClusterLimits.h"

#include "RedisConnection.h"
#include "RedisReply.h"
#include "Timestamp.h"

#include <QPointer>

namespace switchboard {

namespace {

// KEYS: the window's counter. ARGV: its lifetime (ms). Returns the count.
const QByteArray kIncrScript = QByteArrayLiteral("local n = redis.call('INCR', KEYS[1])\n"
                                                 "if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end\n"
                                                 "return n\n");

// KEYS: the window's counter. ARGV: its lifetime (ms), the limit. Counts one
// more only below the limit. Returns {1, count} or {0, count}.
const QByteArray kReserveScript = QByteArrayLiteral("local n = tonumber(redis.call('GET', KEYS[1]) or '0')\n"
                                                    "if n >= tonumber(ARGV[2]) then return {0, n} end\n"
                                                    "n = redis.call('INCR', KEYS[1])\n"
                                                    "if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end\n"
                                                    "return {1, n}\n");

QByteArray counterKey(qint64 index, const QString &key)
{
    return "sb:rl:" + QByteArray::number(index) + ':' + key.toUtf8();
}

} // namespace

ClusterLimits::ClusterLimits(RedisConnection *commands, QObject *parent) : QObject(parent), m_commands(commands)
{
    m_prune.setInterval(60 * 1000);
    connect(&m_prune, &QTimer::timeout, this, &ClusterLimits::prune);
    m_prune.start();
}

bool ClusterLimits::allow(const QString &key, int limit, qint64 windowMs, qint64 nowMs, qint64 *retryAfterMs)
{
    if (limit <= 0 || windowMs <= 0 || !m_commands->isConnected()) return true; // Redis down: per node only
    const qint64 index = nowMs / windowMs;
    auto it = m_windows.constFind(key);
    if (it == m_windows.constEnd() || it->index != index || it->count < limit) return true;
    if (retryAfterMs) *retryAfterMs = (index + 1) * windowMs - nowMs;
    return false;
}

void ClusterLimits::used(const QString &key, qint64 windowMs, qint64 nowMs)
{
    if (windowMs <= 0 || !m_commands->isConnected()) return;
    const qint64 index = nowMs / windowMs;
    Window &w = m_windows[key];
    if (w.index != index) w = {index, windowMs, 0};
    ++w.count;
    m_commands->command({"EVAL", kIncrScript, "1", counterKey(index, key), QByteArray::number(windowMs * 2)},
                        [this, guard = QPointer<ClusterLimits>(this), key, index, windowMs](const RedisReply &reply) {
        if (guard && reply.isInteger()) learn(key, index, windowMs, reply.toInteger());
    });
}

void ClusterLimits::reserve(const QString &key, int limit, qint64 windowMs, qint64 nowMs, Answer answer)
{
    if (limit <= 0 || windowMs <= 0) return answer(true, 0);
    const qint64 index = nowMs / windowMs;
    const qint64 retry = (index + 1) * windowMs - nowMs;
    // Not connected: command() fails from the event loop, and the answer is "allowed".
    m_commands->command({"EVAL", kReserveScript, "1", counterKey(index, key), QByteArray::number(windowMs * 2),
                         QByteArray::number(limit)},
                        [this, guard = QPointer<ClusterLimits>(this), key, index, windowMs, retry,
                         answer = std::move(answer)](const RedisReply &reply) {
        const QList<RedisReply> parts = reply.isArray() ? reply.elements() : QList<RedisReply>();
        if (parts.size() != 2 || !parts[0].isInteger() || !parts[1].isInteger()) return answer(true, 0);
        const bool allowed = parts[0].toInteger() == 1;
        if (guard) learn(key, index, windowMs, parts[1].toInteger());
        answer(allowed, allowed ? 0 : retry);
    });
}

void ClusterLimits::learn(const QString &key, qint64 index, qint64 windowMs, qint64 count)
{
    Window &w = m_windows[key];
    if (w.index > index) return; // a reply about a window that is over
    if (w.index != index) w = {index, windowMs, 0};
    w.count = qMax(w.count, count);
}

void ClusterLimits::prune()
{
    const qint64 now = Timestamp::nowMs();
    for (auto it = m_windows.begin(); it != m_windows.end();)
        if ((it->index + 1) * it->windowMs <= now) // the window is over
            it = m_windows.erase(it);
        else
            ++it;
}

} // namespace switchboard
