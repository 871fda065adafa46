#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

namespace switchboard {

// The JSON body of the Engine.IO `open` packet (engine.io-protocol v4, "Handshake"). Field names
// and defaults follow the reference server so that clients need no options.
struct EngineIoHandshake
{
    QString sid;
    QStringList upgrades;     // ["websocket"] for polling-born sessions, [] for WS-born
    int pingInterval = 25000; // ms
    int pingTimeout = 20000;  // ms
    qint64 maxPayload = 1000000;

    QByteArray toJson() const;
    // Strict: every field present with the right JSON type; nullopt otherwise.
    static std::optional<EngineIoHandshake> fromJson(const QByteArray &json);

    bool operator==(const EngineIoHandshake &o) const
    {
        return sid == o.sid && upgrades == o.upgrades && pingInterval == o.pingInterval && pingTimeout == o.pingTimeout
            && maxPayload == o.maxPayload;
    }
};

} // namespace switchboard
