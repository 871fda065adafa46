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
    const QByteArray counter = "sb:rl:" + QByteArray::number(index) + ':' + key.toUtf8();
    m_commands->command({"EVAL", kIncrScript, "1", counter, QByteArray::number(windowMs * 2)},
                        [this, guard = QPointer<ClusterLimits>(this), key, index](const RedisReply &reply) {
        if (!guard || !reply.isInteger()) return;
        auto it = m_windows.find(key);
        if (it != m_windows.end() && it->index == index) it->count = qMax(it->count, reply.toInteger());
    });
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
