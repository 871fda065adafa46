#pragma once

#include <QByteArray>
#include <QString>

namespace switchboard {

// Pure decoder of a chunked request body (RFC 9112 7.1): bytes in, body out.
// It consumes only whole size lines and never reads past the final CRLF, so
// a pipelined request behind the body stays in the socket. Chunk extensions
// and trailer fields are read and ignored.
class ChunkedBodyDecoder
{
public:
    enum class State { NeedMore, Done, Error };
    static constexpr int MaxLineBytes = 4096;    // a size line or a trailer field
    static constexpr int MaxTrailerBytes = 8192; // all trailer fields together

    explicit ChunkedBodyDecoder(qint64 maxBodyBytes) : m_maxBodyBytes(maxBodyBytes) {}

    // Decodes what it can from data, appending to *body; returns bytes consumed.
    qsizetype feed(const char *data, qsizetype size, QByteArray *body);

    State state() const { return m_state; }
    int errorStatus() const { return m_errorStatus; }
    QString error() const { return m_error; }

private:
    qsizetype fail(int status, const char *why);

    enum class Phase { Size, Data, DataEnd, Trailer };
    Phase m_phase = Phase::Size;
    State m_state = State::NeedMore;
    qint64 m_maxBodyBytes;
    qint64 m_remaining = 0; // of the current chunk
    qint64 m_total = 0;
    qint64 m_trailerBytes = 0;
    int m_errorStatus = 400;
    QString m_error;
};

} // namespace switchboard
