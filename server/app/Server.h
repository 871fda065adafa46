#pragma once

#include "ServerConfig.h"

#include <QObject>

#include <memory>

namespace switchboard {

class AdminFeed;
class ChatService;
class ClusterBus;
class HttpServer;
class RestApi;
class Store;
class TlsContext;

// Wires the parts: storage, the chat core, the HTTP front, the REST API and
// every dialect. start() either brings everything up or leaves nothing running.
class Server : public QObject
{
    Q_OBJECT
public:
    explicit Server(const ServerConfig &config, QObject *parent = nullptr);
    ~Server() override;

    bool start(QString *error);
    // Graceful stop: no new connections, sockets closed with 1001, writes flushed.
    void shutdown();
    bool isReady() const { return m_ready; }
    QList<quint16> ports() const;
    // SIGHUP: reads --tls-cert/--tls-key again; on failure the old certificate
    // stays and the reason is logged. True when there is no TLS.
    bool reloadCertificates();
    // --allowed-origins, live: REST, Engine.IO, Phoenix long-poll and upgrades.
    void setAllowedOrigins(const QStringList &origins);
    ChatService *chat() const { return m_chat; }

Q_SIGNALS:
    void stopped();

private:
    void installDialects();

    ServerConfig m_config;
    Store *m_store = nullptr;
    ClusterBus *m_cluster = nullptr; // with --redis
    ChatService *m_chat = nullptr;
    HttpServer *m_http = nullptr;
    TlsContext *m_tls = nullptr;
    RestApi *m_rest = nullptr;
    AdminFeed *m_admin = nullptr;
    bool m_ready = false;
    bool m_shuttingDown = false;
};

} // namespace switchboard
