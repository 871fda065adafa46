#pragma once

#include "RestRoutes.h"

namespace switchboard {

// Channels: list, create, read, update, delete, join, leave and membership.
class RestChannelRoutes : public RestRoutes
{
public:
    using RestRoutes::RestRoutes;
    void install(Router &router) override;
};

} // namespace switchboard
