#pragma once

#include "Message.h"
#include "RestRoutes.h"

namespace switchboard {

// Messages: channel and conversation history, threads, reactions, posting,
// reading, editing, deleting and read receipts.
class RestMessageRoutes : public RestRoutes
{
public:
    using RestRoutes::RestRoutes;
    void install(Router &router) override;

    // A message with its author's {id, username, display_name, avatar_url}.
    QJsonObject messageJson(const Message &m) const;

private:
    void history(const HttpRequest &req, const Router::Params &p, const HttpResponder &res, const User &u);
    void react(bool add, const HttpRequest &req, const HttpResponder &res, const User &u);
    void post(const HttpRequest &req, const HttpResponder &res, const User &u);
};

} // namespace switchboard
