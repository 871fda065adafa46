#include "ClusterEventCodec.h"

#include "core/EventLogCodec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace switchboard {

QByteArray ClusterEventCodec::encodeEvent(const QString &node, const ChatEvent &e, const QStringList &topics)
{
    QJsonObject o{{"n", node},
                  {"k", "e"},
                  {"t", QString::fromLatin1(ChatEvent::typeName(e.type))},
                  {"c", e.channel.id},
                  {"s", e.seq},
                  {"g", e.gid},
                  {"a", e.at},
                  {"st", e.status},
                  {"tp", QJsonArray::fromStringList(topics)},
                  {"p", QString::fromUtf8(EventLogCodec::encode(e.message, e.reaction, e.actor.id, e.subject.id))}};
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QByteArray ClusterEventCodec::encodeNotice(const QString &node, const QString &kind, const QStringList &ids,
                                           qint64 token)
{
    QJsonObject o{{"n", node}, {"k", "d"}, {"d", kind}};
    if (!ids.isEmpty()) o.insert(QStringLiteral("ids"), QJsonArray::fromStringList(ids));
    if (token > 0) o.insert(QStringLiteral("q"), token);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

ClusterEventCodec::Frame ClusterEventCodec::decode(const QByteArray &bytes)
{
    Frame f;
    const QJsonObject o = QJsonDocument::fromJson(bytes).object();
    f.node = o.value("n").toString();
    const QString k = o.value("k").toString();
    if (f.node.isEmpty()) return f;
    if (k == QLatin1String("d")) {
        f.directory = true;
        f.kind = o.value("d").toString();
        f.token = qMax<qint64>(0, o.value("q").toInteger());
        for (const QJsonValue &id : o.value("ids").toArray())
            if (id.isString() && !id.toString().isEmpty()) f.ids.append(id.toString());
        f.ok = !f.kind.isEmpty();
        return f;
    }
    if (k == QLatin1String("p") || k == QLatin1String("t") || k == QLatin1String("h")) {
        f.ephemeral = true;
        f.kind = k;
        f.body = o;
        f.ok = true;
        return f;
    }
    if (k != QLatin1String("e")) return f;
    f.type = o.value("t").toString();
    f.channelId = o.value("c").toString();
    f.status = o.value("st").toString();
    f.seq = o.value("s").toInteger();
    f.gid = o.value("g").toInteger();
    f.at = o.value("a").toInteger();
    f.payload = o.value("p").toString().toUtf8();
    for (const QJsonValue &t : o.value("tp").toArray()) f.topics.append(t.toString());
    f.ok = !f.type.isEmpty() && !f.topics.isEmpty();
    return f;
}

} // namespace switchboard
