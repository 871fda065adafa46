#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QUrl>
#include <QUrlQuery>

#include <functional>

namespace switchboard {

// The slice of an HTTP request the Engine.IO server needs, whoever parsed it.
struct EngineIoHttpRequest
{
    QByteArray method; // GET, POST, OPTIONS
    QUrl url;          // path and query as the client sent them
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QHostAddress peer;
    // Whether the client is still there to take a late answer (a held GET
    // whose connection dropped must not count as "a GET in flight").
    std::function<bool()> connectionAlive;

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &h : headers)
            if (h.first.compare(name, Qt::CaseInsensitive) == 0) return h.second;
        return QByteArray();
    }
    bool hasHeader(const QByteArray &name) const
    {
        for (const auto &h : headers)
            if (h.first.compare(name, Qt::CaseInsensitive) == 0) return true;
        return false;
    }
    QString query(const QString &key) const { return QUrlQuery(url).queryItemValue(key, QUrl::FullyDecoded); }
};

struct EngineIoHttpResponse
{
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
};

// Answers one request, now or later (a held long-poll GET). The HTTP layer
// makes it a no-op once the connection is gone.
using EngineIoReply = std::function<void(const EngineIoHttpResponse &)>;

} // namespace switchboard
