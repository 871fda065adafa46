#include "Reaction.h"
#include "Timestamp.h"

QJsonObject Reaction::toJson() const
{
    return {
        {"id", id},
        {"message_id", messageId},
        {"user_id", userId},
        {"emoji", emoji},
        {"created_at", Timestamp::toIso(createdAt)},
    };
}
