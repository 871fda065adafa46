#pragma once

#include "RestRoutes.h"

namespace switchboard {

// Seed 001's paged history aliases: /api/messages?channelId= and
// /api/conversations/{id}/messages, in seed 001's camelCase shapes.
class RestLegacyRoutes : public RestRoutes
{
public:
    using RestRoutes::RestRoutes;
    void install(Router &router) override;

private:
    void page(const QString &channelId, const HttpRequest &req, const HttpResponder &res, const User &u);
};

} // namespace switchboard
