#include "ChunkedBodyDecoder.h"

#include <cstring>

namespace switchboard {

qsizetype ChunkedBodyDecoder::fail(int status, const char *why)
{
    m_state = State::Error;
    m_errorStatus = status;
    m_error = QString::fromLatin1(why);
    return 0;
}

qsizetype ChunkedBodyDecoder::feed(const char *data, qsizetype size, QByteArray *body)
{
    qsizetype pos = 0;
    while (m_state == State::NeedMore && pos < size) {
        if (m_phase == Phase::Data) {
            const qsizetype n = qsizetype(qMin<qint64>(m_remaining, size - pos));
            body->append(data + pos, n);
            pos += n;
            m_remaining -= n;
            if (m_remaining == 0) m_phase = Phase::DataEnd;
            continue;
        }
        // The other phases read one line (CRLF or a bare LF, as in the head).
        const char *lf = static_cast<const char *>(std::memchr(data + pos, '\n', size_t(size - pos)));
        if (!lf) {
            if (size - pos > MaxLineBytes) return fail(400, "chunk line too long");
            break;
        }
        QByteArrayView line(data + pos, lf - (data + pos));
        if (line.size() > MaxLineBytes) return fail(400, "chunk line too long");
        pos = lf - data + 1;
        if (line.endsWith('\r')) line.chop(1);
        if (line.contains('\r')) return fail(400, "bare CR in a chunk line");
        if (m_phase == Phase::DataEnd) {
            if (!line.isEmpty()) return fail(400, "chunk data longer than its size");
            m_phase = Phase::Size;
        } else if (m_phase == Phase::Size) {
            // Hex digits, then an optional ";extension"; no spaces, no sign, no 0x.
            const qsizetype semi = line.indexOf(';');
            const QByteArrayView hex = semi < 0 ? line : line.first(semi);
            if (hex.isEmpty() || hex.size() > 15) return fail(400, "bad chunk size");
            qint64 n = 0;
            for (char c : hex) {
                const int d = (c >= '0' && c <= '9') ? c - '0'
                            : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                            : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                                     : -1;
                if (d < 0) return fail(400, "bad chunk size");
                n = n * 16 + d;
            }
            if (m_total + n > m_maxBodyBytes) return fail(413, "request body too large");
            m_total += n;
            m_remaining = n;
            m_phase = n ? Phase::Data : Phase::Trailer;
        } else { // Trailer: fields up to an empty line, ignored
            if (line.isEmpty()) {
                m_state = State::Done;
                break;
            }
            m_trailerBytes += line.size();
            if (m_trailerBytes > MaxTrailerBytes) return fail(431, "trailer fields too large");
            if (line.front() == ' ' || line.front() == '\t' || line.indexOf(':') <= 0)
                return fail(400, "malformed trailer field");
        }
    }
    return pos;
}

} // namespace switchboard
