#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QLatin1StringView>
#include <QStringView>

#include <cstring>

class QJsonValue;

namespace switchboard {

// Compact JSON written straight into bytes, byte for byte what
// QJsonDocument(...).toJson(QJsonDocument::Compact) gives for the same value,
// as long as the caller writes an object's keys in QJsonObject's (sorted)
// order. It exists for the hot paths (acks and broadcasts of every message):
// building a QJsonObject, converting it to CBOR and writing it out costs
// about ten times as much as writing the bytes.
class JsonWriter
{
public:
    explicit JsonWriter(qsizetype reserve = 256)
    {
        m_out.resize(qMax<qsizetype>(reserve, 64));
        m_buf = m_out.data();
    }

    JsonWriter &beginObject()
    {
        separate(1);
        put('{');
        m_first = true;
        return *this;
    }
    JsonWriter &endObject()
    {
        room(1);
        put('}');
        m_first = false;
        return *this;
    }
    JsonWriter &beginArray()
    {
        separate(1);
        put('[');
        m_first = true;
        return *this;
    }
    JsonWriter &endArray()
    {
        room(1);
        put(']');
        m_first = false;
        return *this;
    }
    // Keys are plain ASCII names in this code base; they are written as given.
    JsonWriter &key(QLatin1StringView name)
    {
        separate(name.size() + 3);
        put('"');
        putRaw(name.data(), name.size());
        put('"');
        put(':');
        m_afterKey = true;
        return *this;
    }

    JsonWriter &string(QStringView s);
    JsonWriter &nullableString(QStringView s) { return s.isEmpty() ? null() : string(s); } // empty: null
    JsonWriter &integer(qint64 n);
    JsonWriter &boolean(bool b) { return b ? raw("true") : raw("false"); }
    JsonWriter &null() { return raw("null"); }
    // ISO 8601 UTC with milliseconds, as Timestamp::toIso.
    JsonWriter &isoTime(qint64 ms);
    // Any QJsonValue (objects and arrays through QJsonDocument). An undefined
    // value is written as null: leave its key out instead, as QJsonObject does.
    JsonWriter &value(const QJsonValue &v);
    // An already encoded JSON value.
    JsonWriter &raw(QByteArrayView json)
    {
        separate(json.size());
        putRaw(json.data(), json.size());
        return *this;
    }

    // Once: the writer is empty afterwards and must not be written to.
    QByteArray take()
    {
        m_out.truncate(m_len);
        m_len = 0;
        m_buf = nullptr;
        return std::move(m_out);
    }

    // Appends s as QJsonDocument escapes a string's content (no quotes).
    static void appendEscaped(QByteArray &out, QStringView s);

private:
    // The buffer's size is its capacity; m_len bytes are written.
    void room(qsizetype n)
    {
        if (m_len + n > m_out.size()) {
            m_out.resize(qMax(m_out.size() * 2, m_len + n));
            m_buf = m_out.data();
        }
    }
    void put(char c) { m_buf[m_len++] = c; }
    void putRaw(const char *p, qsizetype n)
    {
        memcpy(m_buf + m_len, p, size_t(n));
        m_len += n;
    }
    // A comma where one is due, with room for it and n more bytes.
    void separate(qsizetype n)
    {
        room(n + 1);
        if (m_afterKey)
            m_afterKey = false;
        else if (m_first)
            m_first = false;
        else
            put(',');
    }
    // Escapes s into the buffer at m_len; returns past the last byte written.
    static char *escapeInto(char *cursor, QStringView s);

    QByteArray m_out;
    char *m_buf = nullptr; // m_out.data(), never shared while writing
    qsizetype m_len = 0;
    bool m_first = true;
    bool m_afterKey = false;
};

} // namespace switchboard
