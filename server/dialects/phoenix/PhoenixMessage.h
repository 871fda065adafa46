#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace switchboard {

// One Phoenix Channels message: {join_ref, ref, topic, event, payload}.
// Refs are optional because the wire distinguishes null from "": broadcasts
// and pushes carry a null ref, v1 clients send no join_ref at all.
struct PhoenixMessage
{
    std::optional<QString> joinRef;
    std::optional<QString> ref;
    QString topic;
    QString event;
    QJsonObject payload;
    // Set for binary frames (vsn 2.0.0 only). For a binary phx_reply the
    // status lives in payload["status"] and these bytes are the response.
    std::optional<QByteArray> binary;

    bool isBinary() const { return binary.has_value(); }
};

// Event names the protocol reserves (Phoenix.Channel and phoenix.js).
namespace PhoenixEvent {
inline const QString join = QStringLiteral("phx_join");
inline const QString leave = QStringLiteral("phx_leave");
inline const QString reply = QStringLiteral("phx_reply");
inline const QString error = QStringLiteral("phx_error");
inline const QString close = QStringLiteral("phx_close");
inline const QString heartbeat = QStringLiteral("heartbeat");
inline const QString heartbeatTopic = QStringLiteral("phoenix");
} // namespace PhoenixEvent

} // namespace switchboard
