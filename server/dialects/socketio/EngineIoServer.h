#pragma once

#include "EngineIoConfig.h"
#include "EngineIoHttp.h"
#include "EngineIoTimerQueue.h"

#include <QHash>
#include <QObject>

#include <optional>

namespace switchboard {

class EngineIoSocket;
class WebSocketConnection;

// The Engine.IO v4 endpoint (/socket.io/): routes polling requests and
// WebSocket connections to sessions by sid, creates sessions on handshake,
// and answers everything malformed the way the reference server does
// (docs/api/socketio-default.md#transport): HTTP 400 {"code":N,"message":...}, 403 for origins.
class EngineIoServer : public QObject
{
    Q_OBJECT
public:
    explicit EngineIoServer(const EngineIoConfig &config, QObject *parent = nullptr);
    ~EngineIoServer() override;

    const EngineIoConfig &config() const { return m_config; }
    void setConfig(const EngineIoConfig &config) { m_config = config; }

    // A plain HTTP request (GET, POST, OPTIONS) for the Engine.IO path.
    void handleHttp(const EngineIoHttpRequest &request, const EngineIoReply &reply);
    // Checked before a WebSocket upgrade is accepted: the refusal to send
    // instead of "101 Switching Protocols", or nullopt to accept.
    std::optional<EngineIoHttpResponse> checkUpgrade(const EngineIoHttpRequest &request) const;
    // An accepted WebSocket (already past 101); the server takes ownership.
    void handleWebSocket(WebSocketConnection *ws, const EngineIoHttpRequest &request);

    int sessionCount() const { return int(m_sessions.size()); }
    EngineIoSocket *session(const QString &sid) const { return m_sessions.value(sid); }

    static EngineIoHttpResponse errorResponse(int status, int code, const QString &message);

Q_SIGNALS:
    // A new Engine.IO session is open; connect to its signals right away, and
    // copy what is needed from its handshakeRequest(), released afterwards.
    void connection(EngineIoSocket *socket);

private:
    enum ErrorCode {
        TransportUnknown = 0,
        SessionIdUnknown = 1,
        BadHandshakeMethod = 2,
        BadRequest = 3,
        Forbidden = 4,
        UnsupportedProtocolVersion = 5
    };

    bool refusesOrigin(const EngineIoHttpRequest &request) const;
    void addCors(const EngineIoHttpRequest &request, EngineIoHttpResponse *response) const;
    EngineIoSocket *createSession(const EngineIoHttpRequest &request);
    QString newSid() const;

    EngineIoConfig m_config;
    QHash<QString, EngineIoSocket *> m_sessions;
    // Every session's heartbeat and timeouts: one QTimer for the whole server.
    EngineIoTimerQueue m_timers;
};

} // namespace switchboard
