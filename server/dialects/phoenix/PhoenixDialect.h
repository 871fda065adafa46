#pragma once

namespace switchboard {

class Router;
struct DialectContext;

// Installs seed 000 (Phoenix Channels): WebSocket at /socket/websocket and
// long-poll at /socket/longpoll (plus the /socket/websocket/websocket and
// /socket/websocket/longpoll forms the seed's own example URL produces). A
// bad token or vsn refuses the upgrade with HTTP 403, as Phoenix does.
class PhoenixDialect
{
public:
    static void install(Router &router, const DialectContext &context);
};

} // namespace switchboard
