#pragma once

#include "core/CoreConfig.h"
#include "http/HttpServer.h"
#include "transport/WebSocketSession.h"

#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace switchboard {

// The server's configuration from, in rising precedence: defaults, the config
// file (--config, INI "key = value" with the long option names as keys),
// SWITCHBOARD_<OPTION> environment variables, and the command line.
class ServerConfig
{
public:
    QList<QPair<QHostAddress, quint16>> listen;
    QList<QPair<QHostAddress, quint16>> tlsListen;
    QString tlsCert; // PEM files, read by TlsContext
    QString tlsKey;
    QString dataDir;
    QString uploadDir; // <dataDir>/uploads unless given (cluster nodes share one)
    QString database;
    QString redis;                  // redis://host:port[/db]: clustering on (docs/cluster.md)
    QString nodeId;                 // this node's name in the cluster
    int nodeLeaseMs = 5000;         // its lease in Redis (NodeLease)
    int presenceGraceMs = 3000;     // a dead node's users go offline this long after its lease
    int clusterListPageRows = 1000; // a node's connection list for another node's console, per page
    QByteArray jwtSecret;
    QString adminToken;
    QString logLevel = QStringLiteral("info");
    CoreConfig core;
    WebSocketSession::Limits ws;
    HttpServer::Limits http; // maxBodyBytes follows max-upload-bytes (Server)
    int connectTimeoutMs = 45000;
    int maxUnauthenticated = 10000;
    qint64 maxUploadBytes = 10 * 1024 * 1024;
    qint64 maxTotalSendQueueBytes = 512LL << 20; // SendBudget: every connection's send buffers together
    // Backpressure (ReadHold): chat sockets are not read while this many writes
    // are outstanding, or (off by default) while the loop is this far behind
    // the commits: held on time, the overloaded workspace day delivered 15 %
    // less (docs/benchmarks-scale.md, "Backpressure").
    qint64 maxPendingWrites = 10000;
    int maxHandbackLagMs = 0;
    int heartbeatTimeoutMs = 60000;
    int pingIntervalMs = 25000;
    int pingTimeoutMs = 20000;
    QStringList corsOrigins; // --allowed-origins (old name --cors-origins); empty: same origin only

    // Returns false with a one-line *error for bad configuration (exit code 2).
    bool parse(const QStringList &arguments, QString *error);
    // Reads or creates the JWT secret in the data dir when none was given.
    bool resolveSecret(QString *error);
    static QString usage();
};

} // namespace switchboard
