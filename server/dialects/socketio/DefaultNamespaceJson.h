#pragma once

#include "Channel.h"
#include "Message.h"
#include "Reaction.h"
#include "User.h"

#include <QJsonObject>

#include <functional>

namespace switchboard {

// Payload shapes of seed 001 (namespace "/"), section "Data Types". Pure:
// user names come from a lookup so that tests need no directory.
namespace DefaultNamespaceJson {

using UserLookup = std::function<const User *(const QString &id)>;

// {id, name, image}; a user the lookup does not know keeps its id and an empty name.
QJsonObject user(const QString &userId, const UserLookup &lookup, bool withImage = true);

// Message (channel) or DirectMessage (conversation): the only difference is
// channelId vs conversationId, chosen by `direct`. replyTo is one level deep
// (its own replyTo is null) so that a reply chain cannot grow a payload.
QJsonObject message(const Message &m, bool direct, const Message &replyTo, const UserLookup &lookup);
QJsonObject reaction(const Reaction &r, const UserLookup &lookup);
QJsonObject attachment(const Attachment &a);

} // namespace DefaultNamespaceJson

} // namespace switchboard
