#include "Message.h"
#include "Timestamp.h"

#include <QJsonArray>

namespace switchboard {

static QJsonValue optional(const QString &s)
{
    return s.isEmpty() ? QJsonValue() : QJsonValue(s);
}
static QJsonValue optionalTime(qint64 ms)
{
    return ms ? QJsonValue(Timestamp::toIso(ms)) : QJsonValue();
}

QJsonObject Message::toJson() const
{
    QJsonArray atts, reacts;
    for (const Attachment &a : attachments) atts.append(a.toJson());
    for (const Reaction &r : reactions) reacts.append(r.toJson());
    return {
        {"id", id},
        {"channel_id", channelId},
        {"user_id", userId},
        {"content", content},
        {"thread_id", optional(threadId)},
        {"reply_to_id", optional(replyToId)},
        {"forwarded_from_id", optional(forwardedFromId)},
        {"metadata", metadata.isEmpty() ? QJsonValue() : QJsonValue(metadata)},
        {"attachments", atts},
        {"reactions", reacts},
        {"mentions", QJsonArray::fromStringList(mentions)},
        {"seq", seq},
        {"reply_count", replyCount},
        {"last_reply_at", optionalTime(lastReplyAt)},
        {"created_at", Timestamp::toIso(createdAt)},
        {"updated_at", Timestamp::toIso(updatedAt())},
        {"edited_at", optionalTime(editedAt)},
        {"deleted_at", optionalTime(deletedAt)},
        {"is_edited", editedAt != 0},
    };
}

} // namespace switchboard
