#pragma once

namespace switchboard {

class Router;
struct DialectContext;

// Installs seed 004 at /ws?token=. A bad token refuses the handshake with 401.
class FlatJsonDialect
{
public:
    static void install(Router &router, const DialectContext &context);
};

} // namespace switchboard
