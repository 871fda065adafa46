#include "UploadAccess.h"

#include "CoreContext.h"

namespace switchboard {

Result<Attachment> UploadAccess::downloadable(const QString &actorId, const QString &uploadId) const
{
    const auto hidden = Result<Attachment>::failure(CoreError::notFound(QStringLiteral("no such upload")));
    if (uploadId.isEmpty() || uploadId.size() > 64 || !m_core.store || !m_core.dir.user(actorId)) return hidden;
    const std::optional<Attachment> a = m_core.store->attachment(uploadId);
    if (!a) return hidden;
    if (a->uploaderId == actorId) return Result<Attachment>::success(*a);
    for (const QString &channelId : m_core.store->channelsWithUpload(uploadId))
        if (m_core.access.readable(actorId, channelId).ok()) return Result<Attachment>::success(*a);
    return hidden;
}

} // namespace switchboard
