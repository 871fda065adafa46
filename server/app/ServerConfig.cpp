#include "ServerConfig.h"

#include "cluster/RedisUrl.h"

#include "auth/PasswordHasher.h"
#include "http/OriginPolicy.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QHostInfo>
#include <QDir>
#include <QFile>
#include <QHash>
#include <QProcessEnvironment>
#include <QSaveFile>
#include <QSettings>
#include <QStandardPaths>

namespace switchboard {

namespace {

struct Option
{
    const char *name;
    const char *valueName;
    const char *help;
    bool repeatable;
};

// One list drives the command line, the config file and the environment.
const QList<Option> &options()
{
    static const QList<Option> list{
        {"config", "FILE", "Read options from FILE (INI: key = value).", false},
        {"listen", "HOST:PORT", "Listen on HOST:PORT (repeatable; default 127.0.0.1:8000).", true},
        {"tls-listen", "HOST:PORT", "Serve TLS on HOST:PORT (repeatable; needs --tls-cert and --tls-key).", true},
        {"tls-cert", "FILE", "PEM certificate (chain) for --tls-listen; reloaded on SIGHUP.", false},
        {"tls-key", "FILE", "PEM private key (unencrypted) for --tls-cert; reloaded on SIGHUP.", false},
        {"data-dir", "DIR", "Database file, uploads and generated secrets.", false},
        {"upload-dir", "DIR", "Uploaded files (default: uploads in the data dir; cluster nodes share one).", false},
        {"database", "URL", "sqlite: (default, in the data dir), sqlite:/path or postgres://user:pass@host:port/db.",
         false},
        {"redis", "URL", "redis://host:port[/db]: run as a cluster node (needs a postgres:// --database).", false},
        {"node-id", "NAME", "This node's name in the cluster (default: host name and pid).", false},
        {"node-lease-ms", "N", "A cluster node's lease in Redis; peers count it dead this long after (default 5000).",
         false},
        {"cluster-list-page-rows", "N",
         "Rows per page when a cluster node sends its connection list to another node's admin console "
         "(default 1000).",
         false},
        {"presence-grace-ms", "N",
         "After a cluster node's lease expired, its users go offline this much later unless back on another node "
         "(default 3000).",
         false},
        {"jwt-secret", "SECRET", "HS256 key for tokens.", false},
        {"jwt-secret-file", "FILE", "Read the HS256 key from FILE.", false},
        {"jwt-previous-secrets", "LIST",
         "Comma-separated earlier HS256 keys still accepted while tokens rotate (repeatable).", true},
        {"jwt-previous-secrets-file", "FILE", "Read earlier HS256 keys from FILE, one per line.", false},
        {"admin-token", "TOKEN", "Token for the admin feed at /admin/ws (off without one).", false},
        {"log-level", "LEVEL", "debug, info, warning or error.", false},
        {"max-frame-bytes", "N", "Largest client frame answered normally (default 16384).", false},
        {"max-message-bytes", "N", "Largest message content (default 16384).", false},
        {"max-upload-bytes", "N", "Largest upload (default 10485760).", false},
        {"max-send-queue-bytes", "N", "Per-connection send buffer before a slow reader is cut off.", false},
        {"max-total-send-queue-bytes", "N",
         "All connections' send buffers together; past it the ones over 64 KiB are cut off (default 536870912, "
         "0 = off).",
         false},
        {"max-pending-writes", "N",
         "Stop reading chat sockets while this many writes wait for the disk or for their fan-out (default 10000, "
         "0 = off).",
         false},
        {"max-handback-lag-ms", "N",
         "Stop reading chat sockets while committed writes wait this long for their fan-out (default 0 = off).", false},
        {"rate-messages-per-minute", "N", "Messages per user per channel per minute (default 60, 0 = off).", false},
        {"rate-joins-per-minute", "N", "Channel joins per user per minute (default 30, 0 = off).", false},
        {"rate-typing-per-minute", "N", "Typing starts per user per channel per minute (default 10, 0 = off).", false},
        {"max-connections-per-user", "N", "Concurrent connections per user (default 100, 0 = off).", false},
        {"edit-window-seconds", "N", "How long a message may be edited (default 0 = forever).", false},
        {"typing-timeout-ms", "N", "Typing ends after this long without a refresh (default 5000).", false},
        {"presence-window-ms", "N", "Presence and room changes within this window coalesce (default 500).", false},
        {"ephemeral-budget-ms", "N",
         "Loop time per pass for presence, typing and room events (default 1), and again for sending their frames after messages.",
         false},
        {"typing-max-wait-ms", "N",
         "A typing start still waiting this long behind messages is dropped with its stop, not sent late (default 1000).",
         false},
        {"presence-workspace-limit", "N", "Workspaces up to this size hear every member's presence (default 500).",
         false},
        {"presence-channel-limit", "N",
         "Channels up to this size carry presence, room events and read receipts (default 500).", false},
        {"resume-retention-events", "N", "Events kept per channel for resuming clients (default 1000).", false},
        {"resume-retention-seconds", "N", "How long events are kept for resuming clients (default 86400).", false},
        {"heartbeat-timeout-ms", "N", "Close Phoenix / workspace JSON sockets silent this long (default 60000).",
         false},
        {"ping-interval-ms", "N", "Engine.IO pingInterval (default 25000).", false},
        {"ping-timeout-ms", "N", "Engine.IO pingTimeout (default 20000).", false},
        {"http-header-timeout-ms", "N",
         "Time for a request head or WebSocket upgrade to arrive: 408, or a quiet close if nothing came (default "
         "15000).",
         false},
        {"http-body-timeout-ms", "N", "Longest pause between two reads of a request body: 408 (default 30000).", false},
        {"http-keepalive-timeout-ms", "N", "Close idle keep-alive connections after this long (default 60000).", false},
        {"max-connections-per-ip", "N", "TCP connections per client address, HTTP and WebSocket (default 0 = off).",
         false},
        {"connect-timeout-ms", "N",
         "Close a Socket.IO session that has not authenticated (sent CONNECT) in this long (default 45000).", false},
        {"max-unauthenticated-connections", "N",
         "Socket.IO sessions not yet authenticated; more are closed at once (default 10000, 0 = off).", false},
        {"allowed-origins", "LIST",
         "Comma-separated browser origins (scheme://host:port, * = any) allowed CORS and the token cookie "
         "(default: same origin only).",
         false},
        {"cors-origins", "LIST", "Old name of --allowed-origins.", false},
        {"token-ttl-seconds", "N", "Lifetime of issued tokens (default 604800).", false},
        {"fast-password-hashing", "BOOL", "argon2id at minimum cost (tests and benchmarks only).", false},
    };
    return list;
}

QString envName(const char *option)
{
    return QStringLiteral("SWITCHBOARD_")
         + QString::fromLatin1(option).toUpper().replace(QLatin1Char('-'), QLatin1Char('_'));
}

bool parseListen(const QString &v, QPair<QHostAddress, quint16> *out)
{
    const int colon = v.lastIndexOf(QLatin1Char(':'));
    if (colon <= 0) return false;
    QString host = v.left(colon);
    if (host.startsWith('[') && host.endsWith(']')) host = host.mid(1, host.size() - 2);
    bool ok = false;
    const uint port = v.mid(colon + 1).toUInt(&ok);
    if (!ok || port > 65535) return false;
    QHostAddress addr;
    if (host == QLatin1String("localhost"))
        addr = QHostAddress::LocalHost;
    else if (host == QLatin1String("*") || host == QLatin1String("0.0.0.0"))
        addr = QHostAddress::AnyIPv4;
    else if (!addr.setAddress(host))
        return false;
    *out = {addr, quint16(port)};
    return true;
}

} // namespace

QString ServerConfig::usage()
{
    QString s = QStringLiteral("Usage: switchboard-server [options]\n");
    for (const Option &o : options())
        s += QStringLiteral("  --%1 %2\n      %3\n")
                 .arg(QLatin1String(o.name), QLatin1String(o.valueName), QLatin1String(o.help));
    return s;
}

bool ServerConfig::parse(const QStringList &arguments, QString *error)
{
    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    for (const Option &o : options())
        parser.addOption(QCommandLineOption(QString::fromLatin1(o.name), QString::fromLatin1(o.help),
                                            QString::fromLatin1(o.valueName)));
    parser.addOption(
        QCommandLineOption({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help.")));
    parser.addOption(QCommandLineOption(QStringLiteral("version"), QStringLiteral("Show the version.")));
    if (!parser.parse(arguments)) {
        *error = parser.errorText();
        return false;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        *error = QStringLiteral("help");
        return false;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        *error = QStringLiteral("version");
        return false;
    }
    if (!parser.positionalArguments().isEmpty()) {
        *error = QStringLiteral("unexpected argument: %1").arg(parser.positionalArguments().first());
        return false;
    }

    // Merge the sources: later ones win.
    QHash<QString, QStringList> values;
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    QString configFile = parser.value(QStringLiteral("config"));
    if (configFile.isEmpty()) configFile = env.value(envName("config"));
    if (!configFile.isEmpty()) {
        if (!QFile::exists(configFile) || !QFileInfo(configFile).isReadable()) {
            *error = QStringLiteral("cannot read config file %1").arg(configFile);
            return false;
        }
        QSettings ini(configFile, QSettings::IniFormat);
        if (ini.status() != QSettings::NoError) {
            *error = QStringLiteral("cannot parse config file %1").arg(configFile);
            return false;
        }
        for (const QString &key : ini.allKeys()) {
            bool known = false;
            for (const Option &o : options()) known = known || key == QLatin1String(o.name);
            if (!known || key == QLatin1String("config")) {
                *error = QStringLiteral("unknown option '%1' in config file %2").arg(key, configFile);
                return false;
            }
            const QVariant v = ini.value(key);
            values[key] = v.metaType().id() == QMetaType::QStringList ? v.toStringList() : QStringList{v.toString()};
        }
    }
    for (const Option &o : options()) {
        const QString e = env.value(envName(o.name));
        if (!e.isEmpty())
            values[QString::fromLatin1(o.name)] = o.repeatable ? e.split(QLatin1Char(','), Qt::SkipEmptyParts)
                                                               : QStringList{e};
        if (parser.isSet(QString::fromLatin1(o.name)))
            values[QString::fromLatin1(o.name)] = parser.values(QString::fromLatin1(o.name));
    }
    auto value = [&](const char *name) {
        const QStringList l = values.value(QString::fromLatin1(name));
        return l.isEmpty() ? QString() : l.last().trimmed();
    };
    auto number = [&](const char *name, qint64 *target, qint64 min, qint64 max) {
        const QString v = value(name);
        if (v.isEmpty()) return true;
        bool ok = false;
        const qint64 n = v.toLongLong(&ok);
        if (!ok || n < min || n > max) {
            *error = QStringLiteral("bad value for --%1: '%2' (expected a number from %3 to %4)")
                         .arg(QLatin1String(name), v)
                         .arg(min)
                         .arg(max);
            return false;
        }
        *target = n;
        return true;
    };
    auto intNumber = [&](const char *name, int *target, qint64 min, qint64 max) {
        qint64 v = *target;
        if (!number(name, &v, min, max)) return false;
        *target = int(v);
        return true;
    };

    listen.clear();
    for (const QString &l : values.value(QStringLiteral("listen"))) {
        QPair<QHostAddress, quint16> a;
        if (!parseListen(l.trimmed(), &a)) {
            *error = QStringLiteral("bad --listen value '%1' (expected HOST:PORT)").arg(l);
            return false;
        }
        listen.append(a);
    }
    if (listen.isEmpty()) listen.append({QHostAddress(QHostAddress::LocalHost), 8000});
    tlsListen.clear();
    for (const QString &l : values.value(QStringLiteral("tls-listen"))) {
        QPair<QHostAddress, quint16> a;
        if (!parseListen(l.trimmed(), &a)) {
            *error = QStringLiteral("bad --tls-listen value '%1' (expected HOST:PORT)").arg(l);
            return false;
        }
        tlsListen.append(a);
    }
    tlsCert = value("tls-cert");
    tlsKey = value("tls-key");
    if (!tlsListen.isEmpty() && (tlsCert.isEmpty() || tlsKey.isEmpty())) {
        *error = QStringLiteral("--tls-listen needs --tls-cert and --tls-key");
        return false;
    }

    dataDir = value("data-dir");
    if (dataDir.isEmpty()) dataDir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    uploadDir = value("upload-dir");
    if (uploadDir.isEmpty()) uploadDir = QDir(dataDir).filePath(QStringLiteral("uploads"));
    database = value("database");
    if (!database.isEmpty() && !database.startsWith(QLatin1String("sqlite:"))
        && !database.startsWith(QLatin1String("postgres://")) && !database.startsWith(QLatin1String("postgresql://"))) {
        *error =
            QStringLiteral("bad --database URL '%1' (expected sqlite:, sqlite:/path or postgres://...)").arg(database);
        return false;
    }
    redis = value("redis");
    if (!redis.isEmpty()) {
        QString redisError;
        if (!RedisUrl::parse(redis, &redisError).isValid()) {
            *error = QStringLiteral("bad --redis URL: %1").arg(redisError);
            return false;
        }
        if (!database.startsWith(QLatin1String("postgres://"))
            && !database.startsWith(QLatin1String("postgresql://"))) {
            *error = QStringLiteral("--redis needs a shared postgres:// --database (SQLite is one node's file)");
            return false;
        }
    }
    nodeId = value("node-id");
    if (nodeId.isEmpty())
        nodeId = QStringLiteral("%1-%2").arg(QHostInfo::localHostName()).arg(QCoreApplication::applicationPid());
    jwtSecret = value("jwt-secret").toUtf8();
    const QString secretFile = value("jwt-secret-file");
    if (!secretFile.isEmpty()) {
        QFile f(secretFile);
        if (!f.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read --jwt-secret-file %1").arg(secretFile);
            return false;
        }
        jwtSecret = f.readAll().trimmed();
        if (jwtSecret.isEmpty()) {
            *error = QStringLiteral("--jwt-secret-file %1 is empty").arg(secretFile);
            return false;
        }
    }
    // Key rotation (docs/server.md#key-rotation): verify-only keys.
    core.previousJwtSecrets.clear();
    for (const QString &v : values.value(QStringLiteral("jwt-previous-secrets")))
        for (const QString &k : v.split(QLatin1Char(','), Qt::SkipEmptyParts))
            if (!k.trimmed().isEmpty()) core.previousJwtSecrets.append(k.trimmed().toUtf8());
    const QString previousFile = value("jwt-previous-secrets-file");
    if (!previousFile.isEmpty()) {
        QFile f(previousFile);
        if (!f.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read --jwt-previous-secrets-file %1").arg(previousFile);
            return false;
        }
        for (const QByteArray &line : f.readAll().split('\n')) {
            const QByteArray k = line.trimmed();
            if (!k.isEmpty() && !k.startsWith('#')) core.previousJwtSecrets.append(k);
        }
    }
    adminToken = value("admin-token");
    if (!value("log-level").isEmpty()) logLevel = value("log-level").toLower();
    if (!QStringList{"debug", "info", "warning", "error"}.contains(logLevel)) {
        *error = QStringLiteral("bad --log-level '%1' (expected debug, info, warning or error)").arg(logLevel);
        return false;
    }
    int frame = int(ws.maxFrameBytes);
    if (!intNumber("max-frame-bytes", &frame, 256, 64 * 1024 * 1024)) return false;
    ws.maxFrameBytes = frame;
    ws.hardFrameBytes = qMax<qint64>(ws.hardFrameBytes, qint64(frame) * 4);
    if (!number("max-send-queue-bytes", &ws.maxSendQueueBytes, 4096, qint64(1) << 32)) return false;
    if (!number("max-total-send-queue-bytes", &maxTotalSendQueueBytes, 0, qint64(1) << 40)) return false;
    if (!number("max-pending-writes", &maxPendingWrites, 0, qint64(1) << 40)) return false;
    if (!intNumber("max-handback-lag-ms", &maxHandbackLagMs, 0, 3600000)) return false;
    if (!intNumber("max-message-bytes", &core.maxMessageBytes, 1, 64 * 1024 * 1024)) return false;
    if (!number("max-upload-bytes", &maxUploadBytes, 1, qint64(1) << 32)) return false;
    if (!intNumber("rate-messages-per-minute", &core.messagesPerMinutePerChannel, 0, 1000000000)) return false;
    if (!intNumber("rate-joins-per-minute", &core.joinsPerMinute, 0, 1000000000)) return false;
    if (!intNumber("rate-typing-per-minute", &core.typingPerMinutePerChannel, 0, 1000000000)) return false;
    if (!intNumber("max-connections-per-user", &core.connectionsPerUser, 0, 1000000000)) return false;
    if (!number("edit-window-seconds", &core.editWindowSeconds, 0, qint64(1) << 40)) return false;
    if (!intNumber("typing-timeout-ms", &core.typingTimeoutMs, 100, 3600000)) return false;
    if (!intNumber("presence-window-ms", &core.presenceWindowMs, 1, 60000)) return false;
    if (!intNumber("ephemeral-budget-ms", &core.ephemeralBudgetMs, 0, 1000)) return false;
    if (!intNumber("typing-max-wait-ms", &core.typingMaxWaitMs, 0, 3600000)) return false;
    if (!intNumber("presence-workspace-limit", &core.presenceWorkspaceLimit, 0, 1000000000)) return false;
    if (!intNumber("presence-channel-limit", &core.presenceChannelLimit, 0, 1000000000)) return false;
    if (!intNumber("resume-retention-events", &core.resumeRetentionEvents, 1, 10000000)) return false;
    if (!number("resume-retention-seconds", &core.resumeRetentionSeconds, 1, 10LL * 365 * 86400)) return false;
    if (!intNumber("heartbeat-timeout-ms", &heartbeatTimeoutMs, 100, 86400000)) return false;
    if (!intNumber("node-lease-ms", &nodeLeaseMs, 300, 600000)) return false;
    if (!intNumber("presence-grace-ms", &presenceGraceMs, 0, 600000)) return false;
    if (!intNumber("cluster-list-page-rows", &clusterListPageRows, 1, 100000)) return false;
    if (!intNumber("ping-interval-ms", &pingIntervalMs, 50, 3600000)) return false;
    if (!intNumber("ping-timeout-ms", &pingTimeoutMs, 50, 3600000)) return false;
    if (!intNumber("http-header-timeout-ms", &http.headTimeoutMs, 50, 3600000)) return false;
    if (!intNumber("http-body-timeout-ms", &http.bodyTimeoutMs, 50, 3600000)) return false;
    if (!intNumber("http-keepalive-timeout-ms", &http.idleTimeoutMs, 50, 86400000)) return false;
    if (!intNumber("max-connections-per-ip", &http.maxConnectionsPerIp, 0, 1000000000)) return false;
    if (!intNumber("connect-timeout-ms", &connectTimeoutMs, 50, 3600000)) return false;
    if (!intNumber("max-unauthenticated-connections", &maxUnauthenticated, 0, 1000000000)) return false;
    if (!number("token-ttl-seconds", &core.tokenTtlSeconds, 1, qint64(1) << 40)) return false;
    const QString fast = value("fast-password-hashing").toLower();
    if (!fast.isEmpty() && !QStringList{"0", "1", "true", "false", "yes", "no", "on", "off"}.contains(fast)) {
        *error = QStringLiteral("bad --fast-password-hashing '%1' (expected true or false)").arg(fast);
        return false;
    }
    core.fastPasswordHashing = QStringList{"1", "true", "yes", "on"}.contains(fast);
    // Joined, not the last: the config file reads "a, b" as a list of two.
    auto list = [&](const char *name) { return values.value(QString::fromLatin1(name)).join(QLatin1Char(',')); };
    const QString origins = list("allowed-origins").isEmpty() ? list("cors-origins") : list("allowed-origins");
    corsOrigins = origins.split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (QString &o : corsOrigins) o = o.trimmed();
    if (const QString bad = OriginPolicy::invalidEntry(corsOrigins); !bad.isEmpty()) {
        *error = QStringLiteral("bad --allowed-origins entry '%1' (expected scheme://host[:port] or *)").arg(bad);
        return false;
    }
    return true;
}

bool ServerConfig::resolveSecret(QString *error)
{
    if (!QDir().mkpath(dataDir)) {
        *error = QStringLiteral("cannot create data dir %1").arg(dataDir);
        return false;
    }
    if (!jwtSecret.isEmpty()) return true;
    // Generated once and kept, so tokens survive restarts (docs/server.md).
    const QString path = QDir(dataDir).filePath(QStringLiteral("jwt-secret"));
    QFile f(path);
    if (f.open(QIODevice::ReadOnly)) {
        jwtSecret = f.readAll().trimmed();
        if (!jwtSecret.isEmpty()) return true;
    }
    jwtSecret = PasswordHasher::randomSecret(32).toBase64(QByteArray::Base64UrlEncoding
                                                          | QByteArray::OmitTrailingEquals);
    QSaveFile out(path);
    if (jwtSecret.isEmpty() || !out.open(QIODevice::WriteOnly) || out.write(jwtSecret) != jwtSecret.size()
        || !out.commit()) {
        *error = QStringLiteral("cannot write %1").arg(path);
        return false;
    }
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
    return true;
}

} // namespace switchboard
