#include "WebSocketHandshake.h"

#include <QCryptographicHash>

namespace switchboard {

std::optional<HttpResponse> WebSocketHandshake::check(const HttpRequest &request)
{
    if (request.version != "HTTP/1.1") // RFC 6455 4.1: HTTP/1.1 or higher
        return HttpResponse::error(400, QStringLiteral("bad_request"),
                                   QStringLiteral("a WebSocket upgrade needs HTTP/1.1"));
    if (request.header("sec-websocket-version").trimmed() != "13") {
        // RFC 6455 4.4: tell the client which version we speak.
        HttpResponse r = HttpResponse::error(426, QStringLiteral("upgrade_required"),
                                             QStringLiteral("WebSocket version 13 is required"));
        r.setHeader("Sec-WebSocket-Version", "13");
        return r;
    }
    const QByteArray key = request.header("sec-websocket-key").trimmed();
    if (QByteArray::fromBase64(key, QByteArray::AbortOnBase64DecodingErrors).size() != 16)
        return HttpResponse::error(400, QStringLiteral("bad_request"),
                                   QStringLiteral("Sec-WebSocket-Key must be 16 bytes in base64"));
    return std::nullopt;
}

QByteArray WebSocketHandshake::acceptKey(const QByteArray &clientKey)
{
    static const QByteArray guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    return QCryptographicHash::hash(QByteArray(clientKey.trimmed() + guid), QCryptographicHash::Sha1).toBase64();
}

QByteArray WebSocketHandshake::chooseSubprotocol(const HttpRequest &request, const QByteArrayList &supported)
{
    // The header may repeat; every occurrence is a comma-separated list.
    for (const auto &h : request.headers) {
        if (h.first != "sec-websocket-protocol") continue;
        for (const QByteArray &offered : h.second.split(','))
            if (supported.contains(offered.trimmed())) return offered.trimmed();
    }
    return {};
}

QByteArray WebSocketHandshake::response(const HttpRequest &request, const QByteArrayList &supportedSubprotocols)
{
    QByteArray out = "HTTP/1.1 101 Switching Protocols\r\n"
                     "Upgrade: websocket\r\n"
                     "Connection: Upgrade\r\n"
                     "Sec-WebSocket-Accept: ";
    out += acceptKey(request.header("sec-websocket-key"));
    out += "\r\n";
    const QByteArray protocol = chooseSubprotocol(request, supportedSubprotocols);
    if (!protocol.isEmpty()) out += "Sec-WebSocket-Protocol: " + protocol + "\r\n";
    out += "\r\n";
    return out;
}

} // namespace switchboard
