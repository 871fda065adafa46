#pragma once

#include <QByteArray>

namespace switchboard {

// One Engine.IO v4 packet. Text packets carry UTF-8 in `data`; a binary packet
// is always a message whose `data` holds raw bytes (a binary WebSocket frame,
// or a 'b'+base64 record in a polling body).
struct EngineIoPacket
{
    enum Type { Open = 0, Close = 1, Ping = 2, Pong = 3, Message = 4, Upgrade = 5, Noop = 6 };

    Type type = Noop;
    QByteArray data;
    bool binary = false;

    static EngineIoPacket make(Type t, const QByteArray &d = {}) { return {t, d, false}; }
    static EngineIoPacket message(const QByteArray &utf8) { return {Message, utf8, false}; }
    static EngineIoPacket binaryMessage(const QByteArray &bytes) { return {Message, bytes, true}; }

    bool operator==(const EngineIoPacket &o) const { return type == o.type && data == o.data && binary == o.binary; }
    bool operator!=(const EngineIoPacket &o) const { return !(*this == o); }
};

} // namespace switchboard
