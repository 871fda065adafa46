// Workspace JSON frames (seed 003): WorkspaceJsonCodec::parse on the text of a
// WebSocket text frame, then the typing fields as the session reads them.
#include "dialects/workspacejson/WorkspaceJsonCodec.h"

#include "FuzzCheck.h"

#include <cstddef>
#include <cstdint>

using namespace switchboard;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    // The frame parser hands sessions valid UTF-8 only; fromUtf8 keeps the
    // fuzzer's invalid bytes usable (as U+FFFD) instead of wasting them.
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const WorkspaceJsonCodec::Command c = WorkspaceJsonCodec::parse(text);
    if (!c.ok()) {
        FUZZ_CHECK(!c.errorMessage.isEmpty());
        FUZZ_CHECK(WorkspaceJsonCodec::closeCodeFor(c.errorCode) >= 4000);
        // The error frame the session sends back is one JSON object.
        const QByteArray reply = WorkspaceJsonCodec::error(c.errorCode, c.errorMessage, QStringLiteral("w"), 0);
        FUZZ_CHECK(reply.startsWith('{') && reply.endsWith('}'));
        return 0;
    }
    FUZZ_CHECK(!c.type.isEmpty());
    FUZZ_CHECK(c.fields.value(QLatin1String("type")).toString() == c.type);
    const WorkspaceJsonCodec::Typing t = WorkspaceJsonCodec::parseTyping(c.fields);
    if (t.ok())
        FUZZ_CHECK(!t.channelId.isEmpty());
    else
        FUZZ_CHECK(!t.errorMessage.isEmpty());
    return 0;
}
