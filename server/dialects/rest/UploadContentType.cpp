#include "UploadContentType.h"

#include <QMimeDatabase>
#include <QSet>

namespace switchboard {

QString UploadContentType::detect(const QString &fileName, const QByteArray &data)
{
    const QMimeDatabase db;
    // Qt weighs the name's glob against the content's magic; the name may
    // refine (logo.svg, x.js) but never vouch for a type served inline.
    const QString combined = db.mimeTypeForFileNameAndData(fileName, data).name();
    const QString byData = db.mimeTypeForData(data).name();
    return isInline(combined) && combined != byData ? byData : combined;
}

bool UploadContentType::isInline(const QString &mimeType)
{
    static const QSet<QString> passive{
        QStringLiteral("image/png"),          QStringLiteral("image/jpeg"),       QStringLiteral("image/gif"),
        QStringLiteral("image/webp"),         QStringLiteral("audio/mpeg"),       QStringLiteral("audio/ogg"),
        QStringLiteral("audio/x-vorbis+ogg"), QStringLiteral("audio/x-opus+ogg"), QStringLiteral("audio/mp4"),
        QStringLiteral("audio/webm"),         QStringLiteral("video/mp4"),        QStringLiteral("video/ogg"),
        QStringLiteral("video/webm"),         QStringLiteral("application/ogg"),  QStringLiteral("application/pdf"),
    };
    return passive.contains(mimeType);
}

} // namespace switchboard
