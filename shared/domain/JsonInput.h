#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonParseError>

namespace switchboard {

// A client's JSON, parsed as QJsonDocument::fromJson parses it, except that an
// escape naming a lone surrogate (U+DE0D written as an escape, with no high
// half before it) reads as U+FFFD. That is what
// a browser's WebSocket.send() does to a raw lone surrogate, and what the
// UTF-8 store would make of it anyway; JSON.stringify escapes one instead, so a
// client can send it. Qt alone keeps it, and then an object with such a key
// sorts its keys inconsistently (Qt 6.4) and can miss a lookup, and the text
// read back from history differs from the text first delivered.
class JsonInput
{
public:
    static QJsonDocument parse(const QByteArray &utf8, QJsonParseError *error);
    // Byte offset of the first lone-surrogate escape at or after `from` (which
    // must not fall inside an escape), or -1 if there is none.
    static qsizetype loneSurrogateEscapeAt(const QByteArray &utf8, qsizetype from = 0);
};

} // namespace switchboard
