#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QLatin1StringView>
#include <QStringView>

class QJsonValue;

// Compact JSON written straight into bytes, byte for byte what
// QJsonDocument(...).toJson(QJsonDocument::Compact) gives for the same value,
// as long as the caller writes an object's keys in QJsonObject's (sorted)
// order. It exists for the hot paths (acks and broadcasts of every message):
// building a QJsonObject, converting it to CBOR and writing it out costs
// about ten times as much as writing the bytes.
class JsonWriter
{
public:
    explicit JsonWriter(qsizetype reserve = 256) { m_out.reserve(reserve); }

    JsonWriter &beginObject() { separate(); m_out += '{'; m_first = true; return *this; }
    JsonWriter &endObject() { m_out += '}'; m_first = false; return *this; }
    JsonWriter &beginArray() { separate(); m_out += '['; m_first = true; return *this; }
    JsonWriter &endArray() { m_out += ']'; m_first = false; return *this; }
    // Keys are plain ASCII names in this code base; they are written as given.
    JsonWriter &key(QLatin1StringView name);

    JsonWriter &string(QStringView s);
    JsonWriter &nullableString(QStringView s) { return s.isEmpty() ? null() : string(s); } // empty: null
    JsonWriter &integer(qint64 n);
    JsonWriter &boolean(bool b) { separate(); m_out += b ? "true" : "false"; return *this; }
    JsonWriter &null() { separate(); m_out += "null"; return *this; }
    // ISO 8601 UTC with milliseconds, as Timestamp::toIso.
    JsonWriter &isoTime(qint64 ms);
    // Any QJsonValue (objects and arrays through QJsonDocument).
    JsonWriter &value(const QJsonValue &v);
    // An already encoded JSON value.
    JsonWriter &raw(QByteArrayView json) { separate(); m_out += json; return *this; }

    const QByteArray &bytes() const { return m_out; }
    QByteArray take() { return std::move(m_out); }

    // Appends s as QJsonDocument escapes a string's content (no quotes).
    static void appendEscaped(QByteArray &out, QStringView s);

private:
    void separate()
    {
        if (m_afterKey) m_afterKey = false;
        else if (m_first) m_first = false;
        else m_out += ',';
    }

    QByteArray m_out;
    bool m_first = true;
    bool m_afterKey = false;
};
