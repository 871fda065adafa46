#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace switchboard {

// The two wire dialects the generator speaks, reduced to what the scenarios
// need: authenticate, join a room, publish, recognise deliveries and acks.
// - flatjson: /ws?token=JWT, {"type":"join_channel"} -> channel_joined,
//   {"type":"send_message"} -> message_sent (after commit) + new_message.
// - socketio: Engine.IO v4 over a WebSocket, Socket.IO v5 namespace "/"
//   (seed 001): 40{"token"} -> 40{sid}, 42["join_channel"] -> joined_channel,
//   42<id>["send_message"] -> 43<id>[...] + 42["new_message",...].
// Every published message carries "sb-bench:<send time ns>:" in its content,
// so any receiver can compute the end-to-end latency.
class ChatProtocol
{
public:
    enum class Dialect { FlatJson, SocketIo };
    enum class Kind { Other, EngineOpen, Ready, Joined, Delivery, Ack, Ping, Error, Close, Presence };
    struct Incoming
    {
        Kind kind = Kind::Other;
        int64_t sentNs = -1; // from the bench marker, when present
        // Presence: user_status {user_id, status} (flatjson) or 42["user_status",{userId,status}]
        // (the Socket.IO peer's extension event; Switchboard's seed 001 dialect has no presence).
        std::string userId;
        bool online = false;
    };

    static bool parseDialect(const std::string &name, Dialect *out);
    static const char *name(Dialect d);

    static std::string requestPath(Dialect d, const std::string &token);
    // Sent once the WebSocket is up (socketio: after the Engine.IO open packet); may be empty.
    static std::string authFrame(Dialect d, const std::string &token);
    static std::string joinFrame(Dialect d, const std::string &channel);
    static std::string publishFrame(Dialect d, const std::string &channel, uint64_t seq, int64_t nowNs,
                                    size_t contentBytes);
    static std::string pongFrame(Dialect d);
    // Workspace activity; empty when the dialect has no form for it (seed 001 has no typing or read receipts).
    static std::string typingFrame(Dialect d, const std::string &channel);
    static std::string readFrame(Dialect d, const std::string &channel, const std::string &messageId);
    static std::string reactionFrame(Dialect d, const std::string &channel, const std::string &messageId,
                                     const std::string &emoji);
    // The message id of a delivery (new_message), or empty.
    static std::string messageId(Dialect d, const char *data, size_t len);
    // The channel id of a delivery's message object ("channelId"), or empty.
    static std::string messageChannel(const char *data, size_t len);

    static Incoming classify(Dialect d, const char *data, size_t len);

    // Reads the send time out of "sb-bench:<ns>:" anywhere in data.
    static int64_t markerTime(const char *data, size_t len);
};

} // namespace switchboard
