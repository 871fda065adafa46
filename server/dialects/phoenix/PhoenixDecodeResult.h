#pragma once

#include "PhoenixMessage.h"

#include <QString>

namespace switchboard {

// Everything that can be wrong with an incoming frame. The codec never
// throws and never asserts on input; it reports one of these instead.
enum class PhoenixDecodeError {
    None,
    FrameTooLarge,
    InvalidUtf8,
    InvalidJson,
    NotAnArray,   // vsn 2.0.0 text frame that is not a JSON array
    NotAnObject,  // vsn 1.0.0 text frame that is not a JSON object
    WrongArity,   // vsn 2.0.0 array without exactly five elements
    MissingField, // vsn 1.0.0 object lacking topic/event/payload/ref
    BadJoinRef,   // not a string or null
    BadRef,
    BadTopic, // not a non-empty string, or too long
    BadEvent,
    BadPayload,       // not a JSON object
    BinaryNotAllowed, // binary frame under vsn 1.0.0
    BinaryTruncated,  // header lengths point past the end of the frame
    BinaryUnknownKind,
    InvalidBase64, // long-poll line that is neither JSON nor base64
};

struct PhoenixDecodeResult
{
    PhoenixDecodeError error = PhoenixDecodeError::None;
    QString detail; // human-readable, safe to echo to the client
    // On success the whole message; on error whatever could be read before
    // the fault (ref/topic), so a session can still answer the right push.
    PhoenixMessage message;

    bool ok() const { return error == PhoenixDecodeError::None; }
};

} // namespace switchboard
