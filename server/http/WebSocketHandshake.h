#pragma once

#include "HttpRequest.h"
#include "HttpResponse.h"

#include <QByteArray>
#include <QByteArrayList>

#include <optional>

namespace switchboard {

// The server side of RFC 6455's opening handshake (section 4.2). Pure: it reads
// the request and writes the answer, so the server completes an upgrade in
// the same pass that parsed the head (no handshake timer, no second parser).
class WebSocketHandshake
{
public:
    // An HTTP error when the request is not a valid version-13 upgrade.
    static std::optional<HttpResponse> check(const HttpRequest &request);
    // Sec-WebSocket-Accept for a client's Sec-WebSocket-Key.
    static QByteArray acceptKey(const QByteArray &clientKey);
    // The first of the client's offered subprotocols that we support, or empty.
    static QByteArray chooseSubprotocol(const HttpRequest &request, const QByteArrayList &supported);
    // The complete "101 Switching Protocols" head.
    static QByteArray response(const HttpRequest &request, const QByteArrayList &supportedSubprotocols);
};

} // namespace switchboard
