#pragma once

#include "PhoenixDecodeResult.h"
#include "PhoenixMessage.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace switchboard {

// The two serializers phoenix.js can speak, chosen by the `vsn` query param.
enum class PhoenixSerializer {
    V1, // "1.0.0": {topic, event, payload, ref[, join_ref]}
    V2, // "2.0.0": [join_ref, ref, topic, event, payload] + binary frames
};

struct PhoenixCodecLimits
{
    qsizetype maxFrameBytes = 1024 * 1024;
    // Binary headers carry each field's length in one byte, so 255 is the
    // most any field can be on the wire; the same cap keeps text frames
    // from smuggling megabyte topics into logs and maps.
    int maxFieldBytes = 255;
};

// Pure Phoenix Channels codec: bytes <-> PhoenixMessage, no sockets, no
// QObject. Every decode returns a value; no input can make it crash.
class PhoenixCodec
{
public:
    // Binary frames have different layouts per direction (a server push
    // carries no ref), so the decoder/encoder must be told which side wrote.
    enum class Origin { Client, Server };

    explicit PhoenixCodec(PhoenixSerializer serializer = PhoenixSerializer::V2, PhoenixCodecLimits limits = {});

    // "1.0.0" -> V1, "2.0.0" -> V2, anything else -> nullopt (Phoenix
    // refuses the socket). A missing vsn is the caller's call (Phoenix: V1).
    static std::optional<PhoenixSerializer> serializerForVsn(const QString &vsn);

    PhoenixSerializer serializer() const { return m_serializer; }
    const PhoenixCodecLimits &limits() const { return m_limits; }

    PhoenixDecodeResult decodeText(const QByteArray &frame) const;
    PhoenixDecodeResult decodeBinary(const QByteArray &frame, Origin origin = Origin::Client) const;

    // JSON text in this codec's serializer. Binary payloads cannot travel
    // as text; such a message encodes its JSON payload (usually {}).
    QByteArray encodeText(const PhoenixMessage &message) const;
    // vsn 2.0.0 binary layout for `origin`; empty if a header field exceeds
    // 255 bytes or the message has no binary payload.
    static QByteArray encodeBinary(const PhoenixMessage &message, Origin origin = Origin::Server);

    // Builders for the frames a server sends.
    static PhoenixMessage reply(const std::optional<QString> &joinRef, const std::optional<QString> &ref,
                                const QString &topic, const QString &status, const QJsonObject &response = {});
    static PhoenixMessage heartbeatReply(const std::optional<QString> &ref);
    static PhoenixMessage push(const std::optional<QString> &joinRef, const QString &topic, const QString &event,
                               const QJsonObject &payload);
    static PhoenixMessage broadcast(const QString &topic, const QString &event, const QJsonObject &payload);
    // phx_error: the channel broke on the server; the client will rejoin.
    static PhoenixMessage channelError(const QString &joinRef, const QString &topic, const QString &reason = QString());
    // phx_close: the channel is gone for good; the client will not rejoin.
    static PhoenixMessage channelClose(const QString &joinRef, const QString &topic);

    static bool isValidUtf8(const char *data, qsizetype size);
    static QString errorName(PhoenixDecodeError error);

private:
    PhoenixDecodeResult decodeArray(const QByteArray &frame) const;
    PhoenixDecodeResult decodeObject(const QByteArray &frame) const;
    bool checkCommon(PhoenixDecodeResult &result) const;

    PhoenixSerializer m_serializer;
    PhoenixCodecLimits m_limits;
};

} // namespace switchboard
