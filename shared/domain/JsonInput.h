#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonParseError>

namespace switchboard {

// A client's JSON, parsed as QJsonDocument::fromJson parses it, except that an
// escape naming a lone surrogate (U+DE0D written as an escape, with no high
// half before it) reads as U+FFFD. JSON.stringify writes one so when a string
// is cut inside an emoji. Qt alone keeps it: it was then delivered live as
// sent but stored as '?' (UTF-8 cannot hold it), so history disagreed with
// what clients had seen. U+FFFD is what a browser's WebSocket.send() makes of
// a raw lone surrogate, and it survives every trip unchanged.
class JsonInput
{
public:
    static QJsonDocument parse(const QByteArray &utf8, QJsonParseError *error);
    // Byte offset of the first lone-surrogate escape at or after `from` (which
    // must not fall inside an escape), or -1 if there is none.
    static qsizetype loneSurrogateEscapeAt(const QByteArray &utf8, qsizetype from = 0);
};

} // namespace switchboard
