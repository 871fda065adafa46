#include "PhoenixCodec.h"

#include "JsonInput.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>

namespace switchboard {

namespace {

PhoenixDecodeResult fail(PhoenixDecodeError error, const QString &detail, PhoenixMessage partial = {})
{
    PhoenixDecodeResult result;
    result.error = error;
    result.detail = detail;
    result.message = std::move(partial);
    return result;
}

QJsonValue refToJson(const std::optional<QString> &ref)
{
    return ref ? QJsonValue(*ref) : QJsonValue(QJsonValue::Null);
}

char firstNonSpace(const QByteArray &frame)
{
    for (char c : frame) {
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return c;
    }
    return '\0';
}

// JSON forbids raw control characters inside strings (RFC 8259 7), but
// QJsonDocument lets them through; JSON.stringify never produces them.
bool hasRawControlInString(const QByteArray &frame)
{
    bool inString = false;
    bool escaped = false;
    for (char ch : frame) {
        const auto c = static_cast<unsigned char>(ch);
        if (!inString) {
            inString = c == '"';
            continue;
        }
        if (escaped)
            escaped = false;
        else if (c == '\\')
            escaped = true;
        else if (c == '"')
            inString = false;
        else if (c < 0x20)
            return true;
    }
    return false;
}

// Binary headers cannot express null, so an empty ref means "none".
std::optional<QString> refFromBytes(const QByteArray &bytes)
{
    if (bytes.isEmpty()) return std::nullopt;
    return QString::fromUtf8(bytes);
}

bool appendField(QByteArray &lengths, QByteArray &fields, const QString &value)
{
    const QByteArray utf8 = value.toUtf8();
    if (utf8.size() > 255) return false;
    lengths.append(char(quint8(utf8.size())));
    fields.append(utf8);
    return true;
}

// Reads the byte-length-prefixed header fields of a binary frame.
// `lengthsAt` is where the length bytes start; returns false if truncated.
bool readBinaryFields(const QByteArray &frame, int lengthsAt, int count, QList<QByteArray> *out, qsizetype *payloadAt)
{
    if (frame.size() < lengthsAt + count) return false;
    qsizetype offset = lengthsAt + count;
    for (int i = 0; i < count; ++i) {
        const qsizetype len = quint8(frame.at(lengthsAt + i));
        if (offset + len > frame.size()) return false;
        out->append(frame.mid(offset, len));
        offset += len;
    }
    *payloadAt = offset;
    return true;
}

} // namespace

PhoenixCodec::PhoenixCodec(PhoenixSerializer serializer, PhoenixCodecLimits limits)
    : m_serializer(serializer)
    , m_limits(limits)
{
}

std::optional<PhoenixSerializer> PhoenixCodec::serializerForVsn(const QString &vsn)
{
    if (vsn == QLatin1String("2.0.0")) return PhoenixSerializer::V2;
    if (vsn == QLatin1String("1.0.0")) return PhoenixSerializer::V1;
    return std::nullopt;
}

bool PhoenixCodec::isValidUtf8(const char *data, qsizetype size)
{
    // Strict RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF.
    const auto *s = reinterpret_cast<const unsigned char *>(data);
    qsizetype i = 0;
    while (i < size) {
        const unsigned char c = s[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        int extra;
        quint32 cp;
        if (c >= 0xC2 && c <= 0xDF) {
            extra = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            extra = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + extra >= size) // sequence cut off by the end of the input
            return false;
        for (int k = 1; k <= extra; ++k) {
            const unsigned char cc = s[i + k];
            if ((cc & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        if ((extra == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)))
            || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return false;
        i += extra + 1;
    }
    return true;
}

QString PhoenixCodec::errorName(PhoenixDecodeError error)
{
    switch (error) {
    case PhoenixDecodeError::None: return QStringLiteral("none");
    case PhoenixDecodeError::FrameTooLarge: return QStringLiteral("frame_too_large");
    case PhoenixDecodeError::InvalidUtf8: return QStringLiteral("invalid_utf8");
    case PhoenixDecodeError::InvalidJson: return QStringLiteral("invalid_json");
    case PhoenixDecodeError::NotAnArray: return QStringLiteral("not_an_array");
    case PhoenixDecodeError::NotAnObject: return QStringLiteral("not_an_object");
    case PhoenixDecodeError::WrongArity: return QStringLiteral("wrong_arity");
    case PhoenixDecodeError::MissingField: return QStringLiteral("missing_field");
    case PhoenixDecodeError::BadJoinRef: return QStringLiteral("bad_join_ref");
    case PhoenixDecodeError::BadRef: return QStringLiteral("bad_ref");
    case PhoenixDecodeError::BadTopic: return QStringLiteral("bad_topic");
    case PhoenixDecodeError::BadEvent: return QStringLiteral("bad_event");
    case PhoenixDecodeError::BadPayload: return QStringLiteral("bad_payload");
    case PhoenixDecodeError::BinaryNotAllowed: return QStringLiteral("binary_not_allowed");
    case PhoenixDecodeError::BinaryTruncated: return QStringLiteral("binary_truncated");
    case PhoenixDecodeError::BinaryUnknownKind: return QStringLiteral("binary_unknown_kind");
    case PhoenixDecodeError::InvalidBase64: return QStringLiteral("invalid_base64");
    }
    return QStringLiteral("unknown");
}

PhoenixDecodeResult PhoenixCodec::decodeText(const QByteArray &frame) const
{
    if (frame.size() > m_limits.maxFrameBytes)
        return fail(PhoenixDecodeError::FrameTooLarge, QStringLiteral("frame of %1 bytes exceeds the limit of %2")
                                                           .arg(frame.size())
                                                           .arg(m_limits.maxFrameBytes));
    if (!isValidUtf8(frame.constData(), frame.size()))
        return fail(PhoenixDecodeError::InvalidUtf8, QStringLiteral("frame is not valid UTF-8"));
    if (hasRawControlInString(frame))
        return fail(PhoenixDecodeError::InvalidJson, QStringLiteral("unescaped control character in a string"));
    return m_serializer == PhoenixSerializer::V2 ? decodeArray(frame) : decodeObject(frame);
}

PhoenixDecodeResult PhoenixCodec::decodeArray(const QByteArray &frame) const
{
    QJsonParseError parseError;
    const QJsonDocument doc = JsonInput::parse(frame, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        if (firstNonSpace(frame) != '[')
            return fail(PhoenixDecodeError::NotAnArray, QStringLiteral("vsn 2.0.0 frames are JSON arrays"));
        return fail(PhoenixDecodeError::InvalidJson, parseError.errorString());
    }
    if (!doc.isArray()) return fail(PhoenixDecodeError::NotAnArray, QStringLiteral("vsn 2.0.0 frames are JSON arrays"));

    const QJsonArray array = doc.array();
    PhoenixMessage partial;
    // Pick up ref and topic first so that even a broken push can be answered.
    if (array.size() > 1 && array.at(1).isString()) partial.ref = array.at(1).toString();
    if (array.size() > 2 && array.at(2).isString()) partial.topic = array.at(2).toString();
    if (array.size() != 5)
        return fail(PhoenixDecodeError::WrongArity,
                    QStringLiteral("expected [join_ref, ref, topic, event, payload], got %1 elements")
                        .arg(array.size()),
                    partial);

    PhoenixDecodeResult result;
    PhoenixMessage &m = result.message;
    const QJsonValue joinRef = array.at(0), ref = array.at(1), topic = array.at(2), event = array.at(3),
                     payload = array.at(4);
    m = partial;
    if (!joinRef.isNull() && !joinRef.isString())
        return fail(PhoenixDecodeError::BadJoinRef, QStringLiteral("join_ref must be a string or null"), partial);
    if (!ref.isNull() && !ref.isString())
        return fail(PhoenixDecodeError::BadRef, QStringLiteral("ref must be a string or null"), partial);
    if (!topic.isString()) return fail(PhoenixDecodeError::BadTopic, QStringLiteral("topic must be a string"), partial);
    if (!event.isString()) return fail(PhoenixDecodeError::BadEvent, QStringLiteral("event must be a string"), partial);
    if (!payload.isObject())
        return fail(PhoenixDecodeError::BadPayload, QStringLiteral("payload must be a JSON object"), partial);

    if (joinRef.isString()) m.joinRef = joinRef.toString();
    m.event = event.toString();
    m.payload = payload.toObject();
    checkCommon(result);
    return result;
}

PhoenixDecodeResult PhoenixCodec::decodeObject(const QByteArray &frame) const
{
    QJsonParseError parseError;
    const QJsonDocument doc = JsonInput::parse(frame, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        if (firstNonSpace(frame) != '{')
            return fail(PhoenixDecodeError::NotAnObject, QStringLiteral("vsn 1.0.0 frames are JSON objects"));
        return fail(PhoenixDecodeError::InvalidJson, parseError.errorString());
    }
    if (!doc.isObject())
        return fail(PhoenixDecodeError::NotAnObject, QStringLiteral("vsn 1.0.0 frames are JSON objects"));

    const QJsonObject object = doc.object();
    PhoenixMessage partial;
    if (object.value(QLatin1String("ref")).isString()) partial.ref = object.value(QLatin1String("ref")).toString();
    if (object.value(QLatin1String("topic")).isString())
        partial.topic = object.value(QLatin1String("topic")).toString();
    for (const char *key : {"topic", "event", "payload", "ref"}) {
        if (!object.contains(QLatin1String(key)))
            return fail(PhoenixDecodeError::MissingField,
                        QStringLiteral("vsn 1.0.0 frames need topic, event, payload and ref; %1 is missing")
                            .arg(QLatin1String(key)),
                        partial);
    }

    PhoenixDecodeResult result;
    PhoenixMessage &m = result.message;
    m = partial;
    // join_ref is optional in v1: old clients never send it.
    const QJsonValue joinRef = object.value(QLatin1String("join_ref"));
    const QJsonValue ref = object.value(QLatin1String("ref"));
    const QJsonValue event = object.value(QLatin1String("event"));
    const QJsonValue payload = object.value(QLatin1String("payload"));
    if (!joinRef.isNull() && !joinRef.isUndefined() && !joinRef.isString())
        return fail(PhoenixDecodeError::BadJoinRef, QStringLiteral("join_ref must be a string or null"), partial);
    if (!ref.isNull() && !ref.isString())
        return fail(PhoenixDecodeError::BadRef, QStringLiteral("ref must be a string or null"), partial);
    if (!object.value(QLatin1String("topic")).isString())
        return fail(PhoenixDecodeError::BadTopic, QStringLiteral("topic must be a string"), partial);
    if (!event.isString()) return fail(PhoenixDecodeError::BadEvent, QStringLiteral("event must be a string"), partial);
    if (!payload.isObject())
        return fail(PhoenixDecodeError::BadPayload, QStringLiteral("payload must be a JSON object"), partial);

    if (joinRef.isString()) m.joinRef = joinRef.toString();
    m.event = event.toString();
    m.payload = payload.toObject();
    checkCommon(result);
    return result;
}

bool PhoenixCodec::checkCommon(PhoenixDecodeResult &result) const
{
    const PhoenixMessage &m = result.message;
    const auto tooLong = [this](const QString &s) {
        // UTF-8 is at most 3 bytes per UTF-16 unit; only measure when it matters.
        return s.size() * 3 > m_limits.maxFieldBytes && s.toUtf8().size() > m_limits.maxFieldBytes;
    };
    auto reject = [&](PhoenixDecodeError error, const QString &detail) {
        PhoenixMessage partial = result.message;
        result = fail(error, detail, partial);
        return false;
    };
    if (m.joinRef && tooLong(*m.joinRef))
        return reject(PhoenixDecodeError::BadJoinRef, QStringLiteral("join_ref is too long"));
    if (m.ref && tooLong(*m.ref)) return reject(PhoenixDecodeError::BadRef, QStringLiteral("ref is too long"));
    if (m.topic.isEmpty() || tooLong(m.topic))
        return reject(PhoenixDecodeError::BadTopic,
                      QStringLiteral("topic must be 1 to %1 bytes").arg(m_limits.maxFieldBytes));
    if (m.event.isEmpty() || tooLong(m.event))
        return reject(PhoenixDecodeError::BadEvent,
                      QStringLiteral("event must be 1 to %1 bytes").arg(m_limits.maxFieldBytes));
    return true;
}

PhoenixDecodeResult PhoenixCodec::decodeBinary(const QByteArray &frame, Origin origin) const
{
    if (frame.size() > m_limits.maxFrameBytes)
        return fail(PhoenixDecodeError::FrameTooLarge, QStringLiteral("frame of %1 bytes exceeds the limit of %2")
                                                           .arg(frame.size())
                                                           .arg(m_limits.maxFrameBytes));
    if (m_serializer != PhoenixSerializer::V2)
        return fail(PhoenixDecodeError::BinaryNotAllowed, QStringLiteral("binary frames need vsn 2.0.0"));
    if (frame.isEmpty()) return fail(PhoenixDecodeError::BinaryTruncated, QStringLiteral("empty binary frame"));

    const quint8 kind = quint8(frame.at(0));
    // Field order on the wire for each (origin, kind).
    enum Field { JoinRef, Ref, Topic, Event, Status };
    QList<Field> layout;
    if (origin == Origin::Client && kind == 0)
        layout = {JoinRef, Ref, Topic, Event};
    else if (origin == Origin::Server && kind == 0)
        layout = {JoinRef, Topic, Event};
    else if (origin == Origin::Server && kind == 1)
        layout = {JoinRef, Ref, Topic, Status};
    else if (origin == Origin::Server && kind == 2)
        layout = {Topic, Event};
    else
        return fail(PhoenixDecodeError::BinaryUnknownKind,
                    QStringLiteral("binary frame kind %1 is not accepted here").arg(kind));

    QList<QByteArray> fields;
    qsizetype payloadAt = 0;
    if (!readBinaryFields(frame, 1, int(layout.size()), &fields, &payloadAt))
        return fail(PhoenixDecodeError::BinaryTruncated,
                    QStringLiteral("binary header points past the end of the frame"));
    for (const QByteArray &field : std::as_const(fields)) {
        if (!isValidUtf8(field.constData(), field.size()))
            return fail(PhoenixDecodeError::InvalidUtf8, QStringLiteral("binary header field is not UTF-8"));
    }

    PhoenixDecodeResult result;
    PhoenixMessage &m = result.message;
    for (int i = 0; i < layout.size(); ++i) {
        switch (layout.at(i)) {
        case JoinRef: m.joinRef = refFromBytes(fields.at(i)); break;
        case Ref: m.ref = refFromBytes(fields.at(i)); break;
        case Topic: m.topic = QString::fromUtf8(fields.at(i)); break;
        case Event: m.event = QString::fromUtf8(fields.at(i)); break;
        case Status:
            m.event = PhoenixEvent::reply;
            m.payload.insert(QLatin1String("status"), QString::fromUtf8(fields.at(i)));
            break;
        }
    }
    // From the server, "phx_reply" names the reply kind: a push or broadcast
    // called that would read back as a reply (found by fuzz_phoenix_codec).
    if (origin == Origin::Server && kind != 1 && m.event == PhoenixEvent::reply)
        return fail(PhoenixDecodeError::BadEvent,
                    QStringLiteral("a binary push or broadcast cannot be named phx_reply"));
    m.binary = frame.mid(payloadAt);
    checkCommon(result);
    return result;
}

QByteArray PhoenixCodec::encodeText(const PhoenixMessage &m) const
{
    if (m_serializer == PhoenixSerializer::V2) {
        const QJsonArray array{refToJson(m.joinRef), refToJson(m.ref), m.topic, m.event, m.payload};
        return QJsonDocument(array).toJson(QJsonDocument::Compact);
    }
    // Phoenix's V1 serializer never emits join_ref; clients filter on it only when present.
    QJsonObject object{{QStringLiteral("topic"), m.topic},
                       {QStringLiteral("event"), m.event},
                       {QStringLiteral("payload"), m.payload},
                       {QStringLiteral("ref"), refToJson(m.ref)}};
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray PhoenixCodec::encodeBinary(const PhoenixMessage &m, Origin origin)
{
    if (!m.binary) return {};
    QByteArray lengths;
    QByteArray fields;
    quint8 kind;
    bool ok = true;
    const QString joinRef = m.joinRef.value_or(QString());
    const QString ref = m.ref.value_or(QString());
    if (origin == Origin::Client) {
        kind = 0;
        ok = appendField(lengths, fields, joinRef) && appendField(lengths, fields, ref)
          && appendField(lengths, fields, m.topic) && appendField(lengths, fields, m.event);
    } else if (m.event == PhoenixEvent::reply) {
        kind = 1;
        ok = appendField(lengths, fields, joinRef) && appendField(lengths, fields, ref)
          && appendField(lengths, fields, m.topic)
          && appendField(lengths, fields, m.payload.value(QLatin1String("status")).toString());
    } else if (m.joinRef) {
        kind = 0;
        ok = appendField(lengths, fields, joinRef) && appendField(lengths, fields, m.topic)
          && appendField(lengths, fields, m.event);
    } else {
        kind = 2;
        ok = appendField(lengths, fields, m.topic) && appendField(lengths, fields, m.event);
    }
    if (!ok) return {};
    QByteArray frame;
    frame.reserve(1 + lengths.size() + fields.size() + m.binary->size());
    frame.append(char(kind)).append(lengths).append(fields).append(*m.binary);
    return frame;
}

PhoenixMessage PhoenixCodec::reply(const std::optional<QString> &joinRef, const std::optional<QString> &ref,
                                   const QString &topic, const QString &status, const QJsonObject &response)
{
    PhoenixMessage m;
    m.joinRef = joinRef;
    m.ref = ref;
    m.topic = topic;
    m.event = PhoenixEvent::reply;
    m.payload = QJsonObject{{QStringLiteral("status"), status}, {QStringLiteral("response"), response}};
    return m;
}

PhoenixMessage PhoenixCodec::heartbeatReply(const std::optional<QString> &ref)
{
    return reply(std::nullopt, ref, PhoenixEvent::heartbeatTopic, QStringLiteral("ok"));
}

PhoenixMessage PhoenixCodec::push(const std::optional<QString> &joinRef, const QString &topic, const QString &event,
                                  const QJsonObject &payload)
{
    PhoenixMessage m;
    m.joinRef = joinRef;
    m.topic = topic;
    m.event = event;
    m.payload = payload;
    return m;
}

PhoenixMessage PhoenixCodec::broadcast(const QString &topic, const QString &event, const QJsonObject &payload)
{
    return push(std::nullopt, topic, event, payload);
}

PhoenixMessage PhoenixCodec::channelError(const QString &joinRef, const QString &topic, const QString &reason)
{
    PhoenixMessage m = push(joinRef, topic, PhoenixEvent::error, {});
    m.ref = joinRef;
    if (!reason.isEmpty()) m.payload.insert(QStringLiteral("reason"), reason);
    return m;
}

PhoenixMessage PhoenixCodec::channelClose(const QString &joinRef, const QString &topic)
{
    PhoenixMessage m = push(joinRef, topic, PhoenixEvent::close, {});
    m.ref = joinRef;
    return m;
}

} // namespace switchboard
