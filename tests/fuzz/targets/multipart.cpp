// MultipartParser::parse: the input's first line is the Content-Type header,
// the rest the request body.
#include "http/MultipartParser.h"

#include "FuzzCheck.h"

#include <cstddef>
#include <cstdint>

using namespace switchboard;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    const qsizetype newline = input.indexOf('\n');
    const QByteArray contentType = newline < 0 ? input : input.left(newline);
    const QByteArray body = newline < 0 ? QByteArray() : input.mid(newline + 1);
    QList<MultipartParser::Part> parts;
    QString error;
    if (!MultipartParser::parse(contentType, body, &parts, &error)) {
        FUZZ_CHECK(!error.isEmpty());
        return 0;
    }
    // Every part's data is a piece of the body, and the pieces do not overlap.
    qsizetype total = 0;
    for (const MultipartParser::Part &part : parts) {
        FUZZ_CHECK(body.contains(part.data));
        total += part.data.size();
    }
    FUZZ_CHECK(total <= body.size());
    return 0;
}
