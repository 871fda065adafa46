#include "ChatProtocol.h"

#include <cstring>

namespace switchboard {

namespace {
const char kMarker[] = "sb-bench:";

bool contains(const char *data, size_t len, const char *needle)
{
    return memmem(data, len, needle, strlen(needle)) != nullptr;
}

bool startsWith(const char *data, size_t len, const char *prefix)
{
    const size_t n = strlen(prefix);
    return len >= n && memcmp(data, prefix, n) == 0;
}

std::string content(uint64_t seq, int64_t nowNs, size_t contentBytes)
{
    std::string c = kMarker + std::to_string(nowNs) + ":" + std::to_string(seq) + ":";
    if (c.size() < contentBytes) c.append(contentBytes - c.size(), 'x');
    return c;
}
// The string value of "key":"..." (first occurrence at or after 'from'), or empty.
std::string stringField(const char *data, size_t len, const char *key, const char *from = nullptr)
{
    const char *start = from ? from : data;
    const char *end = data + len;
    const std::string needle = std::string("\"") + key + "\":\"";
    const char *k = static_cast<const char *>(memmem(start, size_t(end - start), needle.data(), needle.size()));
    if (!k) return std::string();
    const char *v = k + needle.size();
    const char *q = static_cast<const char *>(memchr(v, '"', size_t(end - v)));
    return q ? std::string(v, size_t(q - v)) : std::string();
}
} // namespace

bool ChatProtocol::parseDialect(const std::string &name, Dialect *out)
{
    if (name == "flatjson")
        *out = Dialect::FlatJson;
    else if (name == "socketio")
        *out = Dialect::SocketIo;
    else
        return false;
    return true;
}

const char *ChatProtocol::name(Dialect d)
{
    return d == Dialect::FlatJson ? "flatjson" : "socketio";
}

std::string ChatProtocol::requestPath(Dialect d, const std::string &token)
{
    if (d == Dialect::FlatJson) return "/ws?token=" + token;
    return "/socket.io/?EIO=4&transport=websocket";
}

std::string ChatProtocol::authFrame(Dialect d, const std::string &token)
{
    if (d == Dialect::FlatJson) return std::string();
    return "40{\"token\":\"" + token + "\"}";
}

std::string ChatProtocol::joinFrame(Dialect d, const std::string &channel)
{
    if (d == Dialect::FlatJson) return "{\"type\":\"join_channel\",\"channel_id\":\"" + channel + "\"}";
    return "42[\"join_channel\",{\"channelId\":\"" + channel + "\"}]";
}

std::string ChatProtocol::publishFrame(Dialect d, const std::string &channel, uint64_t seq, int64_t nowNs,
                                       size_t contentBytes)
{
    const std::string c = content(seq, nowNs, contentBytes);
    if (d == Dialect::FlatJson)
        return "{\"type\":\"send_message\",\"channel_id\":\"" + channel + "\",\"content\":\"" + c
             + "\",\"client_id\":\"" + std::to_string(seq) + "\"}";
    // The ack id lets the server confirm after commit, like message_sent.
    return "42" + std::to_string(seq) + "[\"send_message\",{\"channelId\":\"" + channel + "\",\"content\":\"" + c
         + "\"}]";
}

std::string ChatProtocol::pongFrame(Dialect d)
{
    return d == Dialect::SocketIo ? std::string("3") : std::string();
}

std::string ChatProtocol::typingFrame(Dialect d, const std::string &channel)
{
    if (d != Dialect::FlatJson) return std::string();
    return "{\"type\":\"typing_indicator\",\"channel_id\":\"" + channel + "\",\"is_typing\":true}";
}

std::string ChatProtocol::readFrame(Dialect d, const std::string &channel, const std::string &messageId)
{
    if (d != Dialect::FlatJson || messageId.empty()) return std::string();
    (void)channel;
    return "{\"type\":\"mark_read\",\"message_id\":\"" + messageId + "\"}";
}

std::string ChatProtocol::reactionFrame(Dialect d, const std::string &channel, const std::string &messageId,
                                        const std::string &emoji)
{
    if (messageId.empty()) return std::string();
    if (d == Dialect::FlatJson)
        return "{\"type\":\"add_reaction\",\"message_id\":\"" + messageId + "\",\"emoji\":\"" + emoji + "\"}";
    return "42[\"add_reaction\",{\"messageId\":\"" + messageId + "\",\"emoji\":\"" + emoji + "\",\"channelId\":\""
         + channel + "\"}]";
}

std::string ChatProtocol::messageId(Dialect d, const char *data, size_t len)
{
    if (d == Dialect::FlatJson) {
        const char *at = static_cast<const char *>(memmem(data, len, "\"data\":", 7));
        return at ? stringField(data, len, "id", at) : std::string();
    }
    return stringField(data, len, "id");
}

std::string ChatProtocol::messageChannel(const char *data, size_t len)
{
    return stringField(data, len, "channelId");
}

int64_t ChatProtocol::markerTime(const char *data, size_t len)
{
    const char *m = static_cast<const char *>(memmem(data, len, kMarker, sizeof kMarker - 1));
    if (!m) return -1;
    const char *p = m + sizeof kMarker - 1;
    const char *end = data + len;
    int64_t v = 0;
    bool any = false;
    while (p < end && *p >= '0' && *p <= '9') {
        v = v * 10 + (*p - '0');
        ++p;
        any = true;
    }
    return any ? v : -1;
}

ChatProtocol::Incoming ChatProtocol::classify(Dialect d, const char *data, size_t len)
{
    Incoming in;
    if (d == Dialect::FlatJson) {
        if (contains(data, len, "\"type\":\"new_message\"")) {
            in.kind = Kind::Delivery;
            in.sentNs = markerTime(data, len);
        } else if (contains(data, len, "\"type\":\"message_sent\"")) {
            in.kind = Kind::Ack;
            in.sentNs = markerTime(data, len);
        } else if (contains(data, len, "\"type\":\"connection_established\"")) {
            in.kind = Kind::Ready;
        } else if (contains(data, len, "\"type\":\"channel_joined\"")) {
            in.kind = Kind::Joined;
        } else if (contains(data, len, "\"type\":\"error\"")) {
            in.kind = Kind::Error;
        } else if (contains(data, len, "\"type\":\"user_status\"")) {
            in.kind = Kind::Presence;
            in.userId = stringField(data, len, "user_id");
            in.online = stringField(data, len, "status") != "offline";
        }
        return in;
    }
    if (len == 0) return in;
    switch (data[0]) {
    case '0': in.kind = Kind::EngineOpen; return in;
    case '1': in.kind = Kind::Close; return in;
    case '2': in.kind = Kind::Ping; return in;
    case '4': break;
    default: return in;
    }
    if (len < 2) return in;
    switch (data[1]) {
    case '0': in.kind = Kind::Ready; break;
    case '1': in.kind = Kind::Close; break;
    case '4': in.kind = Kind::Error; break;
    case '3':
        in.kind = Kind::Ack;
        in.sentNs = markerTime(data, len);
        break;
    case '2':
        if (startsWith(data, len, "42[\"new_message\"")) {
            in.kind = Kind::Delivery;
            in.sentNs = markerTime(data, len);
        } else if (startsWith(data, len, "42[\"joined_channel\"")) {
            in.kind = Kind::Joined;
        } else if (startsWith(data, len, "42[\"error\"")) {
            in.kind = Kind::Error;
        } else if (startsWith(data, len, "42[\"user_status\"")) {
            in.kind = Kind::Presence;
            in.userId = stringField(data, len, "userId");
            in.online = stringField(data, len, "status") != "offline";
        }
        break;
    default: break;
    }
    return in;
}

} // namespace switchboard
