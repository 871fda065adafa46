#include "AttachmentPolicy.h"

#include "Timestamp.h"

#include <QRegularExpression>
#include <QUrl>

namespace switchboard {

namespace {

const QString kUploadPath = QStringLiteral("/api/v1/uploads/");

CoreError invalid(const QString &why)
{
    return CoreError::invalid(QStringLiteral("attachments"), why);
}

} // namespace

Result<QList<Attachment>> AttachmentPolicy::resolve(const QString &actorId, const QList<Attachment> &given,
                                                    const QStringList &uploadIds) const
{
    using R = Result<QList<Attachment>>;
    if (given.size() + uploadIds.size() > MaxPerMessage)
        return R::failure(invalid(QStringLiteral("at most %1 attachments").arg(MaxPerMessage)));
    QList<Attachment> out;
    for (const QString &id : uploadIds)
        if (CoreError e = own(actorId, id, &out)) return R::failure(e);
    for (const Attachment &a : given) {
        // One of ours, named by URL: relative or on any host (we cannot know
        // every name this server is reached by), so the owner check holds.
        const QString path = QUrl(a.url).path();
        if (path.startsWith(kUploadPath)) {
            if (CoreError e = own(actorId, path.mid(kUploadPath.size()), &out)) return R::failure(e);
        } else if (!a.id.isEmpty() && m_lookup(a.id)) { // one of ours, named by id
            if (CoreError e = own(actorId, a.id, &out)) return R::failure(e);
        } else {
            Result<Attachment> link = external(actorId, a);
            if (!link.ok()) return R::failure(link.error);
            out.append(link.value);
        }
    }
    return R::success(out);
}

CoreError AttachmentPolicy::own(const QString &actorId, const QString &id, QList<Attachment> *out) const
{
    const std::optional<Attachment> a = id.isEmpty() || id.size() > 64 ? std::nullopt : m_lookup(id);
    if (!a || a->uploaderId != actorId) return invalid(QStringLiteral("unknown upload id: %1").arg(id.left(64)));
    out->append(*a);
    return {};
}

Result<Attachment> AttachmentPolicy::external(const QString &actorId, const Attachment &given)
{
    static const QRegularExpression mediaType(
        QStringLiteral("^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$"));
    const QUrl url(given.url, QUrl::StrictMode);
    const QString scheme = url.scheme();
    if (given.url.isEmpty() || given.url.size() > MaxUrlLength || !url.isValid() || url.host().isEmpty()
        || (scheme != QLatin1String("https") && scheme != QLatin1String("http")))
        return Result<Attachment>::failure(
            invalid(QStringLiteral("an attachment needs an http(s) url of at most %1 characters").arg(MaxUrlLength)));
    if (given.originalName.size() > MaxNameLength)
        return Result<Attachment>::failure(
            invalid(QStringLiteral("attachment name is longer than %1 characters").arg(MaxNameLength)));
    const QString type = given.mimeType.toLower();
    if (!type.isEmpty() && !mediaType.match(type).hasMatch())
        return Result<Attachment>::failure(invalid(QStringLiteral("attachment type is not a media type")));
    if (given.size < 0 || given.size > (qint64(1) << 40))
        return Result<Attachment>::failure(invalid(QStringLiteral("attachment size is out of range")));
    Attachment a;
    a.id = given.id.isEmpty() || given.id.size() > 64 ? Timestamp::newId() : given.id;
    a.originalName = given.originalName;
    a.mimeType = type;
    a.size = given.size;
    a.url = given.url;
    a.uploaderId = actorId;
    a.createdAt = Timestamp::nowMs();
    return Result<Attachment>::success(a); // no file name: only our uploads have one on disk
}

} // namespace switchboard
