#include "HttpRequestParser.h"

#include <cstring>

namespace switchboard {

namespace {
// RFC 9110 5.6.2 tchar.
bool isTokenChar(uchar c)
{
    if (c >= '0' && c <= '9') return true;
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return true;
    return c && std::strchr("!#$%&'*+-.^_`|~", c);
}

bool isToken(QByteArrayView s)
{
    if (s.isEmpty()) return false;
    for (char c : s)
        if (!isTokenChar(uchar(c))) return false;
    return true;
}

// Field values: visible characters, spaces, tabs and obs-text; no other controls.
bool isFieldValue(QByteArrayView s)
{
    for (char ch : s) {
        const uchar c = uchar(ch);
        if ((c < 0x20 && c != '\t') || c == 0x7F) return false;
    }
    return true;
}

QByteArray trimOws(QByteArray s)
{
    while (!s.isEmpty() && (s.front() == ' ' || s.front() == '\t')) s.remove(0, 1);
    while (!s.isEmpty() && (s.back() == ' ' || s.back() == '\t')) s.chop(1);
    return s;
}
} // namespace

HttpRequestParser::Outcome HttpRequestParser::parseHead(const QByteArray &buf, HttpRequest *req)
{
    Outcome o;
    auto fail = [&](int status, const char *why) {
        o.state = State::Error;
        o.errorStatus = status;
        o.error = QString::fromLatin1(why);
        return o;
    };

    // Split into lines ending in LF (CRLF or a bare LF, as nginx accepts);
    // the head ends at the first empty line after the request line.
    QList<QByteArray> lines;
    qsizetype pos = 0;
    bool haveRequestLine = false;
    bool skippedEmptyLine = false;
    for (;;) {
        const qsizetype lf = buf.indexOf('\n', pos);
        const qsizetype lineEnd = lf < 0 ? buf.size() : lf;
        if (!haveRequestLine && lineEnd - pos > MaxRequestLineBytes) return fail(414, "request line too long");
        if (lf < 0) {
            if (buf.size() > MaxHeadBytes) return fail(431, "request head too large");
            return o; // NeedMore
        }
        if (lf + 1 > MaxHeadBytes) return fail(431, "request head too large");
        QByteArray line = buf.mid(pos, lf - pos);
        pos = lf + 1;
        if (line.endsWith('\r')) line.chop(1);
        // A CR anywhere else is a bare CR: some parsers end lines there, some do not.
        if (line.contains('\r')) return fail(400, "bare CR in the request head");
        if (!haveRequestLine) {
            if (line.isEmpty()) {
                // RFC 9112 2.2: one empty line before the request line is ignored
                // (a client's stray CRLF after a body).
                if (skippedEmptyLine) return fail(400, "malformed request line");
                skippedEmptyLine = true;
                continue;
            }
            haveRequestLine = true;
            lines.append(line);
            continue;
        }
        if (line.isEmpty()) break;
        if (lines.size() > MaxHeaderCount) return fail(431, "too many header fields");
        lines.append(line);
    }
    o.headBytes = pos;

    const QList<QByteArray> requestLine = lines.first().split(' ');
    if (requestLine.size() != 3) return fail(400, "malformed request line");
    req->method = requestLine[0];
    for (char ch : req->method)
        if (ch < 'A' || ch > 'Z') return fail(400, "malformed method");
    if (req->method.isEmpty()) return fail(400, "malformed method");
    req->target = requestLine[1];
    if (!req->target.startsWith('/')) return fail(400, "malformed target");
    for (char ch : req->target)
        if (uchar(ch) <= 0x20 || uchar(ch) == 0x7F) return fail(400, "control character in the target");
    const QByteArray &version = requestLine[2];
    if (version.size() != 8 || !version.startsWith("HTTP/") || version[6] != '.' || version[5] < '0' || version[5] > '9'
        || version[7] < '0' || version[7] > '9')
        return fail(400, "malformed HTTP version");
    if (version[5] != '1') return fail(505, "only HTTP/1.x is supported");
    req->version = version;
    const qsizetype q = req->target.indexOf('?');
    req->path = QUrl::fromPercentEncoding(q < 0 ? req->target : req->target.left(q));
    req->query = QUrlQuery(q < 0 ? QString() : QString::fromUtf8(req->target.mid(q + 1)));

    req->headers.clear();
    int contentLengths = 0;
    QByteArrayList codings;
    for (int i = 1; i < lines.size(); ++i) {
        const QByteArray &line = lines[i];
        // obs-fold (RFC 9112 5.2): a server must reject it or unfold it; we reject.
        if (line.front() == ' ' || line.front() == '\t') return fail(400, "obsolete line folding");
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) return fail(400, "malformed header");
        // No whitespace between name and colon (RFC 9112 5.1), so "Content-Length :" cannot sneak past.
        const QByteArray name = line.left(colon);
        if (!isToken(name)) return fail(400, "malformed header name");
        const QByteArray value = trimOws(line.mid(colon + 1));
        if (!isFieldValue(value)) return fail(400, "control character in a header value");
        const QByteArray lower = name.toLower();
        if (lower == "content-length") ++contentLengths;
        if (lower == "transfer-encoding")
            for (const QByteArray &c : value.split(',')) codings.append(trimOws(c).toLower());
        req->headers.append({lower, value});
    }

    if (contentLengths > 1) return fail(400, "more than one Content-Length");
    if (contentLengths == 1) {
        const QByteArray cl = req->header("content-length");
        // Digits only: no sign, no list; 18 digits cannot overflow a qint64.
        if (cl.isEmpty() || cl.size() > 18) return fail(400, "bad Content-Length");
        for (char ch : cl)
            if (ch < '0' || ch > '9') return fail(400, "bad Content-Length");
        o.contentLength = cl.toLongLong();
    }
    if (!codings.isEmpty()) {
        if (version == "HTTP/1.0") return fail(400, "Transfer-Encoding in an HTTP/1.0 request");
        if (contentLengths) return fail(400, "both Content-Length and Transfer-Encoding");
        if (codings.last() != "chunked") return fail(400, "Transfer-Encoding must end with chunked");
        if (codings.count("chunked") > 1) return fail(400, "chunked applied more than once");
        if (codings.size() > 1) return fail(501, "only the chunked transfer coding is supported");
        o.chunked = true;
    }
    o.state = State::Complete;
    return o;
}

} // namespace switchboard
