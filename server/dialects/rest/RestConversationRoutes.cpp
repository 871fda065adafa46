#include "RestConversationRoutes.h"

#include "core/ChatService.h"
#include "Timestamp.h"

#include <QJsonArray>

namespace switchboard {

void RestConversationRoutes::install(Router &r)
{
    r.add("POST", QStringLiteral("/api/v1/conversations"),
          authed(
              [this](const HttpRequest &req, const Router::Params &, HttpResponder res, const User &u) {
        QJsonObject body;
        if (!parseBody(req, &body, res)) return;
        if (!body.value("participant_ids").isArray())
            return fail(res, CoreError::invalid("participant_ids", "participant_ids must be an array of user ids"));
        QStringList ids;
        for (const QJsonValue &v : body.value("participant_ids").toArray()) {
            if (!v.isString())
                return fail(res, CoreError::invalid("participant_ids", "participant_ids must be strings"));
            ids.append(v.toString());
        }
        chat()->openConversation(u.id, ids, context(), [this, res](const Result<Channel> &c) {
            if (!c.ok()) return fail(res, c.error);
            QStringList members = directory().channelMembers(c.value.id).values();
            members.sort();
            res.respond(HttpResponse::json(201, QJsonObject{{"id", c.value.id},
                                                            {"participant_ids", QJsonArray::fromStringList(members)},
                                                            {"type", "dm"},
                                                            {"created_at", Timestamp::toIso(c.value.createdAt)}}));
        });
          }));
}

} // namespace switchboard
