#include "DefaultNamespaceJson.h"

#include "Timestamp.h"

#include <QJsonArray>

namespace DefaultNamespaceJson {

static QJsonValue stringOrNull(const QString &s) { return s.isEmpty() ? QJsonValue() : QJsonValue(s); }

QJsonObject user(const QString &userId, const UserLookup &lookup, bool withImage)
{
    const User *u = lookup ? lookup(userId) : nullptr;
    QJsonObject o{ { QStringLiteral("id"), userId },
                   { QStringLiteral("name"), u ? u->name() : QString() } };
    if (withImage)
        o.insert(QStringLiteral("image"), u ? stringOrNull(u->avatarUrl) : QJsonValue());
    return o;
}

QJsonObject attachment(const Attachment &a)
{
    return {
        { QStringLiteral("id"), a.id },
        { QStringLiteral("filename"), a.filename },
        { QStringLiteral("originalName"), a.originalName },
        { QStringLiteral("mimeType"), a.mimeType },
        { QStringLiteral("size"), double(a.size) },
        { QStringLiteral("url"), a.url },
        { QStringLiteral("createdAt"), Timestamp::toIso(a.createdAt) },
    };
}

QJsonObject reaction(const Reaction &r, const UserLookup &lookup)
{
    return {
        { QStringLiteral("id"), r.id },
        { QStringLiteral("emoji"), r.emoji },
        { QStringLiteral("messageId"), r.messageId },
        { QStringLiteral("userId"), r.userId },
        { QStringLiteral("createdAt"), Timestamp::toIso(r.createdAt) },
        { QStringLiteral("user"), user(r.userId, lookup, false) },
    };
}

static QJsonObject messageBody(const Message &m, bool direct, const UserLookup &lookup)
{
    QJsonArray atts, reacts;
    for (const Attachment &a : m.attachments)
        atts.append(attachment(a));
    for (const Reaction &r : m.reactions)
        reacts.append(reaction(r, lookup));
    QJsonObject o{
        { QStringLiteral("id"), m.id },
        { QStringLiteral("content"), m.content },
        { QStringLiteral("userId"), m.userId },
        { QStringLiteral("createdAt"), Timestamp::toIso(m.createdAt) },
        { QStringLiteral("updatedAt"), Timestamp::toIso(m.updatedAt()) },
        { QStringLiteral("replyToId"), stringOrNull(m.replyToId) },
        { QStringLiteral("user"), user(m.userId, lookup) },
        { QStringLiteral("replyTo"), QJsonValue() },
        { QStringLiteral("attachments"), atts },
        { QStringLiteral("reactions"), reacts },
    };
    o.insert(direct ? QStringLiteral("conversationId") : QStringLiteral("channelId"), m.channelId);
    // Not in the seed's interface, but a forwarded message is otherwise
    // indistinguishable from a fresh one.
    if (!m.forwardedFromId.isEmpty())
        o.insert(QStringLiteral("forwardedFromId"), m.forwardedFromId);
    return o;
}

QJsonObject message(const Message &m, bool direct, const Message &replyTo, const UserLookup &lookup)
{
    QJsonObject o = messageBody(m, direct, lookup);
    if (replyTo.isValid() && replyTo.id == m.replyToId)
        o.insert(QStringLiteral("replyTo"), messageBody(replyTo, direct, lookup));
    return o;
}

} // namespace DefaultNamespaceJson
