// HttpRequestParser::parseHead on arbitrary bytes. Thin on purpose: only the
// public API, so the parser can be rewritten underneath it.
#include "http/HttpRequestParser.h"

#include "FuzzCheck.h"

#include <cstddef>
#include <cstdint>

using namespace switchboard;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray buf(reinterpret_cast<const char *>(data), qsizetype(size));
    HttpRequest req;
    const HttpRequestParser::Outcome o = HttpRequestParser::parseHead(buf, &req);
    if (o.state == HttpRequestParser::State::Error) {
        // 4xx, or what nginx answers for what it does not implement: 501 (a
        // transfer coding other than chunked) and 505 (an HTTP version other than 1.x).
        FUZZ_CHECK((o.errorStatus >= 400 && o.errorStatus < 500) || o.errorStatus == 501 || o.errorStatus == 505);
        FUZZ_CHECK(!o.error.isEmpty());
        return 0;
    }
    if (o.state == HttpRequestParser::State::NeedMore) return 0;
    FUZZ_CHECK(o.headBytes > 0 && o.headBytes <= buf.size());
    FUZZ_CHECK(o.contentLength >= 0);
    FUZZ_CHECK(!req.method.isEmpty() && req.target.startsWith('/'));
    // The head alone (the body not yet read) parses to the same request: what
    // follows the blank line never changes how the head is read.
    HttpRequest again;
    const HttpRequestParser::Outcome head = HttpRequestParser::parseHead(buf.left(o.headBytes), &again);
    FUZZ_CHECK(head.state == HttpRequestParser::State::Complete);
    FUZZ_CHECK(head.headBytes == o.headBytes && head.contentLength == o.contentLength);
    FUZZ_CHECK(again.method == req.method && again.target == req.target && again.headers == req.headers);
    // The connection parses again as bytes arrive: a head that is complete was
    // "need more" (not complete, not an error) at every earlier read.
    for (qsizetype cut : {o.headBytes / 2, o.headBytes - 1}) {
        HttpRequest partial;
        FUZZ_CHECK(HttpRequestParser::parseHead(buf.left(cut), &partial).state == HttpRequestParser::State::NeedMore);
    }
    // The accessors a handler calls on every request.
    (void)req.bearerToken();
    (void)req.keepAlive();
    (void)req.isWebSocketUpgrade();
    (void)req.cookie(QStringLiteral("token"));
    return 0;
}
