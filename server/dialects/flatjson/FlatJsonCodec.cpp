#include "FlatJsonCodec.h"

#include "core/JsonWriter.h"
#include "JsonInput.h"
#include "Timestamp.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace switchboard {

FlatJsonCodec::Command FlatJsonCodec::parse(const QString &text)
{
    Command c;
    QJsonParseError pe;
    const QJsonDocument doc = JsonInput::parse(text.toUtf8(), &pe);
    if (pe.error != QJsonParseError::NoError) {
        c.errorCode = QStringLiteral("invalid_json");
        c.errorMessage = QStringLiteral("Malformed JSON: %1").arg(pe.errorString());
        return c;
    }
    if (!doc.isObject()) {
        c.errorCode = QStringLiteral("invalid_json");
        c.errorMessage = QStringLiteral("A message must be a JSON object");
        return c;
    }
    c.fields = doc.object();
    const QJsonValue type = c.fields.value(QLatin1String("type"));
    if (!type.isString() || type.toString().isEmpty()) {
        c.errorCode = QStringLiteral("unknown_message_type");
        c.errorMessage = QStringLiteral("Message type must be a non-empty string");
        return c;
    }
    c.type = type.toString();
    return c;
}

bool FlatJsonCodec::parseSendMessage(QStringView text, SendMessageFrame *out)
{
    const char16_t *p = text.utf16();
    const char16_t *const end = p + text.size();
    auto skipSpace = [&] {
        while (p != end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) ++p;
    };
    auto expect = [&](char16_t c) {
        skipSpace();
        if (p == end || *p != c) return false;
        ++p;
        return true;
    };
    // A string without escapes, control characters or lone surrogates: its
    // text is then exactly the characters between the quotes (QJsonDocument
    // would decode the same; a lone surrogate would not survive its UTF-8 trip).
    auto plainString = [&](QStringView *s) {
        if (!expect(u'"')) return false;
        const char16_t *const start = p;
        while (p != end) {
            const char16_t u = *p;
            if (u == '"') {
                *s = QStringView(start, p);
                ++p;
                return true;
            }
            if (u < 0x20 || u == '\\') return false;
            if (QChar::isSurrogate(u)) {
                if (!QChar::isHighSurrogate(u) || end - p < 2 || !QChar::isLowSurrogate(p[1])) return false;
                ++p;
            }
            ++p;
        }
        return false;
    };

    QStringView values[4]; // type, channel_id, content, client_id
    bool seen[4] = {false, false, false, false};
    if (!expect(u'{')) return false;
    for (;;) {
        QStringView key, value;
        if (!plainString(&key) || !expect(u':') || !plainString(&value)) return false;
        int slot;
        if (key == u"type")
            slot = 0;
        else if (key == u"channel_id")
            slot = 1;
        else if (key == u"content")
            slot = 2;
        else if (key == u"client_id")
            slot = 3;
        else
            return false;
        if (seen[slot]) return false;
        seen[slot] = true;
        values[slot] = value;
        skipSpace();
        if (p == end) return false;
        if (*p == ',') {
            ++p;
            continue;
        }
        if (*p == '}') {
            ++p;
            break;
        }
        return false;
    }
    skipSpace();
    if (p != end || !seen[0] || values[0] != u"send_message" || !seen[1] || values[1].isEmpty()) return false;
    out->channelId = values[1].toString();
    out->content = seen[2] ? values[2].toString() : QString();
    out->clientId = seen[3] ? QJsonValue(values[3].toString()) : QJsonValue(QJsonValue::Undefined);
    return true;
}

static QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QByteArray FlatJsonCodec::reply(const QString &type, QJsonObject fields)
{
    fields.insert(QStringLiteral("type"), type);
    if (!fields.contains(QLatin1String("timestamp"))) fields.insert(QStringLiteral("timestamp"), Timestamp::nowIso());
    return compact(fields);
}

QByteArray FlatJsonCodec::error(const QString &code, const QString &message, const QString &details)
{
    QJsonObject o{{"type", "error"}, {"error_code", code}, {"message", message}};
    if (!details.isEmpty()) o.insert("details", details);
    return compact(o);
}

