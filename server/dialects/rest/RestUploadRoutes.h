#pragma once

#include "RestRoutes.h"

namespace switchboard {

// File uploads (multipart field "file"), seed 001's /api/upload alias, and
// downloads of what was uploaded, for those who may see it (UploadAccess) and
// served so that it cannot run as a page of ours (UploadContentType).
class RestUploadRoutes : public RestRoutes
{
public:
    RestUploadRoutes(ChatService *chat, QObject *context, const QString &uploadDir, qint64 maxUploadBytes);
    void install(Router &router) override;

private:
    void upload(const HttpRequest &req, const HttpResponder &res, const User &u, bool legacyShape);
    void download(const Router::Params &p, const HttpResponder &res, const User &u);
    static QByteArray fileNameParameters(const QString &name);

    QString m_uploadDir;
    qint64 m_maxUploadBytes;
};

} // namespace switchboard
