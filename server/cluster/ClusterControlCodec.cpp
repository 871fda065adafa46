#include "ClusterControlCodec.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace switchboard {

namespace {

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

} // namespace

QByteArray ClusterControlCodec::encodeRequest(const Request &r)
{
    return compact({{"k", "ask"},
                    {"id", r.id},
                    {"from", r.from},
                    {"op", r.op},
                    {"connection", r.connectionId},
                    {"user", r.userId},
                    {"reason", r.reason}});
}

QByteArray ClusterControlCodec::encodeReply(const Reply &r)
{
    return compact({{"k", "answer"},
                    {"id", r.id},
                    {"from", r.from},
                    {"ok", r.ok},
                    {"code", r.code},
                    {"message", r.message},
                    {"count", r.count}});
}

QByteArray ClusterControlCodec::encodePage(const Page &p)
{
    QJsonArray rows;
    for (const ConnectionInfo &c : p.rows) rows.append(c.toJson());
    return compact({{"k", "page"}, {"id", p.id}, {"from", p.from}, {"part", p.part}, {"last", p.last}, {"rows", rows}});
}

ClusterControlCodec::Frame ClusterControlCodec::decode(const QByteArray &bytes)
{
    Frame f;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes);
    if (!doc.isObject()) return f;
    const QJsonObject o = doc.object();
    const QString kind = str(o, "k");
    if (str(o, "id").isEmpty() || str(o, "from").isEmpty()) return f;
    if (kind == QLatin1String("ask")) {
        Request &r = f.request;
        r.id = str(o, "id");
        r.from = str(o, "from");
        r.op = str(o, "op");
        r.connectionId = str(o, "connection");
        r.userId = str(o, "user");
        r.reason = str(o, "reason");
        const bool known = (r.op == QLatin1String("disconnect") && !r.connectionId.isEmpty())
                        || (r.op == QLatin1String("disconnect_user") && !r.userId.isEmpty())
                        || r.op == QLatin1String("list_connections");
        if (known) f.kind = Frame::Kind::Request;
    } else if (kind == QLatin1String("answer") && o.value(QLatin1String("ok")).isBool()) {
        Reply &r = f.reply;
        r.id = str(o, "id");
        r.from = str(o, "from");
        r.ok = o.value(QLatin1String("ok")).toBool();
        r.code = str(o, "code");
        r.message = str(o, "message");
        r.count = qMax(0, o.value(QLatin1String("count")).toInt());
        f.kind = Frame::Kind::Reply;
    } else if (kind == QLatin1String("page") && o.value(QLatin1String("last")).isBool()
               && o.value(QLatin1String("part")).isDouble() && o.value(QLatin1String("rows")).isArray()) {
        Page &p = f.page;
        p.id = str(o, "id");
        p.from = str(o, "from");
        p.part = o.value(QLatin1String("part")).toInt(-1);
        p.last = o.value(QLatin1String("last")).toBool();
        if (p.part < 0) return f;
        for (const QJsonValue &v : o.value(QLatin1String("rows")).toArray()) {
            ConnectionInfo c;
            if (!ConnectionInfo::fromJson(v.toObject(), &c)) return f; // one bad row spoils the page
            p.rows.append(c);
        }
        f.kind = Frame::Kind::Page;
    }
    return f;
}

bool ClusterControlCodec::decodeLease(const QByteArray &json, NodeInfo *out)
{
    const QJsonObject o = QJsonDocument::fromJson(json).object();
    if (str(o, "id").isEmpty()) return false;
    NodeInfo n;
    n.id = str(o, "id");
    n.listen = str(o, "listen");
    const QDateTime started = QDateTime::fromString(str(o, "started"), Qt::ISODateWithMs);
    n.started = started.isValid() ? started.toMSecsSinceEpoch() : 0;
    n.connections = qMax<qint64>(0, qint64(o.value(QLatin1String("connections")).toDouble()));
    *out = n;
    return true;
}

} // namespace switchboard
