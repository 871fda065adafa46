#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace switchboard {

// Pure multipart/form-data parser (RFC 7578) for uploads: body in, parts out.
class MultipartParser
{
public:
    struct Part
    {
        QString name;
        QString filename;
        QByteArray contentType;
        QByteArray data;
    };
    // Returns false (and *error) on a malformed body.
    static bool parse(const QByteArray &contentTypeHeader, const QByteArray &body, QList<Part> *parts, QString *error);
};

} // namespace switchboard
