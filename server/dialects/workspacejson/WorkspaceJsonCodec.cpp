#include "WorkspaceJsonCodec.h"

#include "JsonInput.h"
#include "Timestamp.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace switchboard {

WorkspaceJsonCodec::Command WorkspaceJsonCodec::parse(const QString &text)
{
    Command c;
    QJsonParseError pe;
    const QJsonDocument doc = JsonInput::parse(text.toUtf8(), &pe);
    if (pe.error != QJsonParseError::NoError) {
        c.errorCode = QLatin1String(InvalidJson);
        c.errorMessage = QStringLiteral("Malformed JSON: %1").arg(pe.errorString());
        return c;
    }
    if (!doc.isObject()) {
        c.errorCode = QLatin1String(InvalidJson);
        c.errorMessage = QStringLiteral("An event must be a JSON object");
        return c;
    }
    c.fields = doc.object();
    const QJsonValue type = c.fields.value(QLatin1String("type"));
    if (!type.isString() || type.toString().isEmpty()) {
        c.errorCode = QLatin1String(InvalidRequest);
        c.errorMessage = QStringLiteral("type must be a non-empty string");
        return c;
    }
    c.type = type.toString();
    return c;
}

WorkspaceJsonCodec::Typing WorkspaceJsonCodec::parseTyping(const QJsonObject &fields)
{
    Typing t;
    QJsonObject f = fields;
    if (!f.contains(QLatin1String("channel_id")) && f.value(QLatin1String("data")).isObject())
        f = f.value(QLatin1String("data")).toObject();
    const QJsonValue channel = f.value(QLatin1String("channel_id"));
    if (!channel.isString() || channel.toString().isEmpty()) {
        t.errorCode = QLatin1String(InvalidRequest);
        t.errorMessage = channel.isUndefined() || channel.isNull()
                           ? QStringLiteral("channel_id is required")
                           : QStringLiteral("channel_id must be a non-empty string");
        return t;
    }
    const QJsonValue typing = f.value(QLatin1String("is_typing"));
    if (!typing.isUndefined() && !typing.isBool()) {
        t.errorCode = QLatin1String(InvalidRequest);
        t.errorMessage = QStringLiteral("is_typing must be a boolean");
        return t;
    }
    t.channelId = channel.toString();
    t.isTyping = typing.toBool(true);
    return t;
}

WorkspaceJsonCodec::Sync WorkspaceJsonCodec::parseSync(const QJsonObject &fields)
{
    Sync r;
    QJsonObject f = fields;
    if (!f.contains(QLatin1String("channel_id")) && f.value(QLatin1String("data")).isObject())
        f = f.value(QLatin1String("data")).toObject();
    const QJsonValue channel = f.value(QLatin1String("channel_id"));
    const QJsonValue last = f.value(QLatin1String("last_seq"));
    const double n = last.toDouble(-1);
    r.errorCode = QLatin1String(InvalidRequest);
    if (!channel.isString() || channel.toString().isEmpty())
        r.errorMessage = channel.isUndefined() || channel.isNull()
                           ? QStringLiteral("channel_id is required")
                           : QStringLiteral("channel_id must be a non-empty string");
    else if (!last.isDouble() || n < 0 || n != double(qint64(n)) || n > 9.0e15)
        r.errorMessage = QStringLiteral("last_seq must be a non-negative integer");
    else {
        r.errorCode.clear();
        r.channelId = channel.toString();
        r.lastSeq = qint64(n);
    }
    return r;
}

QByteArray WorkspaceJsonCodec::channelSynced(const QString &channelId, qint64 seq, bool recovered,
                                             const QString &reason, const QString &workspaceId, qint64 atMs)
{
    QJsonObject data{{"channel_id", channelId}, {"seq", seq}, {"recovered", recovered}};
    if (!recovered) data.insert(QStringLiteral("reason"), reason);
    return envelope(QStringLiteral("channel.synced"), data, workspaceId, atMs);
}

