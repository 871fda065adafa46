#include "ConfigReloader.h"

#include "LogSetup.h"
#include "Server.h"
#include "SystemdNotifier.h"
#include "core/ChatService.h"

#include <QLoggingCategory>

namespace switchboard {

Q_LOGGING_CATEGORY(lcReload, "switchboard.reload")

ConfigReloader::ConfigReloader(const QStringList &arguments, const ServerConfig &current, Server *server,
                               SystemdNotifier *notifier, QObject *parent)
    : QObject(parent)
    , m_arguments(arguments)
    , m_current(current)
    , m_server(server)
    , m_notifier(notifier)
{
}

QStringList ConfigReloader::restartOnlyChanges(const ServerConfig &next) const
{
    QStringList changed;
    const ServerConfig &now = m_current;
    if (next.listen != now.listen) changed << QStringLiteral("listen");
    if (next.dataDir != now.dataDir) changed << QStringLiteral("data-dir");
    if (next.database != now.database) changed << QStringLiteral("database");
    // An empty secret means "generated in the data dir": unchanged unless one is given.
    if (!next.jwtSecret.isEmpty() && next.jwtSecret != now.jwtSecret) changed << QStringLiteral("jwt-secret");
    if (next.adminToken != now.adminToken) changed << QStringLiteral("admin-token");
    if (next.ws.maxFrameBytes != now.ws.maxFrameBytes) changed << QStringLiteral("max-frame-bytes");
    if (next.ws.maxSendQueueBytes != now.ws.maxSendQueueBytes) changed << QStringLiteral("max-send-queue-bytes");
    if (next.maxTotalSendQueueBytes != now.maxTotalSendQueueBytes)
        changed << QStringLiteral("max-total-send-queue-bytes");
    if (next.maxUploadBytes != now.maxUploadBytes) changed << QStringLiteral("max-upload-bytes");
    if (next.maxPendingWrites != now.maxPendingWrites) changed << QStringLiteral("max-pending-writes");
    if (next.maxHandbackLagMs != now.maxHandbackLagMs) changed << QStringLiteral("max-handback-lag-ms");
    if (next.heartbeatTimeoutMs != now.heartbeatTimeoutMs) changed << QStringLiteral("heartbeat-timeout-ms");
    if (next.pingIntervalMs != now.pingIntervalMs) changed << QStringLiteral("ping-interval-ms");
    if (next.pingTimeoutMs != now.pingTimeoutMs) changed << QStringLiteral("ping-timeout-ms");
    return changed;
}

bool ConfigReloader::reload()
{
    if (m_notifier) m_notifier->reloading();
    // The certificate files are read again whatever the configuration says: a
    // renewed certificate must not wait for a config change (the old one stays
    // when the new files do not load).
    m_server->reloadCertificates();
    ServerConfig next;
    QString error;
    if (!next.parse(m_arguments, &error)) {
        qCCritical(lcReload).noquote() << "reload refused, keeping the running configuration:" << error.simplified();
        if (m_notifier) m_notifier->ready();
        return false;
    }
    const QStringList restart = restartOnlyChanges(next);
    // The secret in use stays (a generated one is not in the configuration).
    if (next.jwtSecret.isEmpty()) next.jwtSecret = m_current.jwtSecret;
    LogSetup::setLevel(next.logLevel);
    if (m_server->chat()) m_server->chat()->setConfig(next.core);
    m_server->setAllowedOrigins(next.corsOrigins);
    // Keep what did not change live, so the next reload compares with what runs.
    const ServerConfig running = m_current;
    m_current = next;
    m_current.listen = running.listen;
    m_current.dataDir = running.dataDir;
    m_current.database = running.database;
    m_current.jwtSecret = running.jwtSecret;
    m_current.adminToken = running.adminToken;
    m_current.ws = running.ws;
    m_current.maxUploadBytes = running.maxUploadBytes;
    m_current.maxPendingWrites = running.maxPendingWrites;
    m_current.maxHandbackLagMs = running.maxHandbackLagMs;
    m_current.heartbeatTimeoutMs = running.heartbeatTimeoutMs;
    m_current.pingIntervalMs = running.pingIntervalMs;
    m_current.pingTimeoutMs = running.pingTimeoutMs;
    if (!restart.isEmpty())
        qCWarning(lcReload).noquote() << "changed options need a restart to take effect:"
                                      << restart.join(QStringLiteral(", "));
    qCInfo(lcReload).noquote() << "configuration reloaded: log level" << m_current.logLevel << "messages per minute"
                               << m_current.core.messagesPerMinutePerChannel;
    Q_EMIT reloaded(next);
    if (m_notifier) m_notifier->ready();
    return true;
}

} // namespace switchboard
