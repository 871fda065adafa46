#include "JsonWriter.h"

#include "Timestamp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

namespace {
inline char hexDigit(uint v) { return char(v < 10 ? '0' + v : 'a' + v - 10); }
}

JsonWriter &JsonWriter::key(QLatin1StringView name)
{
    separate();
    m_out += '"';
    m_out += QByteArrayView(name.data(), name.size());
    m_out += "\":";
    m_afterKey = true;
    return *this;
}

JsonWriter &JsonWriter::string(QStringView s)
{
    separate();
    m_out += '"';
    appendEscaped(m_out, s);
    m_out += '"';
    return *this;
}

JsonWriter &JsonWriter::integer(qint64 n)
{
    separate();
    char buf[24];
    char *end = buf + sizeof buf;
    char *p = end;
    quint64 u = n < 0 ? 0 - quint64(n) : quint64(n);
    do { *--p = char('0' + u % 10); u /= 10; } while (u);
    if (n < 0) *--p = '-';
    m_out.append(p, end - p);
    return *this;
}

JsonWriter &JsonWriter::isoTime(qint64 ms)
{
    separate();
    m_out += '"';
    Timestamp::appendIso(m_out, ms);
    m_out += '"';
    return *this;
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
    return null(); // QJsonObject stores an undefined value as null
}

void JsonWriter::appendEscaped(QByteArray &out, QStringView s)
{
    const qsizetype start = out.size();
    // Worst case: six bytes (\u00XX or \uDXXX) per UTF-16 unit.
    out.resize(start + s.size() * 6);
    char *cursor = out.data() + start;
    const char16_t *src = s.utf16();
    const char16_t *const end = src + s.size();
    while (src != end) {
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
    out.resize(cursor - out.constData());
}
