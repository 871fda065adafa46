#include "AdminProtocol.h"

#include "AdminJson.h"
#include "JsonInput.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace switchboard {

namespace {

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

template <typename T>
QJsonArray toArray(const QList<T> &items)
{
    QJsonArray a;
    for (const T &item : items) a.append(item.toJson());
    return a;
}

// Reads an array of objects with T::fromJson; one bad element fails the
// whole message, because a half-applied snapshot would be a lie.
template <typename T>
bool fromArray(const QJsonValue &v, QList<T> *out, const char *field, QString *code, QString *message)
{
    if (v.isUndefined()) return true;
    if (!v.isArray()) {
        *code = QLatin1String(AdminProtocol::ErrorBadRequest);
        *message = QStringLiteral("\"%1\" must be an array").arg(QLatin1String(field));
        return false;
    }
    const QJsonArray a = v.toArray();
    out->reserve(a.size());
    for (const QJsonValue &e : a) {
        T item;
        if (!e.isObject() || !T::fromJson(e.toObject(), &item)) {
            *code = QLatin1String(AdminProtocol::ErrorBadRequest);
            *message = QStringLiteral("malformed element in \"%1\"").arg(QLatin1String(field));
            return false;
        }
        out->append(item);
    }
    return true;
}

struct TypeName
{
    AdminMessage::Type type;
    const char *name;
};
const TypeName typeNames[] = {
    {AdminMessage::Type::Snapshot, "snapshot"}, {AdminMessage::Type::Delta, "delta"},
    {AdminMessage::Type::Traffic, "traffic"},   {AdminMessage::Type::Result, "result"},
    {AdminMessage::Type::Audit, "audit"},       {AdminMessage::Type::Error, "error"},
    {AdminMessage::Type::Command, "command"},   {AdminMessage::Type::SnapshotPart, "snapshot_part"},
};

} // namespace

QString AdminProtocol::typeName(AdminMessage::Type type)
{
    for (const TypeName &tn : typeNames) {
        if (tn.type == type) return QLatin1String(tn.name);
    }
    return QString();
}

QByteArray AdminProtocol::encodeSnapshot(const QList<ConnectionInfo> &connections, const QList<ChannelInfo> &channels,
                                         const ServerStats &stats, const TrafficFilter &filter, const QString &server,
                                         const QList<NodeInfo> *nodes)
{
    QJsonObject o{
        {"type", "snapshot"},
        {"protocol", Version},
        {"server", server},
        {"connections", toArray(connections)},
        {"channels", toArray(channels)},
        {"stats", stats.toJson()},
        {"traffic_filter", filter.toJson()},
    };
    if (nodes) o.insert(QLatin1String("nodes"), toArray(*nodes));
    return compact(o);
}

QByteArray AdminProtocol::encodeSnapshotPart(int part, bool last, const QList<ConnectionInfo> &connections,
                                             const QList<ChannelInfo> &channels, const ServerStats *stats,
                                             const TrafficFilter &filter, const QString &server,
                                             const QList<NodeInfo> *nodes)
{
    QJsonObject o{
        {"type", "snapshot_part"},
        {"protocol", Version},
        {"server", server},
        {"part", part},
        {"last", last},
        {"connections", toArray(connections)},
        {"channels", toArray(channels)},
        {"traffic_filter", filter.toJson()},
    };
    if (stats) o.insert(QLatin1String("stats"), stats->toJson());
    if (nodes) o.insert(QLatin1String("nodes"), toArray(*nodes));
    return compact(o);
}

QByteArray AdminProtocol::encodeDelta(const QList<ConnectionInfo> &changedConnections,
                                      const QStringList &removedConnections, const QList<ChannelInfo> &changedChannels,
                                      const QStringList &removedChannels, const ServerStats *stats,
                                      const QList<NodeInfo> *nodes)
{
    QJsonObject o{{"type", "delta"}};
    if (!changedConnections.isEmpty()) o.insert(QLatin1String("connections"), toArray(changedConnections));
    if (!removedConnections.isEmpty())
        o.insert(QLatin1String("connections_removed"), QJsonArray::fromStringList(removedConnections));
    if (!changedChannels.isEmpty()) o.insert(QLatin1String("channels"), toArray(changedChannels));
    if (!removedChannels.isEmpty())
        o.insert(QLatin1String("channels_removed"), QJsonArray::fromStringList(removedChannels));
    if (stats) o.insert(QLatin1String("stats"), stats->toJson());
    if (nodes) o.insert(QLatin1String("nodes"), toArray(*nodes));
    return compact(o);
}

QByteArray AdminProtocol::encodeTraffic(const QList<TrafficEvent> &events, qint64 dropped)
{
    return compact({{"type", "traffic"}, {"events", toArray(events)}, {"dropped", double(dropped)}});
}

QByteArray AdminProtocol::encodeResult(const AdminResult &result)
{
    return compact(result.toJson("result"));
}

QByteArray AdminProtocol::encodeAudit(const AdminResult &result)
{
    AdminResult r = result;
    r.id.clear(); // ids belong to the asking console only
    return compact(r.toJson("audit"));
}

QByteArray AdminProtocol::encodeError(const QString &code, const QString &message)
{
    return compact({{"type", "error"}, {"error", QJsonObject{{"code", code}, {"message", message}}}});
}

QByteArray AdminProtocol::encodeCommand(const AdminCommand &command)
{
    return compact(command.toJson());
}

