#include "Workspace.h"
#include "Timestamp.h"

namespace switchboard {

QJsonObject Workspace::toJson() const
{
    return {
        {"id", id},
        {"name", name},
        {"owner_id", ownerId.isEmpty() ? QJsonValue() : QJsonValue(ownerId)},
        {"is_default", isDefault},
        {"created_at", Timestamp::toIso(createdAt)},
    };
}

} // namespace switchboard
