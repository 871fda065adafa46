#pragma once

#include "Channel.h"
#include "Message.h"
#include "Reaction.h"
#include "User.h"

#include <QByteArray>
#include <QHash>

#include <functional>
#include <memory>

namespace switchboard {

// A committed domain event, published once to the topics that may see it and
// shared (read-only) by every session that receives it. Sessions encode it in
// their dialect; encodedFor() caches one encoding per dialect variant, so a
// broadcast to 10,000 sockets encodes once, not 10,000 times.
struct ChatEvent
{
    enum class Type {
        MessageCreated,
        MessageUpdated,
        MessageDeleted,
        ReactionAdded,
        ReactionRemoved,
        TypingStarted,
        TypingStopped,
        PresenceChanged,
        MemberJoined,
        MemberLeft,
        ChannelCreated,
        ChannelUpdated,
        ChannelDeleted,
        MessageRead,
        ThreadUpdated,
        Mention,
        SystemMessage,
        // Room participation (seed 002): a user's first session entered the
        // channel's room, or their last one left it. Ephemeral, like presence.
        ParticipantJoined,
        ParticipantLeft,
        // Someone started a thread on e.message (threads exist implicitly in
        // the core, so this is news, not a fact). Ephemeral, like typing.
        ThreadStarted,
    };

    Type type = Type::MessageCreated;
    qint64 at = 0;         // ms since epoch
    Channel channel;       // the channel concerned (empty for presence)
    Message message;       // the message; for ThreadUpdated and Mention the relevant one
    Message replyTo;       // quoted message, when message.replyToId is set
    Message forwardedFrom; // original, when message.forwardedFromId is set
    Reaction reaction;
    User actor;              // who acted: author, reactor, typist, the user whose presence changed
    User subject;            // member events: who joined or left; Mention: who was mentioned
    QString status;          // presence: online, away, busy, offline
    QString originSessionId; // the session that caused it, if any (for echo suppression)
    // Channel events that are logged (message created/edited/deleted, reaction
    // added/removed, member joined/left): the channel's sequence number, gapless
    // per channel, and the global log position (gid). 0 for everything else.
    qint64 seq = 0;
    qint64 gid = 0;
    bool replayed = false; // read back from the log for a resuming client, not live

    // Stable name for logs, metrics and the admin traffic view.
    static const char *typeName(Type t)
    {
        switch (t) {
        case Type::MessageCreated: return "message.created";
        case Type::MessageUpdated: return "message.updated";
        case Type::MessageDeleted: return "message.deleted";
        case Type::ReactionAdded: return "reaction.added";
        case Type::ReactionRemoved: return "reaction.removed";
        case Type::TypingStarted: return "typing.started";
        case Type::TypingStopped: return "typing.stopped";
        case Type::PresenceChanged: return "presence.changed";
        case Type::MemberJoined: return "member.joined";
        case Type::MemberLeft: return "member.left";
        case Type::ChannelCreated: return "channel.created";
        case Type::ChannelUpdated: return "channel.updated";
        case Type::ChannelDeleted: return "channel.deleted";
        case Type::MessageRead: return "message.read";
        case Type::ThreadUpdated: return "thread.updated";
        case Type::Mention: return "mention";
        case Type::SystemMessage: return "system";
        case Type::ParticipantJoined: return "participant.joined";
        case Type::ParticipantLeft: return "participant.left";
        case Type::ThreadStarted: return "thread.started";
        }
        return "unknown";
    }

    // The inverse of typeName (the log stores names).
    static bool typeFromName(const QString &name, Type *out)
    {
        for (int t = 0; t <= int(Type::ThreadStarted); ++t)
            if (name == QLatin1String(typeName(Type(t)))) {
                *out = Type(t);
                return true;
            }
        return false;
    }

    const QByteArray &encodedFor(const QByteArray &key, const std::function<QByteArray()> &encode) const
    {
        auto it = m_encoded.find(key);
        if (it == m_encoded.end()) it = m_encoded.insert(key, encode());
        return it.value();
    }

private:
    mutable QHash<QByteArray, QByteArray> m_encoded;
};

using ChatEventPtr = std::shared_ptr<const ChatEvent>;

} // namespace switchboard
