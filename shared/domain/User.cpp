#include "User.h"
#include "Timestamp.h"

namespace switchboard {

QJsonObject User::toJson() const
{
    return {
        {"id", id},
        {"username", username},
        {"email", email.isEmpty() ? QJsonValue() : QJsonValue(email)},
        {"display_name", name()},
        {"avatar_url", avatarUrl.isEmpty() ? QJsonValue() : QJsonValue(avatarUrl)},
        {"created_at", Timestamp::toIso(createdAt)},
    };
}

} // namespace switchboard
