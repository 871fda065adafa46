#pragma once

#include "http/OriginPolicy.h"

#include <QStringList>
#include <QtGlobal>

namespace switchboard {

// Engine.IO server limits and timings; defaults are the reference server's
// (npm engine.io 6.x) so that stock clients need no options.
struct EngineIoConfig
{
    int pingInterval = 25000;           // ms between server pings
    int pingTimeout = 20000;            // ms to wait for the pong
    qint64 maxPayload = 1000000;        // bytes: one POST body, one WS frame
    int upgradeTimeout = 10000;         // ms from WS probe to "5"
    int connectTimeout = 45000;         // ms to wait for the first Socket.IO CONNECT
    int maxUnauthenticated = 10000;     // sessions still waiting for it; more are closed at once; 0: no cap
    qint64 maxSendQueueBytes = 8 << 20; // polling queue cap: a reader this slow is cut off
    // Origins that get CORS answers and may send the token cookie (polling and
    // WebSocket); a cookie from any other origin is refused with 403. A
    // request without Origin (Node, curl) is not a browser's and passes.
    OriginPolicy origins;
    // Put in front of every sid ("node1." in a cluster, transport/SessionTag.h).
    QString sidPrefix;
};

} // namespace switchboard
