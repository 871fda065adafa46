#include "WorkspaceJsonDialect.h"

#include "core/ChatService.h"
#include "transport/DialectContext.h"
#include "http/Router.h"
#include "WorkspaceJsonSession.h"

#include "net/WebSocketConnection.h"

namespace switchboard {

void WorkspaceJsonDialect::install(Router &router, const DialectContext &ctx)
{
    ChatService *chat = ctx.chat;
    WebSocketSession::Limits limits = ctx.wsLimits;
    // The seed's heartbeat: a client that sends nothing, not even ping, for this long is closed.
    limits.idleTimeoutMs = ctx.heartbeatTimeoutMs;
    Router::WebSocketRoute route;
    // No check(): an HTTP refusal carries no error event, so every refusal
    // happens after the upgrade, in accept().
    route.accept = [chat, limits](WebSocketConnection *socket, const HttpRequest &req, const Router::Params &params) {
        const QString workspaceId = params.value(0);
        const QByteArray token = req.queryValue(QStringLiteral("token")).toUtf8();
        const Result<User> u = chat->authenticate(token.isEmpty() ? req.bearerToken() : token);
        auto *session = new WorkspaceJsonSession(chat, socket, u.value, workspaceId, limits);
        session->setToken(token.isEmpty() ? req.bearerToken() : token);
        chat->adoptSession(session); // not a child of chat: see adoptSession()
        if (!u.ok()) return session->refuse(u.error);
        // An unknown workspace looks the same as one the user is not in.
        if (!chat->directory().workspace(workspaceId) || !chat->directory().isWorkspaceMember(workspaceId, u.value.id))
            return session->refuse(CoreError::accessDenied(QStringLiteral("User not authorized for this workspace")));
        if (CoreError e = session->start()) session->refuse(e);
    };
    router.addWebSocket(QStringLiteral("/ws/{workspace_id}"), route);
}

} // namespace switchboard
