// WebSocketFrameParser with the input split at fuzzer-chosen points (as
// uWebSockets' fuzzers do): the first byte says how many splits, the next
// bytes where. The messages, their order and the final error must be the same
// as when the whole input arrives at once.
#include "net/WebSocketFrameParser.h"

#include "FuzzCheck.h"
#include "FuzzInput.h"

#include <QList>

#include <algorithm>
#include <cstddef>
#include <cstdint>

using namespace switchboard;

namespace {
struct Run
{
    QList<WebSocketFrameParser::Message> messages;
    bool error = false;
    int errorCode = 0;
    qsizetype consumed = 0; // bytes the parser used, over all calls
};

// Feeds `chunks` the way WebSocketConnection does: the unused tail of one call
// is kept and handed back, followed by the next chunk.
Run feedChunks(const QByteArray &bytes, const QList<qsizetype> &cuts, qint64 maxMessageBytes)
{
    Run run;
    WebSocketFrameParser parser(maxMessageBytes);
    const auto sink = [&run](WebSocketFrameParser::Message &&m) {
        run.messages.append(std::move(m));
        return true;
    };
    QByteArray pending;
    qsizetype from = 0;
    QList<qsizetype> ends = cuts;
    ends.append(bytes.size());
    for (qsizetype to : ends) {
        pending.append(bytes.mid(from, to - from));
        from = to;
        const qsizetype used = parser.feed(pending.constData(), pending.size(), sink);
        FUZZ_CHECK(used >= 0 && used <= pending.size());
        run.consumed += used;
        pending.remove(0, used);
        if (parser.hasError()) break;
        FUZZ_CHECK(parser.pendingMessageBytes() <= maxMessageBytes);
    }
    run.error = parser.hasError();
    run.errorCode = parser.errorCode();
    if (run.error) FUZZ_CHECK(!parser.errorString().isEmpty());
    return run;
}

bool sameMessage(const WebSocketFrameParser::Message &a, const WebSocketFrameParser::Message &b)
{
    return a.kind == b.kind && a.text == b.text && a.data == b.data && a.closeCode == b.closeCode;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzInput in(data, size);
    // A small limit too, so the size checks are reached by small inputs.
    const qint64 maxMessageBytes = (in.takeByte() & 1) ? 64 : 1024 * 1024;
    const int splits = in.takeByte() % 8;
    QList<qsizetype> positions;
    for (int i = 0; i < splits; ++i) positions.append(in.takeUint16());
    const QByteArray bytes = in.rest();
    QList<qsizetype> cuts;
    for (qsizetype p : positions) cuts.append(bytes.isEmpty() ? 0 : p % (bytes.size() + 1));
    std::sort(cuts.begin(), cuts.end());

    const Run whole = feedChunks(bytes, {}, maxMessageBytes);
    const Run split = feedChunks(bytes, cuts, maxMessageBytes);
    FUZZ_CHECK(whole.error == split.error);
    FUZZ_CHECK(whole.errorCode == split.errorCode);
    FUZZ_CHECK(whole.messages.size() == split.messages.size());
    for (qsizetype i = 0; i < whole.messages.size(); ++i) FUZZ_CHECK(sameMessage(whole.messages[i], split.messages[i]));
    if (!whole.error) FUZZ_CHECK(whole.consumed == split.consumed);
    for (const WebSocketFrameParser::Message &m : whole.messages) {
        if (m.kind == WebSocketFrameParser::Message::Kind::Text
            || m.kind == WebSocketFrameParser::Message::Kind::Binary)
            FUZZ_CHECK(m.text.size() + m.data.size() <= maxMessageBytes);
        if (m.kind == WebSocketFrameParser::Message::Kind::Ping || m.kind == WebSocketFrameParser::Message::Kind::Pong)
            FUZZ_CHECK(m.data.size() <= 125); // RFC 6455 5.5: control payloads are short
    }
    return 0;
}
