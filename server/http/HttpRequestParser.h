#pragma once

#include "HttpRequest.h"

// Pure HTTP/1.1 request-head parser: bytes in, HttpRequest out, no sockets.
class HttpRequestParser
{
public:
    enum class State { NeedMore, Complete, Error };
    struct Outcome
    {
        State state = State::NeedMore;
        qsizetype headBytes = 0; // bytes of the request line and headers, incl. the blank line
        qint64 contentLength = 0;
        int errorStatus = 400;
        QString error;
    };

    static constexpr int MaxHeadBytes = 16 * 1024;

    // Parses the head at the start of buf into *req (body not included).
    static Outcome parseHead(const QByteArray &buf, HttpRequest *req);
};
