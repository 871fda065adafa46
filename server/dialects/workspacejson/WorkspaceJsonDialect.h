#pragma once

namespace switchboard {

class Router;
struct DialectContext;

// Installs seed 003 at /ws/{workspace_id}?token=. The upgrade is always
// accepted; a bad token, a workspace the user is not in or too many
// connections get an error event and a 4xxx close (README.md).
class WorkspaceJsonDialect
{
public:
    static void install(Router &router, const DialectContext &context);
};

} // namespace switchboard
