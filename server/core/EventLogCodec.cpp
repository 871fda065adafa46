#include "EventLogCodec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace switchboard {

namespace {

QJsonObject reactionJson(const Reaction &r)
{
    return {{"id", r.id}, {"m", r.messageId}, {"u", r.userId}, {"e", r.emoji}, {"t", r.createdAt}};
}

Reaction reactionFrom(const QJsonObject &o)
{
    return {o.value("id").toString(), o.value("m").toString(), o.value("u").toString(), o.value("e").toString(),
            qint64(o.value("t").toDouble())};
}

qint64 ms(const QJsonObject &o, const char *key)
{
    return qint64(o.value(QLatin1String(key)).toDouble());
}

} // namespace

QByteArray EventLogCodec::encode(const Message &m, const Reaction &reaction, const QString &actorId,
                                 const QString &subjectId)
{
    QJsonObject o;
    if (m.isValid()) {
        QJsonArray atts, reacts;
        for (const Attachment &a : m.attachments) atts.append(a.toJson());
        for (const Reaction &r : m.reactions) reacts.append(reactionJson(r));
        o.insert("m", QJsonObject{{"id", m.id},
                                  {"ch", m.channelId},
                                  {"u", m.userId},
                                  {"c", m.content},
                                  {"th", m.threadId},
                                  {"re", m.replyToId},
                                  {"fw", m.forwardedFromId},
                                  {"md", m.metadata},
                                  {"at", atts},
                                  {"rx", reacts},
                                  {"mn", QJsonArray::fromStringList(m.mentions)},
                                  {"sq", m.seq},
                                  {"ct", m.createdAt},
                                  {"et", m.editedAt},
                                  {"dt", m.deletedAt},
                                  {"rc", m.replyCount},
                                  {"lr", m.lastReplyAt}});
    }
    if (reaction.isValid()) o.insert("r", reactionJson(reaction));
    if (!actorId.isEmpty()) o.insert("a", actorId);
    if (!subjectId.isEmpty()) o.insert("s", subjectId);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

EventLogCodec::Decoded EventLogCodec::decode(const QByteArray &payload)
{
    Decoded d;
    const QJsonDocument doc = QJsonDocument::fromJson(payload);
    if (!doc.isObject()) return d;
    const QJsonObject o = doc.object();
    if (o.contains("m")) {
        const QJsonObject j = o.value("m").toObject();
        Message &m = d.message;
        m.id = j.value("id").toString();
        m.channelId = j.value("ch").toString();
        m.userId = j.value("u").toString();
        m.content = j.value("c").toString();
        m.threadId = j.value("th").toString();
        m.replyToId = j.value("re").toString();
        m.forwardedFromId = j.value("fw").toString();
        m.metadata = j.value("md").toObject();
        for (const QJsonValue &a : j.value("at").toArray()) m.attachments.append(Attachment::fromJson(a.toObject()));
        for (const QJsonValue &r : j.value("rx").toArray()) m.reactions.append(reactionFrom(r.toObject()));
        for (const QJsonValue &u : j.value("mn").toArray()) m.mentions.append(u.toString());
        m.seq = ms(j, "sq");
        m.createdAt = ms(j, "ct");
        m.editedAt = ms(j, "et");
        m.deletedAt = ms(j, "dt");
        m.replyCount = j.value("rc").toInt();
        m.lastReplyAt = ms(j, "lr");
    }
    if (o.contains("r")) d.reaction = reactionFrom(o.value("r").toObject());
    d.actorId = o.value("a").toString();
    d.subjectId = o.value("s").toString();
    d.ok = true;
    return d;
}

} // namespace switchboard
