#pragma once

#include "EngineIoHandshake.h"
#include "EngineIoPacket.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace switchboard {

// Engine.IO v4 wire format (engine.io-protocol v4): pure functions on bytes.
//
// WebSocket: one packet per frame. A text frame is "<digit><data>"; a binary
// frame is a message packet with raw bytes and no prefix.
// Polling: packets joined by the record separator \x1e; binary packets are
// "b" + base64 and the body stays text.
namespace EngineIoCodec {

enum class Error {
    None,
    EmptyPacket,   // zero-length text packet or polling record
    UnknownType,   // first character is not 0-6 (or 'b' in polling)
    InvalidUtf8,   // text packet or polling body is not valid UTF-8
    InvalidBase64, // 'b' record with a malformed base64 body
    EmptyPayload,  // polling body with no bytes at all
    TooManyPackets // polling body with more records than the caller allows
};

QString errorString(Error e);

struct PacketResult
{
    Error error = Error::None;
    EngineIoPacket packet;
    bool ok() const { return error == Error::None; }
};

struct PayloadResult
{
    Error error = Error::None;
    int failedRecord = -1; // index of the offending record, for diagnostics
    QList<EngineIoPacket> packets;
    bool ok() const { return error == Error::None; }
};

// The record separator; JSON encoders must never emit it raw.
constexpr char RecordSeparator = '\x1e';
// Upper bound on records in one POST; the reference client batches far fewer.
constexpr int DefaultMaxPackets = 10000;

// A WebSocket text frame (UTF-8 bytes).
PacketResult decodeText(const QByteArray &frame);
// A WebSocket binary frame: always a binary message packet.
EngineIoPacket decodeBinaryFrame(const QByteArray &frame);
// For a WebSocket frame: text packets become "<digit><data>", binary packets
// their raw bytes (send them as a binary frame).
QByteArray encodeFrame(const EngineIoPacket &packet);

// One record of a polling body: text as above, binary as "b"+base64.
PacketResult decodeRecord(const QByteArray &record);
QByteArray encodeRecord(const EngineIoPacket &packet);

// A whole polling body. Fails as a whole on the first bad record, because the
// reference server closes the session on any parse error.
PayloadResult decodePayload(const QByteArray &body, int maxPackets = DefaultMaxPackets);
QByteArray encodePayload(const QList<EngineIoPacket> &packets);

// The `open` packet: "0" + handshake JSON.
QByteArray encodeOpen(const EngineIoHandshake &handshake);
std::optional<EngineIoHandshake> decodeOpen(const EngineIoPacket &packet);

bool isValidUtf8(const QByteArray &bytes);

} // namespace EngineIoCodec

} // namespace switchboard
