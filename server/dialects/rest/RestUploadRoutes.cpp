#include "RestUploadRoutes.h"

#include "core/ChatService.h"
#include "http/MultipartParser.h"
#include "RestErrors.h"
#include "Timestamp.h"
#include "UploadContentType.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QUrl>

namespace switchboard {

RestUploadRoutes::RestUploadRoutes(ChatService *chat, QObject *context, const QString &uploadDir, qint64 maxUploadBytes)
    : RestRoutes(chat, context)
    , m_uploadDir(uploadDir)
    , m_maxUploadBytes(maxUploadBytes)
{
}

void RestUploadRoutes::install(Router &r)
{
    const QString v1 = QStringLiteral("/api/v1");
    r.add("POST", v1 + "/uploads",
          authed([this](const HttpRequest &req, const Router::Params &, HttpResponder res, const User &u) {
              upload(req, res, u, false);
          }));
    r.add("GET", v1 + "/uploads/{id}",
          authed([this](const HttpRequest &, const Router::Params &p, HttpResponder res, const User &u) {
              download(p, res, u);
          }));
    // Seed 001's alias answers {"data": upload}.
    r.add("POST", "/api/upload",
          authed([this](const HttpRequest &req, const Router::Params &, HttpResponder res, const User &u) {
              upload(req, res, u, true);
          }));
}

void RestUploadRoutes::upload(const HttpRequest &req, const HttpResponder &res, const User &u, bool legacyShape)
{
    if (req.body.size() > m_maxUploadBytes + 64 * 1024)
        return fail(res, CoreError::tooLarge(QStringLiteral("uploads are limited to %1 bytes").arg(m_maxUploadBytes)));
    QList<MultipartParser::Part> parts;
    QString error;
    if (!MultipartParser::parse(req.header("content-type"), req.body, &parts, &error))
        return res.respond(RestErrors::protocol(400, QStringLiteral("invalid_upload"), error));
    const MultipartParser::Part *file = nullptr;
    for (const auto &p : parts)
        if (p.name == QLatin1String("file")) {
            file = &p;
            break;
        }
    if (!file) return fail(res, CoreError::invalid("file", "multipart field 'file' is required"));
    if (file->data.size() > m_maxUploadBytes)
        return fail(res, CoreError::tooLarge(QStringLiteral("uploads are limited to %1 bytes").arg(m_maxUploadBytes)));
    Attachment a;
    a.id = Timestamp::newId();
    QString original = QFileInfo(file->filename).fileName();
    if (original.isEmpty()) original = QStringLiteral("file");
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9._-]"));
    QString safe = original;
    safe.replace(unsafe, QStringLiteral("_"));
    a.filename = a.id + QLatin1Char('-') + safe.right(100);
    a.originalName = original;
    a.mimeType = UploadContentType::detect(original, file->data); // the part's Content-Type is the client's word
    a.size = file->data.size();
    a.url = QStringLiteral("/api/v1/uploads/") + a.id;
    a.uploaderId = u.id;
    a.createdAt = Timestamp::nowMs();
    QDir().mkpath(m_uploadDir);
    QFile out(QDir(m_uploadDir).filePath(a.filename));
    if (!out.open(QIODevice::WriteOnly) || out.write(file->data) != file->data.size() || !out.flush())
        return fail(res, CoreError::internal(
                             QStringLiteral("cannot store upload %1: %2").arg(out.fileName(), out.errorString())));
    out.close();
    chat()->registerUpload(u.id, a, context(), [res, legacyShape](const Result<Attachment> &r) {
        if (!r.ok()) return fail(res, r.error);
        res.respond(HttpResponse::json(201, legacyShape ? QJsonObject{{"data", r.value.toJson()}} : r.value.toJson()));
    });
}

void RestUploadRoutes::download(const Router::Params &p, const HttpResponder &res, const User &u)
{
    const Result<Attachment> found = chat()->upload(u.id, p[0]);
    if (!found.ok()) return fail(res, found.error);
    const Attachment *a = &found.value;
    QFile f(QDir(m_uploadDir).filePath(a->filename));
    if (!f.open(QIODevice::ReadOnly)) return fail(res, CoreError::notFound("no such upload"));
    const QByteArray content = f.readAll();
    // Judged again from the bytes: a record stored before uploads were sniffed
    // may carry the type its client claimed.
    const QString type = UploadContentType::detect(a->originalName, content);
    const bool inlineOk = UploadContentType::isInline(type);
    HttpResponse r = HttpResponse::text(200, content, type.toUtf8());
    r.setHeader("Content-Disposition", (inlineOk ? "inline" : "attachment") + fileNameParameters(a->originalName));
    r.setHeader("X-Content-Type-Options", "nosniff");
    if (!inlineOk) r.setHeader("Content-Security-Policy", "sandbox");
    r.setHeader("Cache-Control", "private"); // each reader was checked; shared caches must not serve it on
    res.respond(r);
}

QByteArray RestUploadRoutes::fileNameParameters(const QString &name)
{
    // An ASCII fallback for old clients and the exact name for the rest (RFC 6266).
    QByteArray ascii;
    for (const QChar c : name) {
        const char16_t u = c.unicode();
        ascii.append(u >= 0x20 && u < 0x7f && u != '"' && u != '\\' ? char(u) : '_');
    }
    return "; filename=\"" + ascii + "\"; filename*=UTF-8''" + QUrl::toPercentEncoding(name);
}

} // namespace switchboard
