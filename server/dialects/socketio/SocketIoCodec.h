#pragma once

#include "SocketIoPacket.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace switchboard {

// Socket.IO v5 packet format (socket.io-protocol, "Packet encoding"):
//   <type>[<#attachments>-][<nsp>,][<ack id>][<JSON payload>]
// Pure functions; the decoder is stricter than the reference parser so that a
// session only ever sees packets it can act on.
namespace SocketIoCodec {

enum class Error {
    None,
    EmptyPacket,
    InvalidUtf8,
    UnknownType,        // first character is not 0-6
    BadAttachmentCount, // binary packet without "<digits>-" or with junk in it
    TooManyAttachments, // more attachments than the decoder accepts
    BadNamespace,       // namespace with forbidden characters or too long
    BadAckId,           // ack id out of range, or present where not allowed
    MissingAckId,       // ACK / BINARY_ACK without an id
    InvalidJson,        // payload is not exactly one JSON value
    InvalidPayload,     // JSON of the wrong shape for the packet type
    ReservedEventName,  // "connect", "disconnect", ... used as an event name
    BadPlaceholder      // binary placeholder malformed or its num out of range
};

QString errorString(Error e);

struct Result
{
    Error error = Error::None;
    QString detail; // human-readable, safe to send back to a client
    SocketIoPacket packet;
    bool ok() const { return error == Error::None; }
};

constexpr int MaxAttachments = 10; // same limit as the official client decoder
constexpr int MaxNamespaceLength = 256;
constexpr qint64 MaxAckId = 9007199254740991LL; // 2^53 - 1: exact in a JS number

Result decode(const QByteArray &utf8);
QByteArray encode(const SocketIoPacket &packet);

// The reserved event names no EVENT may use.
bool isReservedEventName(const QString &name);

// The attachment indexes of every {"_placeholder":true,"num":N} in `value`,
// in document order; false if a placeholder is malformed or out of range.
bool collectPlaceholders(const QJsonValue &value, int attachments, QList<int> *nums);

// JSON text for any value, including bare strings and numbers. Control
// characters (U+001E above all, the polling separator) are always escaped.
QByteArray toJson(const QJsonValue &value);

} // namespace SocketIoCodec

} // namespace switchboard
