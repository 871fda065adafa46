#pragma once

#include "Message.h"
#include "Reaction.h"
#include "User.h"

#include <QJsonObject>

namespace switchboard {

// The camelCase shapes of seed 001's "Data Types" (Message, DirectMessage,
// Reaction, user): used by the Socket.IO dialect and the REST aliases that
// seed 001 calls, so both hand out exactly the same objects.
class CamelCaseJson
{
public:
    static QJsonObject user(const User &u);
    static QJsonObject reaction(const Reaction &r, const User &author);
    // direct: DirectMessage shape (conversationId instead of channelId).
    // authorOf resolves user ids of the author and of reactions.
    static QJsonObject message(const Message &m, const User &author, const Message &replyTo, const User &replyAuthor,
                               bool direct, const std::function<User(const QString &)> &authorOf);
};

} // namespace switchboard