QString FlatJsonCodec::errorCodeFor(const CoreError &e, const QString &fallback)
{
    switch (e.code) {
    case CoreError::AccessDenied: return QStringLiteral("access_denied");
    case CoreError::Internal: return QStringLiteral("internal_error");
    case CoreError::Unavailable: return QStringLiteral("unavailable");
    case CoreError::RateLimited: return QStringLiteral("rate_limited");
    case CoreError::TooLarge: return QStringLiteral("message_too_large");
    case CoreError::Invalid:
        if (e.field == QLatin1String("channel_id")) return QStringLiteral("missing_channel_id");
        return fallback;
    default: return fallback;
    }
}

QJsonObject FlatJsonCodec::messageData(const Message &m, const User &author)
{
    QJsonArray atts;
    for (const Attachment &a : m.attachments) atts.append(a.toJson());
    QJsonObject o{
        {"id", m.id},
        {"content", m.content},
        {"channelId", m.channelId},
        {"userId", m.userId},
        {"createdAt", Timestamp::toIso(m.createdAt)},
        {"updatedAt", Timestamp::toIso(m.updatedAt())},
        {"user", QJsonObject{{"id", author.id},
                             {"username", author.username},
                             {"email", author.email.isEmpty() ? QJsonValue() : QJsonValue(author.email)}}},
        // Beyond the seed: what threads, quotes and files need.
        {"threadId", m.threadId.isEmpty() ? QJsonValue() : QJsonValue(m.threadId)},
        {"replyToId", m.replyToId.isEmpty() ? QJsonValue() : QJsonValue(m.replyToId)},
        {"attachments", atts},
        {"mentions", QJsonArray::fromStringList(m.mentions)},
    };
    if (!m.forwardedFromId.isEmpty()) o.insert("forwardedFromId", m.forwardedFromId);
    return o;
}

// Keys in QJsonObject's order (sorted), so the bytes equal compact(messageData()).
void FlatJsonCodec::writeMessageData(JsonWriter &w, const Message &m, const User &author)
{
    w.beginObject();
    w.key(QLatin1StringView("attachments"));
    if (m.attachments.isEmpty()) {
        w.beginArray().endArray();
    } else {
        QJsonArray atts;
        for (const Attachment &a : m.attachments) atts.append(a.toJson());
        w.raw(QJsonDocument(atts).toJson(QJsonDocument::Compact));
    }
    w.key(QLatin1StringView("channelId")).string(m.channelId);
    w.key(QLatin1StringView("content")).string(m.content);
    w.key(QLatin1StringView("createdAt")).isoTime(m.createdAt);
    if (!m.forwardedFromId.isEmpty()) w.key(QLatin1StringView("forwardedFromId")).string(m.forwardedFromId);
    w.key(QLatin1StringView("id")).string(m.id);
    w.key(QLatin1StringView("mentions")).beginArray();
    for (const QString &id : m.mentions) w.string(id);
    w.endArray();
    w.key(QLatin1StringView("replyToId")).nullableString(m.replyToId);
    w.key(QLatin1StringView("threadId")).nullableString(m.threadId);
    w.key(QLatin1StringView("updatedAt")).isoTime(m.updatedAt());
    w.key(QLatin1StringView("user")).beginObject();
    w.key(QLatin1StringView("email")).nullableString(author.email);
    w.key(QLatin1StringView("id")).string(author.id);
    w.key(QLatin1StringView("username")).string(author.username);
    w.endObject();
    w.key(QLatin1StringView("userId")).string(m.userId);
    w.endObject();
}

QByteArray FlatJsonCodec::messageSent(const QJsonValue &clientId, const Message &m, const User &author, qint64 at)
{
    JsonWriter w(512 + m.content.size() * 3);
    w.beginObject();
    if (!clientId.isUndefined()) w.key(QLatin1StringView("client_id")).value(clientId);
    w.key(QLatin1StringView("data"));
    writeMessageData(w, m, author);
    w.key(QLatin1StringView("timestamp")).isoTime(at);
    w.key(QLatin1StringView("type")).string(u"message_sent");
    w.endObject();
    return w.take();
}

static QByteArray messageEvent(QStringView type, const ChatEvent &e)
{
    JsonWriter w(512 + e.message.content.size() * 3);
    w.beginObject();
    w.key(QLatin1StringView("data"));
    FlatJsonCodec::writeMessageData(w, e.message, e.actor);
    if (e.seq > 0) w.key(QLatin1StringView("seq")).integer(e.seq); // the event's, not the message's
    w.key(QLatin1StringView("timestamp")).isoTime(e.at);
    w.key(QLatin1StringView("type")).string(type);
    w.endObject();
    return w.take();
}

