#pragma once

#include "RestRoutes.h"

namespace switchboard {

// Workspaces the caller belongs to, creating one, adding a member.
class RestWorkspaceRoutes : public RestRoutes
{
public:
    using RestRoutes::RestRoutes;
    void install(Router &router) override;
};

} // namespace switchboard
