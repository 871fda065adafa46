#pragma once

#include "Message.h"
#include "Result.h"

#include <QList>

namespace switchboard {

struct CoreContext;

// The read side of messages: history pages, what came after a message, thread
// replies, each after the reader's access check. Stateless: made on demand.
class MessageHistory
{
public:
    explicit MessageHistory(CoreContext &core) : m_core(core) {}

    // Oldest first. beforeId empty: the newest page.
    Result<QList<Message>> history(const QString &actorId, const QString &channelId, const QString &beforeId,
                                   int limit) const;
    // Seed 001 paging: page 1 is the newest page, oldest first within it.
    Result<QList<Message>> historyPage(const QString &actorId, const QString &channelId, int page, int pageSize) const;
    // What was posted after afterId (empty: from the start), oldest first, thread replies included.
    Result<QList<Message>> messagesSince(const QString &actorId, const QString &channelId, const QString &afterId,
                                         int limit) const;
    Result<QList<Message>> threadReplies(const QString &actorId, const QString &parentId, int limit) const;

private:
    // The sequence number of messageId in channelId (0 for none), after the access check.
    Result<qint64> anchor(const QString &actorId, const QString &channelId, const QString &messageId) const;

    CoreContext &m_core;
};

} // namespace switchboard
