#include "Server.h"

#include "admin/AdminFeed.h"
#include "core/ChatService.h"
#include "core/EventOutlet.h"
#include "cluster/ClusterBus.h"
#include "cluster/ClusterControl.h"
#include "cluster/NodeLease.h"
#include "core/Metrics.h"
#include "net/EpollEventDispatcher.h"
#include "net/ReadHold.h"
#include "net/SendBudget.h"
#include "net/WebSocketFlushQueue.h"
#include "core/EphemeralLane.h"
#include "cluster/RedisUrl.h"
#include "transport/DialectContext.h"
#include "transport/SessionTag.h"
#include "transport/WebSocketSession.h"
#include "dialects/flatjson/FlatJsonDialect.h"
#include "http/HttpServer.h"
#include "net/TlsContext.h"
#include "core/LoopLagProbe.h"
#include "MemoryReturner.h"
#include "dialects/phoenix/PhoenixDialect.h"
#include "dialects/rest/RestApi.h"
#include "core/Session.h"
#include "dialects/socketio/SocketIoDialect.h"
#include "storage/Store.h"
#include "storage/StoreWriter.h"
#include "dialects/workspacejson/WorkspaceJsonDialect.h"

#include <QAbstractEventDispatcher>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include "core/LoopLagProbe.h"

#include <QTimer>

