#include "Reaction.h"
#include "Timestamp.h"

namespace switchboard {

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

} // namespace switchboard
