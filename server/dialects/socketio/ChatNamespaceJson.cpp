#include "ChatNamespaceJson.h"

#include "Timestamp.h"

namespace switchboard {

namespace ChatNamespaceJson {

QJsonObject attachment(const Attachment &a)
{
    QJsonObject o{{QStringLiteral("url"), a.url},
                  {QStringLiteral("type"), a.mimeType},
                  {QStringLiteral("name"), a.originalName.isEmpty() ? a.filename : a.originalName}};
    // Only our uploads (stored under a filename) are shown with their id: the
    // core gives external links an id of its own, which seed 002 never sent.
    if (!a.id.isEmpty() && !a.filename.isEmpty()) o.insert(QStringLiteral("id"), a.id);
    if (a.size > 0) o.insert(QStringLiteral("size"), double(a.size));
    return o;
}

Attachment attachmentFromJson(const QJsonObject &o)
{
    Attachment a;
    a.id = o.value(QLatin1String("id")).toString();
    a.url = o.value(QLatin1String("url")).toString();
    a.mimeType = o.value(QLatin1String("type")).toString(o.value(QLatin1String("mimeType")).toString());
    a.originalName = o.value(QLatin1String("name")).toString(o.value(QLatin1String("originalName")).toString());
    a.filename = o.value(QLatin1String("filename")).toString(a.originalName);
    a.size = o.value(QLatin1String("size")).toInteger();
    return a;
}

QJsonObject message(const Message &m)
{
    QJsonObject o{
        {QStringLiteral("id"), m.id},
        {QStringLiteral("content"), m.content},
        {QStringLiteral("sender"), m.userId},
        {QStringLiteral("roomId"), m.channelId},
        {QStringLiteral("timestamp"), Timestamp::toIso(m.createdAt)},
    };
    if (!m.replyToId.isEmpty()) o.insert(QStringLiteral("replyToId"), m.replyToId);
    if (!m.attachments.isEmpty()) o.insert(QStringLiteral("attachment"), attachment(m.attachments.first()));
    if (!m.metadata.isEmpty()) o.insert(QStringLiteral("metadata"), m.metadata);
    return o;
}

QJsonObject receipt(const Message &m)
{
    return {
        {QStringLiteral("id"), m.id},
        {QStringLiteral("timestamp"), Timestamp::toIso(m.createdAt)},
        {QStringLiteral("status"), QStringLiteral("sent")},
        {QStringLiteral("roomId"), m.channelId},
    };
}

} // namespace ChatNamespaceJson

} // namespace switchboard
