#pragma once

#include <QDateTime>
#include <QObject>
#include <QSet>
#include <QString>
#include <QTimer>

namespace switchboard {

class RedisConnection;
class RedisReply;

// This node's lease in Redis, and the list of live nodes.
//
// Every ttl/3 the node writes SET <prefix>node:<id> <json> PX <ttl> and puts
// its id in the sorted set <prefix>nodes scored by the lease's expiry; every
// check interval it drops expired ids from the set and reads the rest. Both
// happen in one Lua script each, on Redis's clock (TIME), so nodes with
// skewed clocks agree on who is live. A node that dies stops refreshing and
// its peers see nodeDown() at the first check after its lease expired: within
// ttl + one check interval of its last refresh.
class NodeLease : public QObject
{
    Q_OBJECT

public:
    // `connection` is shared with other users (it must not be a subscriber's).
    NodeLease(RedisConnection *connection, const QString &nodeId, QObject *parent = nullptr);
    ~NodeLease() override;

    void setTtl(int ms);
    void setCheckInterval(int ms) { m_checkIntervalMs = qMax(1, ms); }
    void setKeyPrefix(const QByteArray &prefix) { m_prefix = prefix; }
    void setListenUrl(const QString &url) { m_listenUrl = url; }
    // Published with the next refresh (for the admin console's node list).
    void setConnectionCount(int count) { m_connections = count; }

    // Takes the lease now and keeps it; refreshes right after every reconnect.
    void start();
    // Gives the lease back (a clean shutdown): peers see nodeDown at their next
    // check. released() follows once Redis has it; a connection destroyed
    // before that may never send it, and the lease then simply expires.
    void stop();

    QString nodeId() const { return m_nodeId; }
    int ttl() const { return m_ttlMs; }
    int checkInterval() const { return m_checkIntervalMs; }
    // Live nodes as of the last check, this one included once its lease is in.
    QSet<QString> liveNodes() const { return m_live; }
    QByteArray leaseKey() const { return m_prefix + "node:" + m_nodeId.toUtf8(); }
    QByteArray registryKey() const { return m_prefix + "nodes"; }

Q_SIGNALS:
    void nodeUp(const QString &id);
    void nodeDown(const QString &id);
    // A refresh was stored; the lease now expires at `expiresAtMs` (Redis time, ms).
    void refreshed(qint64 expiresAtMs);
    // A check ran at `serverNowMs` (Redis time, ms); nodeUp/nodeDown came before it.
    void checked(qint64 serverNowMs);
    // Redis confirmed stop()'s release.
    void released();
    // A refresh or check failed (Redis down, or refused it).
    void errorOccurred(const QString &message);

private:
    void refresh();
    void check();
    void onChecked(const RedisReply &reply);
    QByteArray leaseJson() const;

    RedisConnection *m_connection;
    QString m_nodeId;
    QByteArray m_prefix = "sb:";
    QString m_listenUrl;
    QDateTime m_started;
    QTimer m_refreshTimer;
    QTimer m_checkTimer;
    QSet<QString> m_live;
    int m_ttlMs = 5000;
    int m_checkIntervalMs = 1000;
    int m_connections = 0;
    bool m_running = false;
};

} // namespace switchboard
