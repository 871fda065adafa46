#pragma once

#include <QJsonObject>
#include <QString>

namespace switchboard {

struct Attachment
{
    QString id;
    QString filename;     // name on disk, under the data dir's uploads/
    QString originalName; // name the uploader gave
    QString mimeType;
    qint64 size = 0;
    QString url;
    QString uploaderId;
    qint64 createdAt = 0;

    bool isValid() const { return !id.isEmpty(); }
    // The seed 001 shape (camelCase), which the REST upload routes answer too (docs/api/rest.md).
    QJsonObject toJson() const;
    static Attachment fromJson(const QJsonObject &o);
};

} // namespace switchboard
