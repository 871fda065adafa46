#include "PhoenixLongPollCodec.h"

#include "PhoenixCodec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace switchboard {

namespace {

PhoenixLongPollCodec::BatchResult batchError(PhoenixDecodeError error, const QString &detail)
{
    PhoenixLongPollCodec::BatchResult result;
    result.error = error;
    result.detail = detail;
    return result;
}

// JSON frames start with '[' (vsn 2) or '{' (vsn 1); base64 never does.
bool looksLikeJson(const QByteArray &line)
{
    for (char c : line) {
        if (c == ' ' || c == '\t') continue;
        return c == '[' || c == '{';
    }
    return false;
}

} // namespace

PhoenixLongPollCodec::BatchResult PhoenixLongPollCodec::splitBatch(const QByteArray &body, bool ndjson, int maxFrames,
                                                                   qsizetype maxFrameBytes)
{
    QList<QByteArray> lines;
    if (ndjson) {
        for (QByteArray line : body.split('\n')) {
            if (line.endsWith('\r')) line.chop(1);
            if (!line.isEmpty()) // a trailing newline is not a frame
                lines.append(line);
        }
    } else if (!body.isEmpty()) {
        lines.append(body);
    }
    if (lines.size() > maxFrames)
        return batchError(PhoenixDecodeError::FrameTooLarge,
                          QStringLiteral("batch of %1 frames exceeds the limit of %2")
                              .arg(lines.size())
                              .arg(maxFrames));

    BatchResult result;
    for (const QByteArray &line : std::as_const(lines)) {
        if (line.size() > maxFrameBytes * 4 / 3 + 4)
            return batchError(PhoenixDecodeError::FrameTooLarge, QStringLiteral("frame exceeds the size limit"));
        PostedFrame frame;
        if (looksLikeJson(line)) {
            frame.data = line;
        } else {
            auto decoded = QByteArray::fromBase64Encoding(line, QByteArray::AbortOnBase64DecodingErrors);
            if (!decoded)
                return batchError(PhoenixDecodeError::InvalidBase64,
                                  QStringLiteral("line is neither a JSON frame nor base64"));
            frame.binary = true;
            frame.data = decoded.decoded;
        }
        result.frames.append(frame);
    }
    return result;
}

QByteArray PhoenixLongPollCodec::pollResponse(int status, const QString &token, const QList<QByteArray> &frames)
{
    QJsonArray messages;
    for (const QByteArray &frame : frames) messages.append(QString::fromUtf8(frame));
    QJsonObject object{{QStringLiteral("status"), status}, {QStringLiteral("messages"), messages}};
    if (!token.isEmpty()) object.insert(QStringLiteral("token"), token);
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray PhoenixLongPollCodec::statusResponse(int status)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("status"), status}}).toJson(QJsonDocument::Compact);
}

} // namespace switchboard
