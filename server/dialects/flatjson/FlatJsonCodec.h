#pragma once

#include "core/ChatEvent.h"
#include "core/CoreError.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace switchboard {

class JsonWriter;

// Pure codec of seed 004 ("Pythia"): flat {type, ...} JSON objects. No
// sockets, no state: text in, parsed command out; events in, bytes out.
class FlatJsonCodec
{
public:
    struct Command
    {
        QString type;
        QJsonObject fields;
        QString errorCode; // set when the frame is not a usable command
        QString errorMessage;
        bool ok() const { return errorCode.isEmpty(); }
    };

    static Command parse(const QString &text);

    // The frame every chat client sends most: {"type":"send_message",
    // "channel_id", "content"?, "client_id"?} with plain string values.
    struct SendMessageFrame
    {
        QString channelId;   // never empty
        QString content;     // null when absent
        QJsonValue clientId; // a string, or undefined when absent
    };
    // Reads that frame without building a QJsonObject. Returns false for
    // anything else (other types or keys, escapes, non-string values, duplicate
    // keys, malformed text): parse() handles it then, exactly as before. When it
    // returns true, parse() would give the same type and fields.
    static bool parseSendMessage(QStringView text, SendMessageFrame *out);

    // Server messages. encodeEvent() returns an empty array for events this
    // dialect has no message for.
    static QByteArray encodeEvent(const ChatEvent &e);
    static QByteArray error(const QString &code, const QString &message, const QString &details = QString());
    static QByteArray reply(const QString &type, QJsonObject fields);
    // The end of a join_channel replay: {channel_id, seq, recovered, reason?}.
    static QByteArray channelSynced(const QString &channelId, qint64 seq, bool recovered, const QString &reason);
    static QJsonObject messageData(const Message &m, const User &author);
    // The same object written straight to bytes (the per-message hot path);
    // byte for byte what QJsonDocument makes of messageData().
    static void writeMessageData(JsonWriter &w, const Message &m, const User &author);
    // {"client_id", "data", "timestamp", "type": "message_sent"}: the ack of send_message.
    // An undefined clientId is left out, as QJsonObject leaves it out.
    static QByteArray messageSent(const QJsonValue &clientId, const Message &m, const User &author, qint64 at);
    // One place that maps core errors to the seed's codes; fallback is the
    // command's own "<command>_error" code.
    static QString errorCodeFor(const CoreError &e, const QString &fallback);
};

} // namespace switchboard
