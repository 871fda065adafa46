#include "JsonWriter.h"

#include "Timestamp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace switchboard {

namespace {
inline char hexDigit(uint v)
{
    return char(v < 10 ? '0' + v : 'a' + v - 10);
}
}

JsonWriter &JsonWriter::string(QStringView s)
{
    // Worst case: six bytes (\u00XX or \uDXXX) per UTF-16 unit, plus the quotes.
    separate(s.size() * 6 + 2);
    put('"');
    m_len = escapeInto(m_buf + m_len, s) - m_buf;
    put('"');
    return *this;
}

JsonWriter &JsonWriter::integer(qint64 n)
{
    char buf[24];
    char *end = buf + sizeof buf;
    char *p = end;
    quint64 u = n < 0 ? 0 - quint64(n) : quint64(n);
    do {
        *--p = char('0' + u % 10);
        u /= 10;
    } while (u);
    if (n < 0) *--p = '-';
    return raw(QByteArrayView(p, end - p));
}

JsonWriter &JsonWriter::isoTime(qint64 ms)
{
    if (ms < Timestamp::detail::kIsoFastBegin || ms >= Timestamp::detail::kIsoFastEnd)
        return string(Timestamp::toIso(ms));
    char buf[26];
    buf[0] = '"';
    Timestamp::detail::formatIso(buf + 1, ms);
    buf[25] = '"';
    return raw(QByteArrayView(buf, 26));
}

JsonWriter &JsonWriter::value(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null: return null();
    case QJsonValue::Bool: return boolean(v.toBool());
    case QJsonValue::String: return string(v.toString());
    case QJsonValue::Object: return raw(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    case QJsonValue::Array: return raw(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    case QJsonValue::Double: {
        // Integers and doubles print differently: let Qt decide, inside a one-element array.
        const QByteArray a = QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact);
        return raw(QByteArrayView(a).sliced(1, a.size() - 2));
    }
    case QJsonValue::Undefined: break;
    }
    return null(); // undefined: callers leave the key out, as QJsonObject does
}

void JsonWriter::appendEscaped(QByteArray &out, QStringView s)
{
    const qsizetype start = out.size();
    // Worst case: six bytes (\u00XX or \uDXXX) per UTF-16 unit.
    out.resize(start + s.size() * 6);
    char *end = escapeInto(out.data() + start, s);
    out.truncate(end - out.constData());
}

char *JsonWriter::escapeInto(char *cursor, QStringView s)
{
    const char16_t *src = s.utf16();
    const char16_t *const end = src + s.size();
    while (src != end) {
#ifdef __SSE2__
        // Eight units at a time while they are printable ASCII other than '"'
        // and '\' (ids, names, most text): narrow them to bytes in one go.
        const __m128i lowest = _mm_set1_epi16(0x20), span = _mm_set1_epi16(0x60), minusOne = _mm_set1_epi16(-1);
        const __m128i quote = _mm_set1_epi16('"'), backslash = _mm_set1_epi16('\\');
        while (end - src >= 8) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(src));
            const __m128i offset = _mm_sub_epi16(v, lowest); // printable: 0 <= offset < 0x60, as signed
            const __m128i printable = _mm_and_si128(_mm_cmplt_epi16(offset, span), _mm_cmpgt_epi16(offset, minusOne));
            const __m128i special = _mm_or_si128(_mm_cmpeq_epi16(v, quote), _mm_cmpeq_epi16(v, backslash));
            if (_mm_movemask_epi8(_mm_andnot_si128(special, printable)) != 0xffff) break;
            _mm_storel_epi64(reinterpret_cast<__m128i *>(cursor), _mm_packus_epi16(v, v));
            cursor += 8;
            src += 8;
        }
        // Something to escape or encode nearby: unit by unit for the next eight.
        const char16_t *const stop = end - src > 8 ? src + 8 : end;
#else
        const char16_t *const stop = end;
#endif
        while (src < stop) {
            const char16_t u = *src++;
            if (u < 0x80) {
                if (u >= 0x20 && u != '"' && u != '\\') {
                    *cursor++ = char(u);
                    continue;
                }
                *cursor++ = '\\';
                switch (u) {
                case '"': *cursor++ = '"'; break;
                case '\\': *cursor++ = '\\'; break;
                case 0x8: *cursor++ = 'b'; break;
                case 0xc: *cursor++ = 'f'; break;
                case 0xa: *cursor++ = 'n'; break;
                case 0xd: *cursor++ = 'r'; break;
                case 0x9: *cursor++ = 't'; break;
                default:
                    *cursor++ = 'u';
                    *cursor++ = '0';
                    *cursor++ = '0';
                    *cursor++ = hexDigit(u >> 4);
                    *cursor++ = hexDigit(u & 0xf);
                }
            } else if (u < 0x800) {
                *cursor++ = char(0xc0 | (u >> 6));
                *cursor++ = char(0x80 | (u & 0x3f));
            } else if (QChar::isHighSurrogate(u) && src != end && QChar::isLowSurrogate(*src)) {
                const char32_t c = QChar::surrogateToUcs4(u, *src++);
                *cursor++ = char(0xf0 | (c >> 18));
                *cursor++ = char(0x80 | ((c >> 12) & 0x3f));
                *cursor++ = char(0x80 | ((c >> 6) & 0x3f));
                *cursor++ = char(0x80 | (c & 0x3f));
            } else if (QChar::isSurrogate(u)) {
                // A lone surrogate is not valid UTF-8: Qt writes it as an escape.
                *cursor++ = '\\';
                *cursor++ = 'u';
                *cursor++ = hexDigit(u >> 12);
                *cursor++ = hexDigit((u >> 8) & 0xf);
                *cursor++ = hexDigit((u >> 4) & 0xf);
                *cursor++ = hexDigit(u & 0xf);
            } else {
                *cursor++ = char(0xe0 | (u >> 12));
                *cursor++ = char(0x80 | ((u >> 6) & 0x3f));
                *cursor++ = char(0x80 | (u & 0x3f));
            }
        }
    }
    return cursor;
}

} // namespace switchboard