bool AdminProtocol::decode(const QByteArray &data, AdminMessage *out, QString *errorCode, QString *errorMessage)
{
    QString codeBuf, messageBuf;
    QString *code = errorCode ? errorCode : &codeBuf;
    QString *message = errorMessage ? errorMessage : &messageBuf;

    QJsonParseError parseError;
    const QJsonDocument doc = JsonInput::parse(data, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        *code = QLatin1String(ErrorBadJson);
        *message = parseError.error != QJsonParseError::NoError
                     ? QStringLiteral("not JSON: %1").arg(parseError.errorString())
                     : QStringLiteral("a message must be a JSON object");
        return false;
    }
    const QJsonObject o = doc.object();
    const QString type = o.value(QLatin1String("type")).toString();

    AdminMessage m;
    for (const TypeName &tn : typeNames) {
        if (type == QLatin1String(tn.name)) m.type = tn.type;
    }

    switch (m.type) {
    case AdminMessage::Type::Invalid:
        *code = QLatin1String(ErrorUnknownType);
        *message = type.isEmpty() ? QStringLiteral("missing field \"type\"")
                                  : QStringLiteral("unknown message type \"%1\"").arg(type.left(64));
        return false;
    case AdminMessage::Type::Snapshot:
        m.protocol = o.value(QLatin1String("protocol")).toInt();
        m.server = o.value(QLatin1String("server")).toString();
        m.trafficFilter = TrafficFilter::fromJson(o.value(QLatin1String("traffic_filter")).toObject());
        m.hasStats = true;
        m.stats = ServerStats::fromJson(o.value(QLatin1String("stats")).toObject());
        if (!fromArray(o.value(QLatin1String("connections")), &m.connections, "connections", code, message)
            || !fromArray(o.value(QLatin1String("channels")), &m.channels, "channels", code, message)
            || !fromArray(o.value(QLatin1String("nodes")), &m.nodes, "nodes", code, message))
            return false;
        m.hasNodes = o.value(QLatin1String("nodes")).isArray();
        break;
    case AdminMessage::Type::SnapshotPart:
        m.protocol = o.value(QLatin1String("protocol")).toInt();
        m.server = o.value(QLatin1String("server")).toString();
        m.trafficFilter = TrafficFilter::fromJson(o.value(QLatin1String("traffic_filter")).toObject());
        if (!o.value(QLatin1String("part")).isDouble() || o.value(QLatin1String("part")).toInt(-1) < 0) {
            *code = QLatin1String(ErrorBadRequest);
            *message = QStringLiteral("\"part\" must be a number from 0");
            return false;
        }
        m.part = o.value(QLatin1String("part")).toInt();
        m.lastPart = o.value(QLatin1String("last")).toBool();
        m.hasStats = o.value(QLatin1String("stats")).isObject();
        if (m.hasStats) m.stats = ServerStats::fromJson(o.value(QLatin1String("stats")).toObject());
        if (!fromArray(o.value(QLatin1String("connections")), &m.connections, "connections", code, message)
            || !fromArray(o.value(QLatin1String("channels")), &m.channels, "channels", code, message)
            || !fromArray(o.value(QLatin1String("nodes")), &m.nodes, "nodes", code, message))
            return false;
        m.hasNodes = o.value(QLatin1String("nodes")).isArray();
        break;
    case AdminMessage::Type::Delta:
        if (!fromArray(o.value(QLatin1String("connections")), &m.connections, "connections", code, message)
            || !fromArray(o.value(QLatin1String("channels")), &m.channels, "channels", code, message)
            || !fromArray(o.value(QLatin1String("nodes")), &m.nodes, "nodes", code, message))
            return false;
        m.hasNodes = o.value(QLatin1String("nodes")).isArray();
        m.removedConnections = AdminJson::stringList(o.value(QLatin1String("connections_removed")));
        m.removedChannels = AdminJson::stringList(o.value(QLatin1String("channels_removed")));
        m.hasStats = o.value(QLatin1String("stats")).isObject();
        if (m.hasStats) m.stats = ServerStats::fromJson(o.value(QLatin1String("stats")).toObject());
        break;
    case AdminMessage::Type::Traffic:
        if (!fromArray(o.value(QLatin1String("events")), &m.traffic, "events", code, message)) return false;
        m.dropped = AdminJson::count(o.value(QLatin1String("dropped")));
        break;
    case AdminMessage::Type::Result:
    case AdminMessage::Type::Audit: m.result = AdminResult::fromJson(o); break;
    case AdminMessage::Type::Error: {
        const QJsonObject e = o.value(QLatin1String("error")).toObject();
        m.errorCode = e.value(QLatin1String("code")).toString();
        m.errorMessage = e.value(QLatin1String("message")).toString();
        break;
    }
    case AdminMessage::Type::Command:
        if (data.size() > MaxCommandBytes) {
            *code = QLatin1String(ErrorTooLarge);
            *message = QStringLiteral("a command may be at most %1 bytes").arg(MaxCommandBytes);
            return false;
        }
        if (!AdminCommand::fromJson(o, &m.command, code, message)) return false;
        break;
    }
    *out = m;
    return true;
}

bool AdminProtocol::decodeCommand(const QByteArray &data, AdminCommand *out, QString *errorCode, QString *errorMessage)
{
    if (data.size() > MaxCommandBytes) {
        *errorCode = QLatin1String(ErrorTooLarge);
        *errorMessage = QStringLiteral("a command may be at most %1 bytes").arg(MaxCommandBytes);
        return false;
    }
    AdminMessage m;
    if (!decode(data, &m, errorCode, errorMessage)) return false;
    if (m.type != AdminMessage::Type::Command) {
        *errorCode = QLatin1String(ErrorUnknownType);
        *errorMessage = QStringLiteral("a console may only send commands, not \"%1\"").arg(typeName(m.type));
        return false;
    }
    *out = m.command;
    return true;
}

} // namespace switchboard
