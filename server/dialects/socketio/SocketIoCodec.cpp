#include "SocketIoCodec.h"

#include "EngineIoCodec.h"
#include "JsonInput.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace switchboard {

namespace SocketIoCodec {

namespace {

Result fail(Error e, const QString &detail = QString())
{
    Result r;
    r.error = e;
    r.detail = detail.isEmpty() ? errorString(e) : detail;
    return r;
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// Namespaces are path-like names; anything that could be confused with the
// JSON payload, or that is invisible, is refused rather than guessed at.
bool isNamespaceByte(char c)
{
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) return true; // part of a (validated) UTF-8 sequence
    if (u <= 0x20 || u == 0x7f) return false;
    switch (c) {
    case '"':
    case '[':
    case ']':
    case '{':
    case '}':
    case '\\':
    case ',': return false;
    default: return true;
    }
}

bool idAllowed(SocketIoPacket::Type t)
{
    return t == SocketIoPacket::Event || t == SocketIoPacket::Ack || t == SocketIoPacket::BinaryEvent
        || t == SocketIoPacket::BinaryAck;
}

bool isPlaceholder(const QJsonObject &o)
{
    return o.value(QLatin1String("_placeholder")) == QJsonValue(true);
}

bool walkPlaceholders(const QJsonValue &v, int attachments, QList<int> *nums)
{
    if (v.isArray()) {
        const QJsonArray a = v.toArray();
        for (const QJsonValue &x : a)
            if (!walkPlaceholders(x, attachments, nums)) return false;
        return true;
    }
    if (!v.isObject()) return true;
    const QJsonObject o = v.toObject();
    if (isPlaceholder(o)) {
        // Exactly what the official encoder writes; a placeholder inside a
        // placeholder, a fractional num or extra keys are refused.
        const QJsonValue num = o.value(QLatin1String("num"));
        if (o.size() != 2 || !num.isDouble()) return false;
        const double d = num.toDouble();
        if (d < 0 || d >= attachments || d != double(int(d))) return false;
        nums->append(int(d));
        return true;
    }
    for (auto it = o.constBegin(); it != o.constEnd(); ++it)
        if (!walkPlaceholders(it.value(), attachments, nums)) return false;
    return true;
}

Result validatePayload(Result r)
{
    const SocketIoPacket &p = r.packet;
    const QJsonValue &d = p.data;
    switch (p.type) {
    case SocketIoPacket::Connect:
        if (!d.isUndefined() && !d.isObject())
            return fail(Error::InvalidPayload, QStringLiteral("CONNECT payload must be an object"));
        break;
    case SocketIoPacket::Disconnect:
        if (!d.isUndefined()) return fail(Error::InvalidPayload, QStringLiteral("DISCONNECT carries no payload"));
        break;
    case SocketIoPacket::Event:
    case SocketIoPacket::BinaryEvent: {
        if (!d.isArray() || d.toArray().isEmpty())
            return fail(Error::InvalidPayload, QStringLiteral("event payload must be a non-empty array"));
        const QJsonValue name = d.toArray().at(0);
        if (!name.isString())
            return fail(Error::InvalidPayload, QStringLiteral("event name (first array item) must be a string"));
        if (isReservedEventName(name.toString()))
            return fail(Error::ReservedEventName,
                        QStringLiteral("\"%1\" is a reserved event name").arg(name.toString()));
        break;
    }
    case SocketIoPacket::Ack:
    case SocketIoPacket::BinaryAck:
        if (!d.isArray()) return fail(Error::InvalidPayload, QStringLiteral("ACK payload must be an array"));
        break;
    case SocketIoPacket::ConnectError:
        if (!d.isObject() && !d.isString())
            return fail(Error::InvalidPayload, QStringLiteral("CONNECT_ERROR payload must be an object or a string"));
        break;
    }
    if (p.isBinary()) {
        QList<int> nums;
        if (!collectPlaceholders(d, p.attachments, &nums)) return fail(Error::BadPlaceholder);
        if (nums.size() != p.attachments)
            return fail(Error::BadPlaceholder,
                        QStringLiteral("binary packet announces %1 attachments but has %2 placeholders")
                            .arg(p.attachments)
                            .arg(nums.size()));
    }
    return r;
}

} // namespace

QString errorString(Error e)
{
    switch (e) {
    case Error::None: return QStringLiteral("no error");
    case Error::EmptyPacket: return QStringLiteral("empty Socket.IO packet");
    case Error::InvalidUtf8: return QStringLiteral("Socket.IO packet is not valid UTF-8");
    case Error::UnknownType: return QStringLiteral("unknown Socket.IO packet type");
    case Error::BadAttachmentCount: return QStringLiteral("illegal attachment count");
    case Error::TooManyAttachments: return QStringLiteral("too many binary attachments");
    case Error::BadNamespace: return QStringLiteral("invalid namespace");
    case Error::BadAckId: return QStringLiteral("invalid ack id");
    case Error::MissingAckId: return QStringLiteral("ACK packet without an ack id");
    case Error::InvalidJson: return QStringLiteral("payload is not valid JSON");
    case Error::InvalidPayload: return QStringLiteral("invalid payload for this packet type");
    case Error::ReservedEventName: return QStringLiteral("reserved event name");
    case Error::BadPlaceholder: return QStringLiteral("invalid binary placeholder");
    }
    return QStringLiteral("unknown error");
}

bool isReservedEventName(const QString &name)
{
    static const QStringList reserved = {
        QStringLiteral("connect"),       QStringLiteral("connect_error"), QStringLiteral("disconnect"),
        QStringLiteral("disconnecting"), QStringLiteral("newListener"),   QStringLiteral("removeListener"),
    };
    return reserved.contains(name);
}

bool collectPlaceholders(const QJsonValue &value, int attachments, QList<int> *nums)
{
    QList<int> found;
    if (!walkPlaceholders(value, attachments, &found)) return false;
    // Each attachment is referenced once: the official encoder never repeats one.
    QList<bool> seen(attachments, false);
    for (int n : found) {
        if (seen[n]) return false;
        seen[n] = true;
    }
    if (nums) *nums = found;
    return true;
}

QByteArray toJson(const QJsonValue &value)
{
    // QJsonDocument escapes every control character as \u00XX (U+001E too),
    // which keeps the polling record separator out of encoded packets.
    if (value.isObject()) return QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    if (value.isArray()) return QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
    if (value.isUndefined()) return QByteArray();
    // Scalars: QJsonDocument only takes containers, so wrap and unwrap.
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return wrapped.mid(1, wrapped.size() - 2);
}

Result decode(const QByteArray &s)
{
    if (s.isEmpty()) return fail(Error::EmptyPacket);
    if (!EngineIoCodec::isValidUtf8(s)) return fail(Error::InvalidUtf8);

    Result r;
    SocketIoPacket &p = r.packet;
    const char t = s.at(0);
    if (t < '0' || t > '6') return fail(Error::UnknownType);
    p.type = static_cast<SocketIoPacket::Type>(t - '0');
    qsizetype i = 1;
    const qsizetype n = s.size();

    if (p.isBinary()) {
        const qsizetype start = i;
        while (i < n && isDigit(s.at(i)) && i - start < 4) ++i;
        if (i == start || i >= n || s.at(i) != '-') return fail(Error::BadAttachmentCount);
        const int count = s.mid(start, i - start).toInt();
        if (count > MaxAttachments)
            return fail(Error::TooManyAttachments,
                        QStringLiteral("at most %1 binary attachments are accepted").arg(MaxAttachments));
        p.attachments = count;
        ++i; // '-'
    }

    if (i < n && s.at(i) == '/') {
        const qsizetype start = i;
        while (i < n && s.at(i) != ',') ++i;
        const QByteArray nsp = s.mid(start, i - start);
        if (nsp.size() > MaxNamespaceLength) return fail(Error::BadNamespace, QStringLiteral("namespace is too long"));
        for (qsizetype k = 1; k < nsp.size(); ++k)
            if (!isNamespaceByte(nsp.at(k)))
                return fail(Error::BadNamespace, QStringLiteral("namespace contains a forbidden character"));
        p.nsp = QString::fromUtf8(nsp);
        if (i < n) ++i; // ','
    } else {
        p.nsp = QStringLiteral("/");
    }

    if (i < n && isDigit(s.at(i))) {
        const qsizetype start = i;
        while (i < n && isDigit(s.at(i))) ++i;
        if (i - start > 16) return fail(Error::BadAckId, QStringLiteral("ack id is too large"));
        const qint64 id = s.mid(start, i - start).toLongLong();
        if (id > MaxAckId) return fail(Error::BadAckId, QStringLiteral("ack id is too large"));
        if (!idAllowed(p.type)) return fail(Error::BadAckId, QStringLiteral("this packet type takes no ack id"));
        p.id = id;
    }
    if ((p.type == SocketIoPacket::Ack || p.type == SocketIoPacket::BinaryAck) && !p.hasId())
        return fail(Error::MissingAckId);

    if (i < n) {
        // Wrapping in [] lets one parser handle every JSON value (Qt only
        // parses containers) and proves the payload is exactly one value.
        QByteArray wrapped;
        wrapped.reserve(n - i + 2);
        wrapped.append('[').append(s.constData() + i, n - i).append(']');
        QJsonParseError err;
        const QJsonDocument doc = JsonInput::parse(wrapped, &err);
        if (err.error != QJsonParseError::NoError || !doc.isArray() || doc.array().size() != 1)
            return fail(Error::InvalidJson);
        p.data = doc.array().at(0);
    } else {
        p.data = QJsonValue(QJsonValue::Undefined);
    }
    return validatePayload(r);
}

QByteArray encode(const SocketIoPacket &p)
{
    QByteArray out;
    out.append(char('0' + int(p.type)));
    if (p.isBinary()) out.append(QByteArray::number(p.attachments)).append('-');
    if (!p.nsp.isEmpty() && p.nsp != QLatin1String("/")) out.append(p.nsp.toUtf8()).append(',');
    if (p.hasId()) out.append(QByteArray::number(p.id));
    out.append(toJson(p.data));
    return out;
}

} // namespace SocketIoCodec

} // namespace switchboard
