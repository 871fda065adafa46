#include "HttpRequest.h"

namespace switchboard {

QByteArray HttpRequest::header(QByteArrayView name) const
{
    for (const auto &h : headers)
        if (h.first == name) return h.second;
    return QByteArray();
}

QString HttpRequest::cookie(const QString &name) const
{
    const QByteArray all = header("cookie");
    for (const QByteArray &part : all.split(';')) {
        const QByteArray kv = part.trimmed();
        const int eq = kv.indexOf('=');
        if (eq > 0 && kv.left(eq) == name.toUtf8()) return QUrl::fromPercentEncoding(kv.mid(eq + 1));
    }
    return QString();
}

QByteArray HttpRequest::bearerToken() const
{
    const QByteArray auth = header("authorization");
    if (auth.size() > 7 && auth.left(7).toLower() == "bearer ") return auth.mid(7).trimmed();
    return queryValue(QStringLiteral("token")).toUtf8();
}

bool HttpRequest::isWebSocketUpgrade() const
{
    return method == "GET" && header("upgrade").toLower() == "websocket"
        && header("connection").toLower().contains("upgrade");
}

bool HttpRequest::keepAlive() const
{
    const QByteArray c = header("connection").toLower();
    // HTTP/1.0 closes unless the client asks to keep the connection.
    if (version == "HTTP/1.0") return c.contains("keep-alive");
    return !c.contains("close");
}

} // namespace switchboard
