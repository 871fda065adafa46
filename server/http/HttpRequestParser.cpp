#include "HttpRequestParser.h"

HttpRequestParser::Outcome HttpRequestParser::parseHead(const QByteArray &buf, HttpRequest *req)
{
    Outcome o;
    const qsizetype end = buf.indexOf("\r\n\r\n");
    if (end < 0) {
        if (buf.size() > MaxHeadBytes) {
            o.state = State::Error;
            o.errorStatus = 431;
            o.error = QStringLiteral("request head too large");
        }
        return o;
    }
    if (end + 4 > MaxHeadBytes) {
        o.state = State::Error;
        o.errorStatus = 431;
        o.error = QStringLiteral("request head too large");
        return o;
    }
    o.headBytes = end + 4;
    const QList<QByteArray> lines = buf.left(end).split('\n');
    auto fail = [&](const char *why) {
        o.state = State::Error;
        o.errorStatus = 400;
        o.error = QString::fromLatin1(why);
        return o;
    };
    const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
    if (requestLine.size() != 3 || !requestLine[2].startsWith("HTTP/1.")) return fail("malformed request line");
    req->method = requestLine[0];
    for (char ch : req->method)
        if (ch < 'A' || ch > 'Z') return fail("malformed method");
    req->target = requestLine[1];
    if (!req->target.startsWith('/')) return fail("malformed target");
    const qsizetype q = req->target.indexOf('?');
    req->path = QUrl::fromPercentEncoding(q < 0 ? req->target : req->target.left(q));
    req->query = QUrlQuery(q < 0 ? QString() : QString::fromUtf8(req->target.mid(q + 1)));
    req->headers.clear();
    for (int i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].endsWith('\r') ? lines[i].chopped(1) : lines[i];
        if (line.isEmpty()) continue;
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) return fail("malformed header");
        req->headers.append({line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed()});
    }
    if (!req->header("transfer-encoding").isEmpty()) {
        o.state = State::Error;
        o.errorStatus = 411;
        o.error = QStringLiteral("chunked bodies are not supported; send Content-Length");
        return o;
    }
    const QByteArray cl = req->header("content-length");
    if (!cl.isEmpty()) {
        bool ok = false;
        o.contentLength = cl.toLongLong(&ok);
        if (!ok || o.contentLength < 0) return fail("bad Content-Length");
    }
    o.state = State::Complete;
    return o;
}