// Logged channel events carry their channel sequence number (resume).
static QByteArray withSeq(QJsonObject o, const ChatEvent &e)
{
    if (e.seq > 0) o.insert(QStringLiteral("seq"), e.seq);
    return compact(o);
}

QByteArray FlatJsonCodec::channelSynced(const QString &channelId, qint64 seq, bool recovered, const QString &reason)
{
    QJsonObject o{{"channel_id", channelId}, {"seq", seq}, {"recovered", recovered}};
    if (!recovered) o.insert(QStringLiteral("reason"), reason);
    return reply(QStringLiteral("channel_synced"), o);
}

QByteArray FlatJsonCodec::encodeEvent(const ChatEvent &e)
{
    using T = ChatEvent::Type;
    // The per-message events first, before anything else is built.
    if (e.type == T::MessageCreated) return messageEvent(u"new_message", e);
    if (e.type == T::MessageUpdated) return messageEvent(u"message_updated", e);
    const QString ts = Timestamp::toIso(e.at);
    switch (e.type) {
    case T::MessageCreated:
    case T::MessageUpdated: break; // above
    case T::MessageDeleted:
        return withSeq({{"type", "message_deleted"},
                        {"message_id", e.message.id},
                        {"channel_id", e.message.channelId},
                        {"timestamp", ts}},
                       e);
    case T::ReactionAdded:
    case T::ReactionRemoved:
        return withSeq({{"type", "message_reaction"},
                        {"message_id", e.reaction.messageId},
                        // Beyond the seed: whose sequence the seq belongs to.
                        {"channel_id", e.channel.id},
                        {"data", QJsonObject{{"emoji", e.reaction.emoji},
                                             {"user_id", e.actor.id},
                                             {"username", e.actor.username},
                                             {"action", e.type == T::ReactionAdded ? "add" : "remove"}}},
                        {"timestamp", ts}},
                       e);
    case T::TypingStarted:
    case T::TypingStopped:
        return compact({{"type", "typing_indicator"},
                        {"user_id", e.actor.id},
                        {"channel_id", e.channel.id},
                        {"is_typing", e.type == T::TypingStarted},
                        {"timestamp", ts}});
    case T::PresenceChanged:
        return compact({{"type", "user_status"}, {"user_id", e.actor.id}, {"status", e.status}, {"timestamp", ts}});
    case T::MemberJoined:
        return withSeq({{"type", "user_joined"},
                        {"user_id", e.subject.id},
                        {"channel_id", e.channel.id},
                        {"timestamp", ts}},
                       e);
    case T::MemberLeft:
        return withSeq({{"type", "user_left"},
                        {"user_id", e.subject.id},
                        {"channel_id", e.channel.id},
                        {"timestamp", ts}},
                       e);
    case T::Mention:
        return compact({{"type", "mention_notification"},
                        {"data", QJsonObject{{"message_id", e.message.id},
                                             {"channel_id", e.message.channelId},
                                             {"content", e.message.content},
                                             {"from_user_id", e.actor.id},
                                             {"from_username", e.actor.username}}},
                        {"timestamp", ts}});
    case T::MessageRead:
        return compact({{"type", "message_read"},
                        {"message_id", e.message.id},
                        {"channel_id", e.channel.id},
                        {"user_id", e.actor.id},
                        {"timestamp", ts}});
    case T::ThreadUpdated:
        return compact({{"type", "thread_updated"},
                        {"message_id", e.message.id},
                        {"channel_id", e.channel.id},
                        {"reply_count", e.message.replyCount},
                        {"last_reply_at", Timestamp::toIso(e.message.lastReplyAt)},
                        {"timestamp", ts}});
    case T::ChannelCreated:
    case T::ChannelUpdated:
        return compact({{"type", e.type == T::ChannelCreated ? "channel_created" : "channel_updated"},
                        {"data", e.channel.toJson()},
                        {"timestamp", ts}});
    case T::ChannelDeleted:
        return compact({{"type", "channel_deleted"}, {"channel_id", e.channel.id}, {"timestamp", ts}});
    case T::ThreadStarted:     // Phoenix only
    case T::ParticipantJoined: // seed 002 room participation: Socket.IO only
    case T::ParticipantLeft:
    case T::SystemMessage: break;
    }
    return QByteArray();
}

} // namespace switchboard
