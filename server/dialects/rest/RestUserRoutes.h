#pragma once

#include "RestRoutes.h"

namespace switchboard {

// The caller's own profile and other users' public profiles.
class RestUserRoutes : public RestRoutes
{
public:
    using RestRoutes::RestRoutes;
    void install(Router &router) override;
};

} // namespace switchboard
