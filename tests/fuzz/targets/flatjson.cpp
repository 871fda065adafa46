// Flat JSON frames (seed 004): FlatJsonCodec::parse, and the fast path
// parseSendMessage checked against it: whenever the fast path accepts a
// frame, parse() must give the same type and fields (its documented promise).
#include "dialects/flatjson/FlatJsonCodec.h"

#include "FuzzCheck.h"

#include <cstddef>
#include <cstdint>

using namespace switchboard;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    // Sessions get valid UTF-8 only (the frame parser checks); see workspacejson.cpp.
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const FlatJsonCodec::Command c = FlatJsonCodec::parse(text);
    if (c.ok()) {
        FUZZ_CHECK(!c.type.isEmpty());
    } else {
        FUZZ_CHECK(!c.errorMessage.isEmpty());
        const QByteArray reply = FlatJsonCodec::error(c.errorCode, c.errorMessage);
        FUZZ_CHECK(reply.startsWith('{') && reply.endsWith('}'));
    }
    FlatJsonCodec::SendMessageFrame fast;
    if (!FlatJsonCodec::parseSendMessage(text, &fast)) return 0;
    FUZZ_CHECK(c.ok());
    FUZZ_CHECK(c.type == QLatin1String("send_message"));
    FUZZ_CHECK(!fast.channelId.isEmpty());
    FUZZ_CHECK(c.fields.value(QLatin1String("channel_id")) == QJsonValue(fast.channelId));
    const QJsonValue content = c.fields.value(QLatin1String("content"));
    FUZZ_CHECK(content.isUndefined() ? fast.content.isNull() : content == QJsonValue(fast.content));
    FUZZ_CHECK(c.fields.value(QLatin1String("client_id")) == fast.clientId);
    // No keys beyond the four the fast path knows.
    for (const QString &key : c.fields.keys())
        FUZZ_CHECK(key == QLatin1String("type") || key == QLatin1String("channel_id") || key == QLatin1String("content")
                   || key == QLatin1String("client_id"));
    return 0;
}
