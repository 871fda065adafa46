#include "CamelCaseJson.h"

#include "Timestamp.h"

#include <QJsonArray>

namespace switchboard {

QJsonObject CamelCaseJson::user(const User &u)
{
    return {{"id", u.id},
            {"name", u.name()},
            {"image", u.avatarUrl.isEmpty() ? QJsonValue() : QJsonValue(u.avatarUrl)}};
}

QJsonObject CamelCaseJson::reaction(const Reaction &r, const User &author)
{
    return {
        {"id", r.id},
        {"emoji", r.emoji},
        {"messageId", r.messageId},
        {"userId", r.userId},
        {"createdAt", Timestamp::toIso(r.createdAt)},
        {"user", QJsonObject{{"id", author.id}, {"name", author.name()}}},
    };
}

QJsonObject CamelCaseJson::message(const Message &m, const User &author, const Message &replyTo,
                                   const User &replyAuthor, bool direct,
                                   const std::function<User(const QString &)> &authorOf)
{
    QJsonArray atts, reacts;
    for (const Attachment &a : m.attachments) atts.append(a.toJson());
    for (const Reaction &r : m.reactions) reacts.append(reaction(r, authorOf ? authorOf(r.userId) : User()));
    QJsonObject o{
        {"id", m.id},
        {"content", m.content},
        {direct ? "conversationId" : "channelId", m.channelId},
        {"userId", m.userId},
        {"createdAt", Timestamp::toIso(m.createdAt)},
        {"updatedAt", Timestamp::toIso(m.updatedAt())},
        {"replyToId", m.replyToId.isEmpty() ? QJsonValue() : QJsonValue(m.replyToId)},
        {"user", user(author)},
        {"replyTo", QJsonValue()},
        {"attachments", atts},
        {"reactions", reacts},
    };
    if (replyTo.isValid()) o.insert("replyTo", message(replyTo, replyAuthor, Message(), User(), direct, authorOf));
    if (!m.threadId.isEmpty()) o.insert("threadId", m.threadId);
    if (!m.forwardedFromId.isEmpty()) o.insert("forwardedFromId", m.forwardedFromId);
    if (m.isDeleted()) o.insert("deletedAt", Timestamp::toIso(m.deletedAt));
    return o;
}

} // namespace switchboard
