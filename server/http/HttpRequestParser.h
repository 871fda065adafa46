#pragma once

#include "HttpRequest.h"

namespace switchboard {

// Pure HTTP/1.1 request-head parser: bytes in, HttpRequest out, no sockets.
// Strict where leniency lets two parsers disagree on where a request ends
// (request smuggling): Content-Length and Transfer-Encoding, obs-fold, bare
// CR, control characters. Lenient where nginx is: bare LF line endings and
// empty lines before the request line. docs/conformance.md lists every case.
class HttpRequestParser
{
public:
    enum class State { NeedMore, Complete, Error };
    struct Outcome
    {
        State state = State::NeedMore;
        qsizetype headBytes = 0; // bytes of the request line and headers, incl. the blank line
        qint64 contentLength = 0;
        bool chunked = false; // Transfer-Encoding: chunked; the body is framed by chunks
        int errorStatus = 400;
        QString error;
    };

    static constexpr int MaxRequestLineBytes = 8 * 1024; // over: 414 (nginx: one 8k buffer)
    static constexpr int MaxHeadBytes = 16 * 1024;       // over: 431
    static constexpr int MaxHeaderCount = 100;           // over: 431

    // Parses the head at the start of buf into *req (body not included).
    static Outcome parseHead(const QByteArray &buf, HttpRequest *req);
};

} // namespace switchboard
