#pragma once

#include <QByteArray>
#include <QString>

namespace switchboard {

// What an upload is, judged by its bytes rather than by what the client
// declared, and how it may be served. Only passive media a browser shows
// without running anything (a short list: PNG, JPEG, GIF, WebP, plain audio
// and video, PDF) may be shown inline; everything else (HTML, SVG, XML,
// scripts, text, unknown) is a download in a sandbox, so an upload can never
// run as a page of this server's origin.
class UploadContentType
{
public:
    // The magic bytes and the file name together (QMimeDatabase), but a type
    // on the inline list only if the bytes alone say so: "cat.png" holding
    // HTML is text/html, "logo.svg" is image/svg+xml, never an inline image.
    static QString detect(const QString &fileName, const QByteArray &data);
    static bool isInline(const QString &mimeType);
};

} // namespace switchboard
