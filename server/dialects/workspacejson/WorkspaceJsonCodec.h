#pragma once

#include "core/ChatEvent.h"
#include "core/CoreError.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace switchboard {

// Pure codec of seed 003 (workspace JSON, /ws/{workspace_id}): every frame is
// the envelope {type, data, workspace_id, timestamp}. No sockets, no state:
// text in, parsed command out; events in, bytes out.
class WorkspaceJsonCodec
{
public:
    // Error codes. The first four are the seed's; the rest name bad input the
    // seed does not cover, in the seed's style (README.md).
    static constexpr const char *InvalidToken = "INVALID_TOKEN";
    static constexpr const char *Unauthorized = "UNAUTHORIZED";
    static constexpr const char *RateLimited = "RATE_LIMITED";
    static constexpr const char *InternalError = "INTERNAL_ERROR";
    static constexpr const char *Unavailable = "UNAVAILABLE";
    static constexpr const char *InvalidJson = "INVALID_JSON";
    static constexpr const char *UnknownEventType = "UNKNOWN_EVENT_TYPE";
    static constexpr const char *InvalidRequest = "INVALID_REQUEST";
    static constexpr const char *NotFound = "NOT_FOUND";
    static constexpr const char *MessageTooLarge = "MESSAGE_TOO_LARGE";
    static constexpr const char *Conflict = "CONFLICT";

    struct Command
    {
        QString type;
        QJsonObject fields;
        QString errorCode; // set when the frame is not a usable command
        QString errorMessage;
        bool ok() const { return errorCode.isEmpty(); }
    };

    struct Typing
    {
        QString channelId;
        bool isTyping = true;
        QString errorCode;
        QString errorMessage;
        bool ok() const { return errorCode.isEmpty(); }
    };

    struct Sync
    {
        QString channelId;
        qint64 lastSeq = 0;
        QString errorCode;
        QString errorMessage;
        bool ok() const { return errorCode.isEmpty(); }
    };

    static Command parse(const QString &text);
    // channel.sync: {"data": {"channel_id", "last_seq"}} (top-level fields are understood too).
    static Sync parseSync(const QJsonObject &fields);
    // The end of a channel.sync replay: data {channel_id, seq, recovered, reason?}.
    static QByteArray channelSynced(const QString &channelId, qint64 seq, bool recovered, const QString &reason,
                                    const QString &workspaceId, qint64 atMs);
    // The seed puts channel_id and is_typing at the top level; a client that
    // wraps them in "data" like the server's events is understood too.
    static Typing parseTyping(const QJsonObject &fields);

    // One envelope; atMs is the event's time.
    static QByteArray envelope(const QString &type, const QJsonObject &data, const QString &workspaceId, qint64 atMs);
    static QByteArray pong(const QString &workspaceId, qint64 atMs);
    static QByteArray error(const QString &code, const QString &message, const QString &workspaceId, qint64 atMs);

    // The server event for a core event as seen from workspaceId, or an empty
    // array for events the seed has no message for (mentions, read receipts).
    static QByteArray encodeEvent(const ChatEvent &e, const QString &workspaceId);
    // Seed type name ("message.new", ...), empty when the seed has none.
    static QString eventType(ChatEvent::Type type);
    // message.new data, exactly the seed's fields.
    static QJsonObject messageData(const Message &m);
    // The seed knows online, away and offline; "busy" is shown as away.
    static QString presenceStatus(const QString &coreStatus);

    // The one place that maps core errors to the seed's codes.
    static QString errorCodeFor(const CoreError &e);
    // The message shown for a core error (internal details stay in the log).
    static QString errorMessageFor(const CoreError &e);
    // The 4xxx close code sent when an error ends the connection: 4001
    // INVALID_TOKEN, 4003 UNAUTHORIZED, 4029 RATE_LIMITED, 4500 otherwise.
    static quint16 closeCodeFor(const QString &errorCode);
};

} // namespace switchboard