QByteArray WorkspaceJsonCodec::envelope(const QString &type, const QJsonObject &data, const QString &workspaceId,
                                        qint64 atMs)
{
    const QJsonObject o{
        {"type", type},
        {"data", data},
        {"workspace_id", workspaceId.isEmpty() ? QJsonValue() : QJsonValue(workspaceId)},
        {"timestamp", Timestamp::toIso(atMs)},
    };
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QByteArray WorkspaceJsonCodec::pong(const QString &workspaceId, qint64 atMs)
{
    return envelope(QStringLiteral("pong"), QJsonObject(), workspaceId, atMs);
}

QByteArray WorkspaceJsonCodec::error(const QString &code, const QString &message, const QString &workspaceId,
                                     qint64 atMs)
{
    return envelope(QStringLiteral("error"), QJsonObject{{"message", message}, {"code", code}}, workspaceId, atMs);
}

QString WorkspaceJsonCodec::errorCodeFor(const CoreError &e)
{
    switch (e.code) {
    case CoreError::Unauthorized: return QLatin1String(InvalidToken);
    case CoreError::AccessDenied: return QLatin1String(Unauthorized);
    case CoreError::NotFound: return QLatin1String(NotFound);
    case CoreError::Invalid: return QLatin1String(InvalidRequest);
    case CoreError::Conflict: return QLatin1String(Conflict);
    case CoreError::RateLimited: return QLatin1String(RateLimited);
    case CoreError::TooLarge: return QLatin1String(MessageTooLarge);
    case CoreError::None: // not an error; treated as a fault so that it cannot pass silently
    case CoreError::Internal: return QLatin1String(InternalError);
    case CoreError::Unavailable: return QLatin1String(Unavailable);
    }
    return QLatin1String(InternalError);
}

QString WorkspaceJsonCodec::errorMessageFor(const CoreError &e)
{
    if (e.code == CoreError::Internal || e.code == CoreError::None) return QStringLiteral("Internal server error");
    if (e.message.isEmpty()) return e.codeName();
    return e.message;
}

quint16 WorkspaceJsonCodec::closeCodeFor(const QString &errorCode)
{
    if (errorCode == QLatin1String(InvalidToken)) return 4001;
    if (errorCode == QLatin1String(Unauthorized)) return 4003;
    if (errorCode == QLatin1String(RateLimited)) return 4029;
    return 4500;
}

QString WorkspaceJsonCodec::presenceStatus(const QString &coreStatus)
{
    if (coreStatus == QLatin1String("online") || coreStatus == QLatin1String("offline")) return coreStatus;
    return QStringLiteral("away"); // away, busy
}

QJsonObject WorkspaceJsonCodec::messageData(const Message &m)
{
    QJsonArray atts, reactions;
    for (const Attachment &a : m.attachments) atts.append(a.toJson());
    for (const Reaction &r : m.reactions)
        reactions.append(QJsonObject{{"message_id", r.messageId}, {"emoji", r.emoji}, {"user_id", r.userId}});
    return {
        {"id", m.id},
        {"channel_id", m.channelId},
        {"user_id", m.userId},
        {"content", m.content},
        {"attachments", atts},
        {"reactions", reactions},
        {"created_at", Timestamp::toIso(m.createdAt)},
    };
}

QString WorkspaceJsonCodec::eventType(ChatEvent::Type type)
{
    using T = ChatEvent::Type;
    switch (type) {
    case T::MessageCreated: return QStringLiteral("message.new");
    case T::MessageUpdated: return QStringLiteral("message.updated");
    case T::MessageDeleted: return QStringLiteral("message.deleted");
    case T::ReactionAdded: return QStringLiteral("reaction.added");
    case T::ReactionRemoved: return QStringLiteral("reaction.removed");
    case T::TypingStarted: return QStringLiteral("typing.start");
    case T::TypingStopped: return QStringLiteral("typing.stop");
    case T::PresenceChanged: return QStringLiteral("presence.updated");
    case T::MemberJoined: return QStringLiteral("member.joined");
    case T::MemberLeft: return QStringLiteral("member.left");
    case T::ChannelCreated: return QStringLiteral("channel.created");
    case T::ChannelUpdated: return QStringLiteral("channel.updated");
    case T::ChannelDeleted: return QStringLiteral("channel.deleted");
    case T::ThreadUpdated: return QStringLiteral("thread.updated");
    case T::MessageRead:
    case T::Mention:
    case T::ThreadStarted:
    case T::ParticipantJoined: // seed 002 room participation: Socket.IO only
    case T::ParticipantLeft:
    case T::SystemMessage: break;
    }
    return QString();
}

QByteArray WorkspaceJsonCodec::encodeEvent(const ChatEvent &e, const QString &workspaceId)
{
    const QString type = eventType(e.type);
    if (type.isEmpty()) return QByteArray();
    using T = ChatEvent::Type;
    QJsonObject data;
    switch (e.type) {
    case T::MessageCreated: data = messageData(e.message); break;
    case T::MessageUpdated:
        data = {{"id", e.message.id},
                {"content", e.message.content},
                {"updated_at", Timestamp::toIso(e.message.updatedAt())}};
        break;
    case T::MessageDeleted:
        data = {{"id", e.message.id},
                {"deleted_at", Timestamp::toIso(e.message.deletedAt ? e.message.deletedAt : e.at)}};
        break;
    case T::ReactionAdded:
    case T::ReactionRemoved:
        data = {{"message_id", e.reaction.messageId}, {"emoji", e.reaction.emoji}, {"user_id", e.reaction.userId}};
        break;
    case T::TypingStarted:
    case T::TypingStopped: data = {{"channel_id", e.channel.id}, {"user_id", e.actor.id}}; break;
    case T::PresenceChanged: data = {{"user_id", e.actor.id}, {"status", presenceStatus(e.status)}}; break;
    case T::MemberJoined:
    case T::MemberLeft: data = {{"channel_id", e.channel.id}, {"user_id", e.subject.id}}; break;
    case T::ChannelCreated:
        data = {{"id", e.channel.id},
                {"name", e.channel.name},
                {"type", e.channel.typeName()},
                {"created_by", e.channel.createdBy.isEmpty() ? QJsonValue() : QJsonValue(e.channel.createdBy)}};
        break;
    case T::ChannelUpdated:
        data = {{"id", e.channel.id}, {"name", e.channel.name}, {"description", e.channel.description}};
        break;
    case T::ChannelDeleted: data = {{"id", e.channel.id}}; break;
    case T::ThreadUpdated:
        data = {{"parent_message_id", e.message.id},
                {"reply_count", e.message.replyCount},
                {"last_reply_at",
                 e.message.lastReplyAt ? QJsonValue(Timestamp::toIso(e.message.lastReplyAt)) : QJsonValue()}};
        break;
    case T::MessageRead:
    case T::Mention:
    case T::ThreadStarted:
    case T::ParticipantJoined:
    case T::ParticipantLeft:
    case T::SystemMessage: return QByteArray();
    }
    // Logged channel events carry their channel's sequence number (resume); the
    // ones whose seed data has no channel also name it, since seq is per channel.
    if (e.seq > 0) {
        data.insert(QStringLiteral("seq"), e.seq);
        data.insert(QStringLiteral("channel_id"), e.channel.id);
    }
    // Channel events carry their channel's workspace; presence has none of its own.
    const QString ws = e.channel.workspaceId.isEmpty() ? workspaceId : e.channel.workspaceId;
    return envelope(type, data, ws, e.at);
}

} // namespace switchboard
