#include "DefaultNamespaceJson.h"

#include "CamelCaseJson.h"
#include "Timestamp.h"

namespace switchboard {

namespace DefaultNamespaceJson {

// The shapes themselves live in shared/ (CamelCaseJson) so that the REST
// aliases of seed 001 hand out the very same objects; this adapter only
// resolves user ids, keeping the id of a user the directory does not know.
static User resolve(const QString &userId, const UserLookup &lookup)
{
    const User *u = lookup ? lookup(userId) : nullptr;
    if (u) return *u;
    User unknown;
    unknown.id = userId;
    return unknown;
}

QJsonObject user(const QString &userId, const UserLookup &lookup, bool withImage)
{
    QJsonObject o = CamelCaseJson::user(resolve(userId, lookup));
    if (!withImage) o.remove(QStringLiteral("image"));
    return o;
}

QJsonObject attachment(const Attachment &a)
{
    return a.toJson();
}

QJsonObject reaction(const Reaction &r, const UserLookup &lookup)
{
    return CamelCaseJson::reaction(r, resolve(r.userId, lookup));
}

QJsonObject message(const Message &m, bool direct, const Message &replyTo, const UserLookup &lookup)
{
    const bool hasReply = replyTo.isValid() && replyTo.id == m.replyToId;
    return CamelCaseJson::message(m, resolve(m.userId, lookup), hasReply ? replyTo : Message(),
                                  hasReply ? resolve(replyTo.userId, lookup) : User(), direct,
                                  [&lookup](const QString &id) { return resolve(id, lookup); });
}

} // namespace DefaultNamespaceJson

} // namespace switchboard
