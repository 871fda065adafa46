// The phoenix.js LongPoll POST body: PhoenixLongPollCodec::splitBatch, then
// every frame through the codec as the long-poll session does (text frames as
// JSON text, base64 lines as binary frames). The first byte picks the
// Content-Type (ndjson or not) and the serializer.
#include "dialects/phoenix/PhoenixCodec.h"
#include "dialects/phoenix/PhoenixLongPollCodec.h"

#include "FuzzCheck.h"
#include "FuzzInput.h"

#include <cstddef>
#include <cstdint>

using namespace switchboard;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const PhoenixCodec v1(PhoenixSerializer::V1);
    static const PhoenixCodec v2(PhoenixSerializer::V2);
    FuzzInput in(data, size);
    const uint8_t mode = in.takeByte();
    const bool ndjson = mode & 1;
    const PhoenixCodec &codec = (mode & 2) ? v2 : v1;
    const int maxFrames = (mode & 4) ? 3 : 100;
    const QByteArray body = in.rest();

    const PhoenixLongPollCodec::BatchResult batch = PhoenixLongPollCodec::splitBatch(body, ndjson, maxFrames, 4096);
    if (!batch.ok()) {
        FUZZ_CHECK(!batch.detail.isEmpty());
        return 0;
    }
    FUZZ_CHECK(batch.frames.size() <= maxFrames);
    if (!ndjson) FUZZ_CHECK(batch.frames.size() <= 1);
    for (const PhoenixLongPollCodec::PostedFrame &frame : batch.frames) {
        // The limit is checked on the line, before base64 decoding.
        FUZZ_CHECK(frame.data.size() <= 4096 * 4 / 3 + 4);
        const PhoenixDecodeResult r = frame.binary ? codec.decodeBinary(frame.data) : codec.decodeText(frame.data);
        if (!r.ok()) FUZZ_CHECK(!r.detail.isEmpty());
    }
    // The answers the endpoint builds from what it read are valid JSON.
    QList<QByteArray> frames;
    for (const PhoenixLongPollCodec::PostedFrame &frame : batch.frames)
        if (!frame.binary) frames.append(frame.data);
    const QByteArray response = PhoenixLongPollCodec::pollResponse(200, QStringLiteral("t"), frames);
    FUZZ_CHECK(response.startsWith('{') && response.endsWith('}'));
    return 0;
}
