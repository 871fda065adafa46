#include "RestUploadRoutes.h"

#include "core/ChatService.h"
#include "http/MultipartParser.h"
#include "RestErrors.h"
#include "Timestamp.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMimeDatabase>
#include <QRegularExpression>

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
    a.mimeType = QString::fromLatin1(file->contentType);
    if (a.mimeType.isEmpty() || a.mimeType == QLatin1String("application/octet-stream"))
        a.mimeType = QMimeDatabase().mimeTypeForFileNameAndData(original, file->data).name();
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
    if (!f.open(QIODevice::ReadOnly)) return fail(res, CoreError::notFound("upload content missing"));
    HttpResponse r = HttpResponse::text(200, f.readAll(), a->mimeType.toUtf8());
    QString quoted = a->originalName;
    quoted.remove(QLatin1Char('"'));
    r.setHeader("Content-Disposition", "inline; filename=\"" + quoted.toUtf8() + "\"");
    r.setHeader("X-Content-Type-Options", "nosniff");
    res.respond(r);
}
