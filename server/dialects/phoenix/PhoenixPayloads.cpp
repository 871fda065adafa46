#include "PhoenixPayloads.h"

#include "core/Directory.h"
#include "Timestamp.h"

namespace switchboard {

namespace {

QJsonValue orNull(const QString &s)
{
    return s.isEmpty() ? QJsonValue() : QJsonValue(s);
}

QJsonValue timeOrNull(qint64 ms)
{
    return ms ? QJsonValue(Timestamp::toIso(ms)) : QJsonValue();
}

} // namespace

QJsonObject PhoenixPayloads::user(const User &u)
{
    return {{"id", u.id}, {"name", u.name()}, {"username", u.username}, {"avatar_url", orNull(u.avatarUrl)}};
}

QJsonObject PhoenixPayloads::userRef(const QString &userId, const Directory &dir)
{
    const User *u = dir.user(userId);
    return {{"id", userId}, {"name", u ? u->name() : QString()}};
}

QJsonObject PhoenixPayloads::channel(const Channel &c)
{
    return {{"id", c.id},
            {"name", c.name},
            {"type", c.typeName()},
            {"description", c.description},
            {"workspace_id", c.workspaceId},
            {"created_by", orNull(c.createdBy)},
            {"inserted_at", Timestamp::toIso(c.createdAt)}};
}

QJsonObject PhoenixPayloads::workspace(const Workspace &w)
{
    return {{"id", w.id},
            {"name", w.name},
            {"owner_id", orNull(w.ownerId)},
            {"is_default", w.isDefault},
            {"inserted_at", Timestamp::toIso(w.createdAt)}};
}

QJsonObject PhoenixPayloads::attachment(const Attachment &a)
{
    return {{"id", a.id},
            {"filename", a.originalName.isEmpty() ? a.filename : a.originalName},
            {"content_type", a.mimeType},
            {"size", a.size},
            {"url", a.url}};
}

QJsonObject PhoenixPayloads::reaction(const Reaction &r, const Directory &dir)
{
    return {{"id", r.id},
            {"emoji", r.emoji},
            {"message_id", r.messageId},
            {"user_id", r.userId},
            {"user", userRef(r.userId, dir)},
            {"inserted_at", Timestamp::toIso(r.createdAt)}};
}

QJsonObject PhoenixPayloads::message(const Message &m, const Directory &dir)
{
    QJsonArray attachments, reactions;
    for (const Attachment &a : m.attachments) attachments.append(attachment(a));
    for (const Reaction &r : m.reactions) reactions.append(reaction(r, dir));
    const User *author = dir.user(m.userId);
    QJsonObject u = author ? user(*author)
                           : QJsonObject{{"id", m.userId}, {"name", QString()}, {"avatar_url", QJsonValue()}};
    return {{"id", m.id},
            {"content", m.content},
            {"user", u},
            {"user_id", m.userId},
            {"channel_id", m.channelId},
            {"inserted_at", Timestamp::toIso(m.createdAt)},
            {"updated_at", Timestamp::toIso(m.updatedAt())},
            {"attachments", attachments},
            {"reactions", reactions},
            {"mentions", QJsonArray::fromStringList(m.mentions)},
            {"thread_id", orNull(m.threadId)},
            {"reply_to_id", orNull(m.replyToId)},
            {"reply_count", m.replyCount},
            {"is_edited", m.editedAt != 0},
            {"edited_at", timeOrNull(m.editedAt)}};
}

QJsonArray PhoenixPayloads::messages(const QList<Message> &list, const Directory &dir)
{
    QJsonArray out;
    for (const Message &m : list)
        if (!m.isDeleted()) out.append(message(m, dir));
    return out;
}

QJsonObject PhoenixPayloads::threadReply(const Message &m, const Directory &dir)
{
    QJsonObject reply = message(m, dir);
    reply.insert("user", userRef(m.userId, dir));
    return reply;
}

QJsonObject PhoenixPayloads::thread(const Message &parent, const QStringList &participants)
{
    return {{"id", parent.id},
            {"message_count", parent.replyCount},
            {"participants", QJsonArray::fromStringList(participants)},
            {"last_reply_at", timeOrNull(parent.lastReplyAt)}};
}

QJsonObject PhoenixPayloads::presenceMeta(const User &u, qint64 joinedAtMs, const QString &phxRef)
{
    // joined_at in whole seconds, as the seed shows (1694972400).
    return {{"name", u.name()},
            {"avatar_url", orNull(u.avatarUrl)},
            {"joined_at", joinedAtMs / 1000},
            {"phx_ref", phxRef}};
}

QString PhoenixPayloads::reasonFor(const CoreError &e)
{
    switch (e.code) {
    case CoreError::None: return QStringLiteral("ok");
    case CoreError::Unauthorized: return QStringLiteral("unauthorized");
    case CoreError::AccessDenied: return QStringLiteral("forbidden");
    case CoreError::NotFound: return QStringLiteral("not_found");
    case CoreError::Invalid: return QStringLiteral("invalid");
    case CoreError::Conflict: return QStringLiteral("conflict");
    case CoreError::RateLimited: return QStringLiteral("rate_limit_exceeded");
    case CoreError::TooLarge: return QStringLiteral("too_large");
    case CoreError::Internal: return QStringLiteral("internal_error");
    case CoreError::Unavailable: return QStringLiteral("unavailable");
    }
    return QStringLiteral("error");
}

QJsonObject PhoenixPayloads::error(const CoreError &e)
{
    QJsonObject o{{"reason", reasonFor(e)}, {"message", e.message}};
    if (e.code == CoreError::RateLimited) o.insert("retry_after", e.retryAfterMs);
    if (e.code == CoreError::Invalid || e.code == CoreError::TooLarge) o.insert("errors", fieldErrors(e));
    return o;
}

QJsonObject PhoenixPayloads::joinError(const CoreError &e)
{
    QJsonObject o = error(e);
    if (e.code == CoreError::AccessDenied) o.insert("reason", QStringLiteral("Access denied"));
    return o;
}

QJsonObject PhoenixPayloads::fieldErrors(const CoreError &e)
{
    QString field = e.field;
    if (field.isEmpty()) field = e.code == CoreError::TooLarge ? QStringLiteral("content") : QStringLiteral("base");
    return {{field, QJsonArray{e.message}}};
}

bool PhoenixPayloads::parseAttachments(const QJsonValue &value, QList<Attachment> *out, QString *error)
{
    if (value.isUndefined() || value.isNull()) return true;
    if (!value.isArray()) {
        *error = QStringLiteral("must be a list");
        return false;
    }
    for (const QJsonValue &v : value.toArray()) {
        if (!v.isObject()) {
            *error = QStringLiteral("is invalid");
            return false;
        }
        const QJsonObject o = v.toObject();
        Attachment a = Attachment::fromJson(o);
        if (a.url.isEmpty() && a.id.isEmpty()) {
            *error = QStringLiteral("needs an id or a url");
            return false;
        }
        if (a.filename.isEmpty()) a.filename = o.value("name").toString();
        out->append(a);
    }
    return true;
}

} // namespace switchboard
