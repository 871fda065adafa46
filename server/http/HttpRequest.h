#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>
#include <QUrlQuery>

namespace switchboard {

struct HttpRequest
{
    QByteArray method;
    QByteArray target; // as sent: path and query
    QByteArray version = "HTTP/1.1";
    QString path; // percent-decoded path
    QUrlQuery query;
    QList<QPair<QByteArray, QByteArray>> headers; // names lower-cased
    QByteArray body;
    QHostAddress remoteAddress;
    quint16 remotePort = 0;

    QByteArray header(QByteArrayView lowerCaseName) const;
    QString queryValue(const QString &key) const { return query.queryItemValue(key, QUrl::FullyDecoded); }
    QString cookie(const QString &name) const;
    // Token from "Authorization: Bearer", else from ?token= (the WebSocket
    // dialects' way). Never the cookie: only seed 002's Socket.IO takes it.
    QByteArray bearerToken() const;
    bool isWebSocketUpgrade() const;
    bool keepAlive() const;
};

} // namespace switchboard
