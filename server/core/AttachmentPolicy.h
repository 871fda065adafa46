#pragma once

#include "Attachment.h"
#include "Result.h"

#include <QStringList>

#include <functional>
#include <optional>

namespace switchboard {

// Which attachments a message may carry. An upload of ours, named by id or by
// its /api/v1/uploads/ URL, must be the poster's own (someone else's reads as
// unknown, so ids cannot be probed); any other object is an external link and
// must be one a client can show safely: http(s), bounded name, a media type.
// The stored record replaces what the client wrote, so nothing the client
// invents (a file name on disk, an uploader) is passed on.
class AttachmentPolicy
{
public:
    using Lookup = std::function<std::optional<Attachment>(const QString &id)>;

    static constexpr int MaxPerMessage = 20;
    static constexpr int MaxUrlLength = 2048;
    static constexpr int MaxNameLength = 255;

    explicit AttachmentPolicy(Lookup lookup) : m_lookup(std::move(lookup)) {}

    Result<QList<Attachment>> resolve(const QString &actorId, const QList<Attachment> &given,
                                      const QStringList &uploadIds) const;

private:
    CoreError own(const QString &actorId, const QString &id, QList<Attachment> *out) const;
    static Result<Attachment> external(const QString &actorId, const Attachment &given);

    Lookup m_lookup;
};

} // namespace switchboard
