#pragma once

#include "PhoenixDecodeResult.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace switchboard {

// Pure framing of the phoenix.js LongPoll transport (docs/api/phoenix.md#long-poll):
// every answer is HTTP 200 with {status, token, messages}, where each
// message is one already-encoded frame carried as a JSON string; POST
// bodies carry up to 100 frames, one per line, binary ones base64-encoded.
class PhoenixLongPollCodec
{
public:
    struct PostedFrame
    {
        bool binary = false;
        QByteArray data;
    };

    struct BatchResult
    {
        PhoenixDecodeError error = PhoenixDecodeError::None;
        QString detail;
        QList<PostedFrame> frames;
        bool ok() const { return error == PhoenixDecodeError::None; }
    };

    // `ndjson`: the request's Content-Type was application/x-ndjson; old
    // clients POST exactly one frame without it.
    static BatchResult splitBatch(const QByteArray &body, bool ndjson, int maxFrames = 100,
                                  qsizetype maxFrameBytes = 1024 * 1024);

    // {"status":S,"token":T,"messages":[...]}; token omitted when empty.
    static QByteArray pollResponse(int status, const QString &token, const QList<QByteArray> &frames = {});
    // {"status":S} for POST acknowledgements and refusals.
    static QByteArray statusResponse(int status);
};

} // namespace switchboard
