#include "FlatJsonDialect.h"

#include "core/ChatService.h"
#include "transport/DialectContext.h"
#include "FlatJsonSession.h"
#include "FlatJsonErrors.h"
#include "http/Router.h"

#include "net/WebSocketConnection.h"

namespace switchboard {

void FlatJsonDialect::install(Router &router, const DialectContext &ctx)
{
    ChatService *chat = ctx.chat;
    Router::WebSocketRoute route;
    route.check = [chat](const HttpRequest &req, const Router::Params &) -> std::optional<HttpResponse> {
        const QByteArray token = req.queryValue(QStringLiteral("token")).toUtf8();
        Result<User> u = chat->authenticate(token.isEmpty() ? req.bearerToken() : token);
        if (!u.ok()) return FlatJsonErrors::handshakeRefusal(u.error);
        return std::nullopt;
    };
    route.accept =
        [chat, limits = ctx.wsLimits](WebSocketConnection *socket, const HttpRequest &req, const Router::Params &) {
        const QByteArray token = req.queryValue(QStringLiteral("token")).toUtf8();
        // Checked again: the user may have been disabled during the handshake.
        Result<User> u = chat->authenticate(token.isEmpty() ? req.bearerToken() : token);
        auto *session = new FlatJsonSession(chat, socket, u.value, limits);
        session->setToken(token.isEmpty() ? req.bearerToken() : token);
        chat->adoptSession(session); // not a child of chat: see adoptSession()
        if (!u.ok()) {
            session->close(QWebSocketProtocol::CloseCodePolicyViolated, FlatJsonErrors::publicMessage(u.error));
            return;
        }
        if (CoreError e = session->start()) {
            socket->sendText(FlatJsonErrors::fromCore(e, QStringLiteral("access_denied")));
            session->close(QWebSocketProtocol::CloseCodePolicyViolated, FlatJsonErrors::publicMessage(e));
        }
    };
    router.addWebSocket(QStringLiteral("/ws"), route);
}

} // namespace switchboard
