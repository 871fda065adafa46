// Socket.IO v5 packets (SocketIoCodec::decode): the text of an Engine.IO
// message, including binary packets with their placeholder attachments.
// What decodes must encode back to the same packet.
#include "dialects/socketio/SocketIoCodec.h"

#include "FuzzCheck.h"
#include "FuzzJson.h"

#include <cstddef>
#include <cstdint>

using namespace switchboard;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray utf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const SocketIoCodec::Result r = SocketIoCodec::decode(utf8);
    if (!r.ok()) {
        FUZZ_CHECK(!r.detail.isEmpty());
        return 0;
    }
    const SocketIoPacket &p = r.packet;
    FUZZ_CHECK(p.nsp.startsWith(u'/') && p.nsp.size() <= SocketIoCodec::MaxNamespaceLength);
    FUZZ_CHECK(p.id >= -1 && p.id <= SocketIoCodec::MaxAckId);
    FUZZ_CHECK(p.attachments >= 0 && p.attachments <= SocketIoCodec::MaxAttachments);
    if (p.type == SocketIoPacket::Event || p.type == SocketIoPacket::BinaryEvent)
        FUZZ_CHECK(!SocketIoCodec::isReservedEventName(p.eventName()));
    if (p.isBinary()) {
        // One placeholder per announced attachment, each naming a slot that
        // the attachments that follow will fill.
        QList<int> nums;
        FUZZ_CHECK(SocketIoCodec::collectPlaceholders(p.data, p.attachments, &nums));
        FUZZ_CHECK(nums.size() == p.attachments);
        for (int n : nums) FUZZ_CHECK(n >= 0 && n < p.attachments);
    } else {
        FUZZ_CHECK(p.attachments == 0);
    }
    const QByteArray encoded = SocketIoCodec::encode(p);
    FUZZ_CHECK(!encoded.contains(char(0x1e))); // would split a polling body
    const SocketIoCodec::Result again = SocketIoCodec::decode(encoded);
    FUZZ_CHECK(again.ok());
    // The packet's fields, its JSON compared as JSON (FuzzJson.h says why).
    FUZZ_CHECK(again.packet.type == p.type && again.packet.nsp == p.nsp && again.packet.id == p.id
               && again.packet.attachments == p.attachments && sameJson(again.packet.data, p.data));
    return 0;
}