namespace switchboard {

Q_LOGGING_CATEGORY(lcServer, "switchboard.server")

Server::Server(const ServerConfig &config, QObject *parent) : QObject(parent), m_config(config) {}

Server::~Server() = default;

bool Server::start(QString *error)
{
    if (!m_config.resolveSecret(error)) return false;
    m_store = new Store(this);
    if (!m_store->open(m_config.database, m_config.dataDir, error)) return false;
    m_chat = new ChatService(m_store, m_config.jwtSecret, m_config.core, this);
    new LoopLagProbe(this);
    new MemoryReturner(m_chat, this);
    if (!m_chat->start(error)) return false;
    // Ephemeral frames and reactions are sent after messages (EventOutlet::isBulk()).
    m_chat->outlet()->setBulkScope([](bool on) { WebSocketFlushQueue::instance()->setBulk(on); });
    // One budget for ephemeral work: building the frames (the lane's slice) and sending them.
    WebSocketFlushQueue::instance()->setBulkBudget(qint64(m_config.core.ephemeralBudgetMs) * 1000 * 1000);
    // /metrics: where a message's time in the server goes, stage by stage.
    StoreWriter::setStageObserver([](StoreWriter::Stage stage, quint64 us) {
        Metrics &m = Metrics::instance();
        Metrics::Histogram &h = stage == StoreWriter::Stage::Queued ? m.storageQueueWaitMs
                              : stage == StoreWriter::Stage::Commit ? m.storageCommitMs
                                                                    : m.storageHandbackMs;
        h.observe(us / 1000.0);
    });
    WebSocketFlushQueue::setUrgentWaitObserver([](qint64 ns) { Metrics::instance().sendWaitMs.observe(ns / 1e6); });
    if (auto *epoll = qobject_cast<EpollEventDispatcher *>(QAbstractEventDispatcher::instance()))
        epoll->setPassObserver([](qint64 ns) { Metrics::instance().loopPassMs.observe(ns / 1e6); });
    if (!m_config.redis.isEmpty()) {
        m_cluster = new ClusterBus(m_chat, RedisUrl::parse(m_config.redis), m_config.nodeId, this);
        m_cluster->start(m_config.nodeLeaseMs, m_config.presenceGraceMs);
    }

    SendBudget::instance().setLimit(m_config.maxTotalSendQueueBytes);
    // Backpressure: while the loop or the disk is behind on accepted writes,
    // clients' further frames wait in their sockets (TCP pushes back).
    connect(m_store, &Store::pressureChanged, this, [](bool over) { ReadHold::instance().setHeld(over); });
    m_store->setPressureLimits(m_config.maxPendingWrites, m_config.maxHandbackLagMs);
    m_http = new HttpServer(this);
    m_http->limits() = m_config.http;
    m_http->limits().maxBodyBytes = m_config.maxUploadBytes + 256 * 1024;
    RestApi::Options rest;
    rest.uploadDir = m_config.uploadDir;
    rest.maxUploadBytes = m_config.maxUploadBytes;
    rest.isReady = [this] { return m_ready; };
    m_rest = new RestApi(m_chat, rest, this);
    m_rest->install(m_http->router());
    installDialects();

    if (!m_http->listen(m_config.listen, error)) return false;
    if (!m_config.tlsListen.isEmpty()) {
        m_tls = new TlsContext(m_config.tlsCert, m_config.tlsKey, this);
        if (!m_tls->load(error) || !m_http->listenTls(m_config.tlsListen, m_tls, error)) {
            m_http->stopListening();
            return false;
        }
    }
    // After listen: a failed start prints its one error line and nothing else. No
    // request can arrive in between: the event loop has not run yet.
    m_admin = AdminFeed::install(m_http->router(), m_chat, m_config.adminToken, this);
    if (m_cluster) {
        // Every node answers other nodes' consoles, with a console of its own or not.
        auto *control = new ClusterControl(m_chat, m_cluster, this);
        control->setPageSize(m_config.clusterListPageRows);
        if (m_admin) m_admin->setCluster(control);
    }
    m_ready = true;
    if (m_cluster && !m_http->serverPorts().isEmpty())
        m_cluster->lease()->setListenUrl(QStringLiteral("http://%1:%2")
                                             .arg(m_config.listen.value(0).first.toString())
                                             .arg(m_http->serverPorts().first()));
    QStringList where;
    const auto addresses = m_config.listen + m_config.tlsListen;
    for (int i = 0; i < addresses.size(); ++i)
        where
            << QStringLiteral("%1%2:%3")
                   .arg(i < m_config.listen.size() ? QString() : QStringLiteral("tls "), addresses[i].first.toString())
                   .arg(m_http->serverPorts().value(i));
    qCInfo(lcServer).noquote() << "listening on" << where.join(QStringLiteral(", ")) << "database"
                               << m_store->driverName() << "data dir" << m_config.dataDir;
    return true;
}

void Server::installDialects()
{
    DialectContext ctx;
    ctx.chat = m_chat;
    ctx.wsLimits = m_config.ws;
    ctx.heartbeatTimeoutMs = m_config.heartbeatTimeoutMs;
    ctx.pingIntervalMs = m_config.pingIntervalMs;
    ctx.pingTimeoutMs = m_config.pingTimeoutMs;
    ctx.connectTimeoutMs = m_config.connectTimeoutMs;
    ctx.maxUnauthenticated = m_config.maxUnauthenticated;
    m_http->router().setOriginPolicy(OriginPolicy(m_config.corsOrigins));
    ctx.uploadDir = m_config.uploadDir;
    if (!m_config.redis.isEmpty()) ctx.sessionTag = SessionTag::fromNodeId(m_config.nodeId);
    FlatJsonDialect::install(m_http->router(), ctx);
    SocketIoDialect::install(m_http->router(), ctx);
    WorkspaceJsonDialect::install(m_http->router(), ctx);
    PhoenixDialect::install(m_http->router(), ctx);
}

QList<quint16> Server::ports() const
{
    return m_http ? m_http->serverPorts() : QList<quint16>();
}

void Server::setAllowedOrigins(const QStringList &origins)
{
    // Every dialect holds a copy of the router's policy, which shares its list.
    if (m_http) m_http->router().originPolicy().reset(origins);
}

bool Server::reloadCertificates()
{
    if (!m_tls) return true;
    QString error;
    if (!m_tls->reloadCertificates(&error)) {
        qCWarning(lcServer).noquote() << "TLS certificate not reloaded, the old one stays:" << error;
        return false;
    }
    qCInfo(lcServer).noquote() << "TLS certificate reloaded, SHA-256" << m_tls->fingerprint();
    return true;
}

void Server::shutdown()
{
    if (m_shuttingDown) return; // a second signal: the first shutdown is under way
    m_shuttingDown = true;
    m_ready = false;
    if (m_http) m_http->stopListening();
    if (m_admin) m_admin->goingAway();
    if (m_cluster) m_cluster->stop();
    if (m_chat) {
        QElapsedTimer clock;
        clock.start();
        const QList<Session *> sessions = m_chat->sessions();
        // Every WebSocket's close frame first, then the detaches: see
        // WebSocketSession::closeForShutdown (one pass each, linear work
        // per session, whatever the core fans out meanwhile).
        for (Session *s : sessions)
            if (auto *ws = qobject_cast<WebSocketSession *>(s)) ws->closeForShutdown();
        for (Session *s : sessions) s->goingAway();
        qCInfo(lcServer).noquote() << "shutdown:" << sessions.size() << "connections told to go away in"
                                   << clock.elapsed() << "ms";
    }
    if (m_store) m_store->flush();
    // Let the close frames go out before the process ends.
    QTimer::singleShot(300, this, [this] {
        if (m_store) m_store->close();
        Q_EMIT stopped();
    });
}

} // namespace switchboard
