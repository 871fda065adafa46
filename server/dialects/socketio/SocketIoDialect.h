#pragma once

#include "EngineIoConfig.h"

#include <QObject>

namespace switchboard {

class ChatService;
class EngineIoServer;
class Router;
struct DialectContext;

// Entry point of the Socket.IO dialect: the Engine.IO endpoint at /socket.io/
// (polling and WebSocket on the same path) with namespaces "/" (seed 001) and
// "/chat" (seed 002) on top.
class SocketIoDialect : public QObject
{
    Q_OBJECT
public:
    SocketIoDialect(ChatService *chat, const EngineIoConfig &config, QObject *parent = nullptr);
    ~SocketIoDialect() override;

    // The server's entry point (DialectContext.h): creates the dialect, owned
    // by the chat service, and adds its routes.
    static void install(Router &router, const DialectContext &context);
    static EngineIoConfig configFrom(const DialectContext &context, const OriginPolicy &origins);

    // Adds the HTTP and WebSocket routes for /socket.io/ to the router.
    void registerRoutes(Router &router);
    EngineIoServer *engine() const { return m_engine; }

private:
    ChatService *m_chat;
    EngineIoServer *m_engine;
};

} // namespace switchboard
