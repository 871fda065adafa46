#pragma once

#include <QString>

namespace switchboard {

struct EngineIoPacket;

// The layer above one Engine.IO session (SocketIoConnection), called directly
// right after each of EngineIoSocket's signals is emitted: three signal
// connections per idle session cost ~500 bytes (idle memory, docs/design.md); a pointer costs 8.
class EngineIoSocketListener
{
public:
    virtual void engineIoPacket(const EngineIoPacket &packet) = 0;
    virtual void engineIoTransportChanged() = 0;
    virtual void engineIoClosed(const QString &reason) = 0;

protected:
    ~EngineIoSocketListener() = default;
};

} // namespace switchboard
