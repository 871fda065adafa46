#pragma once

#include "RestRoutes.h"

namespace switchboard {

// Opening a direct conversation (its history is in RestMessageRoutes).
class RestConversationRoutes : public RestRoutes
{
public:
    using RestRoutes::RestRoutes;
    void install(Router &router) override;
};

} // namespace switchboard
