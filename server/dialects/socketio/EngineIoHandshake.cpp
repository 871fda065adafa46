#include "EngineIoHandshake.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace switchboard {

QByteArray EngineIoHandshake::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("sid"), sid);
    o.insert(QStringLiteral("upgrades"), QJsonArray::fromStringList(upgrades));
    o.insert(QStringLiteral("pingInterval"), pingInterval);
    o.insert(QStringLiteral("pingTimeout"), pingTimeout);
    o.insert(QStringLiteral("maxPayload"), double(maxPayload));
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

std::optional<EngineIoHandshake> EngineIoHandshake::fromJson(const QByteArray &json)
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject()) return std::nullopt;
    const QJsonObject o = doc.object();
    const QJsonValue sid = o.value(QLatin1String("sid"));
    const QJsonValue upgrades = o.value(QLatin1String("upgrades"));
    const QJsonValue interval = o.value(QLatin1String("pingInterval"));
    const QJsonValue timeout = o.value(QLatin1String("pingTimeout"));
    const QJsonValue maxPayload = o.value(QLatin1String("maxPayload"));
    if (!sid.isString() || sid.toString().isEmpty() || !upgrades.isArray() || !interval.isDouble()
        || !timeout.isDouble() || !maxPayload.isDouble())
        return std::nullopt;

    EngineIoHandshake h;
    h.sid = sid.toString();
    for (const QJsonValue &u : upgrades.toArray()) {
        if (!u.isString()) return std::nullopt;
        h.upgrades << u.toString();
    }
    h.pingInterval = interval.toInt(-1);
    h.pingTimeout = timeout.toInt(-1);
    // A JS number: only a safe integer is taken; converting a larger double to
    // qint64 is undefined behaviour (found by fuzz_engineio, docs/fuzzing.md).
    const double payloadBytes = maxPayload.toDouble();
    if (!(payloadBytes > 0 && payloadBytes <= 9007199254740991.0)) return std::nullopt;
    h.maxPayload = qint64(payloadBytes);
    if (h.pingInterval <= 0 || h.pingTimeout <= 0 || h.maxPayload <= 0) return std::nullopt;
    return h;
}

} // namespace switchboard
