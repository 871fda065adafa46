#include "Attachment.h"
#include "Timestamp.h"

#include <QDateTime>

namespace switchboard {

QJsonObject Attachment::toJson() const
{
    return {
        {"id", id},
        {"filename", filename},
        {"originalName", originalName},
        {"mimeType", mimeType},
        {"size", size},
        {"url", url},
        {"createdAt", Timestamp::toIso(createdAt)},
    };
}

Attachment Attachment::fromJson(const QJsonObject &o)
{
    Attachment a;
    a.id = o.value("id").toString();
    a.filename = o.value("filename").toString();
    a.originalName = o.value("originalName").toString(o.value("name").toString(a.filename));
    a.mimeType = o.value("mimeType").toString(o.value("content_type").toString(o.value("type").toString()));
    a.size = o.value("size").toInteger();
    a.url = o.value("url").toString();
    const QDateTime created = QDateTime::fromString(o.value("createdAt").toString(), Qt::ISODateWithMs);
    a.createdAt = created.isValid() ? created.toMSecsSinceEpoch() : 0;
    return a;
}

} // namespace switchboard
