#include "MessageHistory.h"

#include "CoreContext.h"
#include "storage/Store.h"

namespace switchboard {

Result<qint64> MessageHistory::anchor(const QString &actorId, const QString &channelId, const QString &messageId) const
{
    Result<Channel> ch = m_core.access.readable(actorId, channelId);
    if (!ch.ok()) return Result<qint64>::failure(ch.error);
    if (messageId.isEmpty()) return Result<qint64>::success(0);
    auto m = m_core.store->message(messageId);
    if (!m || m->channelId != channelId) return Result<qint64>::failure(CoreError::notFound("message not found"));
    return Result<qint64>::success(m->seq);
}

Result<QList<Message>> MessageHistory::history(const QString &actorId, const QString &channelId,
                                               const QString &beforeId, int limit) const
{
    const Result<qint64> before = anchor(actorId, channelId, beforeId);
    if (!before.ok()) return Result<QList<Message>>::failure(before.error);
    const int n = limit > 0 ? qMin(limit, 200) : m_core.config.historyPageSize;
    return Result<QList<Message>>::success(m_core.store->messagesBefore(channelId, before.value, n));
}

Result<QList<Message>> MessageHistory::historyPage(const QString &actorId, const QString &channelId, int page,
                                                   int pageSize) const
{
    Result<Channel> ch = m_core.access.readable(actorId, channelId);
    if (!ch.ok()) return Result<QList<Message>>::failure(ch.error);
    return Result<QList<Message>>::success(m_core.store->messagesPage(channelId, page, qBound(1, pageSize, 200)));
}

Result<QList<Message>> MessageHistory::messagesSince(const QString &actorId, const QString &channelId,
                                                     const QString &afterId, int limit) const
{
    const Result<qint64> after = anchor(actorId, channelId, afterId);
    if (!after.ok()) return Result<QList<Message>>::failure(after.error);
    const int n = limit > 0 ? qMin(limit, 500) : m_core.config.historyPageSize;
    return Result<QList<Message>>::success(m_core.store->messagesAfter(channelId, after.value, n));
}

Result<QList<Message>> MessageHistory::threadReplies(const QString &actorId, const QString &parentId, int limit) const
{
    auto parent = parentId.isEmpty() ? std::nullopt : m_core.store->message(parentId);
    if (!parent || !m_core.dir.canRead(parent->channelId, actorId))
        return Result<QList<Message>>::failure(CoreError::notFound("message not found"));
    return Result<QList<Message>>::success(m_core.store->threadReplies(parentId, limit > 0 ? limit : 200));
}

} // namespace switchboard
