#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QPair>

namespace switchboard {

struct HttpResponse
{
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    HttpResponse &setHeader(const QByteArray &name, const QByteArray &value);
    // withBody false: HEAD answers carry the headers (and Content-Length) only.
    QByteArray serialize(bool keepAlive, bool withBody = true) const;

    static HttpResponse json(int status, const QJsonObject &body);
    static HttpResponse json(int status, const QJsonArray &body);
    static HttpResponse text(int status, const QByteArray &body,
                             const QByteArray &contentType = "text/plain; charset=utf-8");
    // The error shape of every HTTP route (docs/api/rest.md#errors): {"error":{"code":"snake_case","message":"..."}}
    static HttpResponse error(int status, const QString &code, const QString &message);
    static HttpResponse noContent();
    static QByteArray reasonPhrase(int status);
};

} // namespace switchboard
