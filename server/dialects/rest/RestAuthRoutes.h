#pragma once

#include "RestRoutes.h"

namespace switchboard {

// Registration and login, the two routes that hand out tokens, and logout, which revokes one.
class RestAuthRoutes : public RestRoutes
{
public:
    using RestRoutes::RestRoutes;
    void install(Router &router) override;

private:
    void registerUser(const HttpRequest &req, const HttpResponder &res);
    void login(const HttpRequest &req, const HttpResponder &res);
    void logout(const HttpRequest &req, const HttpResponder &res);
    QJsonObject authAnswer(const User &u) const;
};

} // namespace switchboard
