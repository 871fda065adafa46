#include "EngineIoCodec.h"

#include <QStringDecoder>

namespace switchboard {

namespace EngineIoCodec {

QString errorString(Error e)
{
    switch (e) {
    case Error::None: return QStringLiteral("no error");
    case Error::EmptyPacket: return QStringLiteral("empty Engine.IO packet");
    case Error::UnknownType: return QStringLiteral("unknown Engine.IO packet type");
    case Error::InvalidUtf8: return QStringLiteral("Engine.IO packet is not valid UTF-8");
    case Error::InvalidBase64: return QStringLiteral("invalid base64 in binary Engine.IO packet");
    case Error::EmptyPayload: return QStringLiteral("empty Engine.IO payload");
    case Error::TooManyPackets: return QStringLiteral("too many packets in one Engine.IO payload");
    }
    return QStringLiteral("unknown error");
}

bool isValidUtf8(const QByteArray &bytes)
{
    // Fast path: pure ASCII is the common case (JSON with escaped non-ASCII).
    bool ascii = true;
    for (char c : bytes) {
        if (static_cast<unsigned char>(c) >= 0x80) {
            ascii = false;
            break;
        }
    }
    if (ascii) return true;
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString unused = decoder.decode(bytes);
    Q_UNUSED(unused);
    return !decoder.hasError();
}

PacketResult decodeText(const QByteArray &frame)
{
    PacketResult r;
    if (frame.isEmpty()) {
        r.error = Error::EmptyPacket;
        return r;
    }
    const char t = frame.at(0);
    if (t < '0' || t > '6') {
        r.error = Error::UnknownType;
        return r;
    }
    if (!isValidUtf8(frame)) {
        r.error = Error::InvalidUtf8;
        return r;
    }
    r.packet.type = static_cast<EngineIoPacket::Type>(t - '0');
    r.packet.data = frame.mid(1);
    r.packet.binary = false;
    return r;
}

EngineIoPacket decodeBinaryFrame(const QByteArray &frame)
{
    return EngineIoPacket::binaryMessage(frame);
}

QByteArray encodeFrame(const EngineIoPacket &packet)
{
    if (packet.binary) return packet.data;
    QByteArray out;
    out.reserve(packet.data.size() + 1);
    out.append(char('0' + int(packet.type)));
    out.append(packet.data);
    return out;
}

PacketResult decodeRecord(const QByteArray &record)
{
    if (!record.isEmpty() && record.at(0) == 'b') {
        PacketResult r;
        const auto decoded = QByteArray::fromBase64Encoding(record.mid(1), QByteArray::AbortOnBase64DecodingErrors);
        if (decoded.decodingStatus != QByteArray::Base64DecodingStatus::Ok) {
            r.error = Error::InvalidBase64;
            return r;
        }
        r.packet = EngineIoPacket::binaryMessage(decoded.decoded);
        return r;
    }
    return decodeText(record);
}

QByteArray encodeRecord(const EngineIoPacket &packet)
{
    if (packet.binary) return QByteArray("b") + packet.data.toBase64();
    return encodeFrame(packet);
}

PayloadResult decodePayload(const QByteArray &body, int maxPackets)
{
    PayloadResult r;
    if (body.isEmpty()) {
        r.error = Error::EmptyPayload;
        return r;
    }
    qsizetype start = 0;
    int index = 0;
    while (start <= body.size()) {
        if (index >= maxPackets) {
            r.error = Error::TooManyPackets;
            r.failedRecord = index;
            r.packets.clear();
            return r;
        }
        qsizetype end = body.indexOf(RecordSeparator, start);
        if (end < 0) end = body.size();
        PacketResult one = decodeRecord(body.mid(start, end - start));
        if (!one.ok()) {
            r.error = one.error;
            r.failedRecord = index;
            r.packets.clear();
            return r;
        }
        r.packets.append(one.packet);
        ++index;
        start = end + 1;
    }
    return r;
}

QByteArray encodePayload(const QList<EngineIoPacket> &packets)
{
    QByteArray out;
    for (int i = 0; i < packets.size(); ++i) {
        if (i) out.append(RecordSeparator);
        out.append(encodeRecord(packets.at(i)));
    }
    return out;
}

QByteArray encodeOpen(const EngineIoHandshake &handshake)
{
    return QByteArray("0") + handshake.toJson();
}

std::optional<EngineIoHandshake> decodeOpen(const EngineIoPacket &packet)
{
    if (packet.type != EngineIoPacket::Open || packet.binary) return std::nullopt;
    return EngineIoHandshake::fromJson(packet.data);
}

} // namespace EngineIoCodec

} // namespace switchboard
