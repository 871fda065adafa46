#pragma once

#include "Attachment.h"
#include "Result.h"

namespace switchboard {

struct CoreContext;

// Who may download an upload: its uploader (from the moment it is stored, so
// a client can show a preview before posting), and whoever may read a channel
// or conversation with a message, not deleted, that carries it (ChannelAccess
// decides). Everyone else is told it does not exist, so ids cannot be probed.
class UploadAccess
{
public:
    explicit UploadAccess(const CoreContext &core) : m_core(core) {}

    Result<Attachment> downloadable(const QString &actorId, const QString &uploadId) const;

private:
    const CoreContext &m_core;
};

} // namespace switchboard
