// Engine.IO v4 framing (EngineIoCodec): WebSocket text and binary frames,
// polling records and whole polling bodies. The first byte picks which.
// Whatever decodes must encode back to bytes that decode to the same packets.
#include "dialects/socketio/EngineIoCodec.h"

#include "FuzzCheck.h"
#include "FuzzInput.h"

#include <cstddef>
#include <cstdint>

using namespace switchboard;

namespace {
void textFrame(const QByteArray &frame)
{
    const EngineIoCodec::PacketResult r = EngineIoCodec::decodeText(frame);
    if (!r.ok()) {
        FUZZ_CHECK(!EngineIoCodec::errorString(r.error).isEmpty());
        return;
    }
    FUZZ_CHECK(!r.packet.binary);
    const EngineIoCodec::PacketResult again = EngineIoCodec::decodeText(EngineIoCodec::encodeFrame(r.packet));
    FUZZ_CHECK(again.ok() && again.packet == r.packet);
    if (r.packet.type == EngineIoPacket::Open) (void)EngineIoCodec::decodeOpen(r.packet);
}

void binaryFrame(const QByteArray &frame)
{
    const EngineIoPacket p = EngineIoCodec::decodeBinaryFrame(frame);
    FUZZ_CHECK(p.binary && p.type == EngineIoPacket::Message && p.data == frame);
    FUZZ_CHECK(EngineIoCodec::encodeFrame(p) == frame);
}

void record(const QByteArray &bytes)
{
    const EngineIoCodec::PacketResult r = EngineIoCodec::decodeRecord(bytes);
    if (!r.ok()) return;
    const EngineIoCodec::PacketResult again = EngineIoCodec::decodeRecord(EngineIoCodec::encodeRecord(r.packet));
    FUZZ_CHECK(again.ok() && again.packet == r.packet);
}

void payload(const QByteArray &body, int maxPackets)
{
    const EngineIoCodec::PayloadResult r = EngineIoCodec::decodePayload(body, maxPackets);
    if (!r.ok()) {
        FUZZ_CHECK(r.packets.isEmpty() || r.failedRecord >= 0);
        return;
    }
    FUZZ_CHECK(!r.packets.isEmpty() && r.packets.size() <= maxPackets);
    // No record holds the separator: the body splits back into the same records.
    const QByteArray encoded = EngineIoCodec::encodePayload(r.packets);
    const EngineIoCodec::PayloadResult again = EngineIoCodec::decodePayload(encoded, maxPackets);
    FUZZ_CHECK(again.ok() && again.packets == r.packets);
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzInput in(data, size);
    const uint8_t mode = in.takeByte();
    const QByteArray bytes = in.rest();
    switch (mode % 4) {
    case 0: textFrame(bytes); break;
    case 1: binaryFrame(bytes); break;
    case 2: record(bytes); break;
    default: payload(bytes, (mode & 4) ? 3 : EngineIoCodec::DefaultMaxPackets); break;
    }
    return 0;
}
