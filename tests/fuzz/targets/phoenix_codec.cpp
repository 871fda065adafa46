// PhoenixCodec, both serializers: text frames under vsn 1.0.0 and 2.0.0,
// binary frames (2.0.0) from either side. The first byte picks which; every
// frame that decodes must encode back to a frame that decodes to the same message.
#include "dialects/phoenix/PhoenixCodec.h"

#include "FuzzCheck.h"
#include "FuzzInput.h"
#include "FuzzJson.h"

#include <cstddef>
#include <cstdint>

using namespace switchboard;

namespace {
bool sameMessage(const PhoenixMessage &a, const PhoenixMessage &b)
{
    return a.joinRef == b.joinRef && a.ref == b.ref && a.topic == b.topic && a.event == b.event
        && sameJson(a.payload, b.payload) && a.binary == b.binary;
}

void checkResult(const PhoenixDecodeResult &r)
{
    if (!r.ok()) {
        FUZZ_CHECK(!r.detail.isEmpty());
        FUZZ_CHECK(!PhoenixCodec::errorName(r.error).isEmpty());
    }
}

void textFrame(const PhoenixCodec &codec, const QByteArray &frame)
{
    const PhoenixDecodeResult r = codec.decodeText(frame);
    checkResult(r);
    if (!r.ok()) return;
    FUZZ_CHECK(!r.message.topic.isEmpty() && !r.message.event.isEmpty() && !r.message.isBinary());
    const PhoenixDecodeResult again = codec.decodeText(codec.encodeText(r.message));
    FUZZ_CHECK(again.ok());
    PhoenixMessage expected = r.message;
    // Phoenix's V1 serializer never writes join_ref (PhoenixCodec::encodeText).
    if (codec.serializer() == PhoenixSerializer::V1) expected.joinRef.reset();
    FUZZ_CHECK(sameMessage(again.message, expected));
}

void binaryFrame(const PhoenixCodec &codec, const QByteArray &frame, PhoenixCodec::Origin origin)
{
    const PhoenixDecodeResult r = codec.decodeBinary(frame, origin);
    checkResult(r);
    if (!r.ok()) return;
    FUZZ_CHECK(r.message.isBinary());
    const QByteArray encoded = PhoenixCodec::encodeBinary(r.message, origin);
    FUZZ_CHECK(!encoded.isEmpty());
    const PhoenixDecodeResult again = codec.decodeBinary(encoded, origin);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(sameMessage(again.message, r.message));
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const PhoenixCodec v1(PhoenixSerializer::V1);
    static const PhoenixCodec v2(PhoenixSerializer::V2);
    FuzzInput in(data, size);
    const uint8_t mode = in.takeByte();
    const QByteArray frame = in.rest();
    switch (mode % 5) {
    case 0: textFrame(v1, frame); break;
    case 1: textFrame(v2, frame); break;
    case 2: binaryFrame(v2, frame, PhoenixCodec::Origin::Client); break;
    case 3: binaryFrame(v2, frame, PhoenixCodec::Origin::Server); break;
    default: FUZZ_CHECK(v1.decodeBinary(frame).error == PhoenixDecodeError::BinaryNotAllowed); break;
    }
    return 0;
}
