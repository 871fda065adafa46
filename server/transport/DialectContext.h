#pragma once

#include "WebSocketSession.h"

#include <QStringList>

namespace switchboard {

class ChatService;

// What the server hands every dialect when it installs its routes: the core
// and the configured limits. A dialect installs itself with
// `static void install(Router &, const DialectContext &)`.
struct DialectContext
{
    ChatService *chat = nullptr;
    WebSocketSession::Limits wsLimits;
    int heartbeatTimeoutMs = 60000; // Phoenix heartbeat / workspace JSON ping timeout
    int pingIntervalMs = 25000;     // Engine.IO
    int pingTimeoutMs = 20000;      // Engine.IO
    int connectTimeoutMs = 45000;   // Socket.IO: a session with no CONNECT (not authenticated) is closed
    int maxUnauthenticated = 10000; // Socket.IO sessions with no CONNECT yet; 0: no cap
    QString uploadDir;
    // Cluster only: this node's SessionTag, put in front of Engine.IO sids and
    // Phoenix long-poll tokens so a balancer can route polls to their node.
    QString sessionTag;
};

} // namespace switchboard
