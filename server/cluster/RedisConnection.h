#pragma once

#include "RedisReply.h"
#include "RedisUrl.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QTimer>

#include <functional>

struct redisAsyncContext;

namespace switchboard {

class RedisEventAdapter;

// One hiredis async connection on the thread's event loop (RedisEventAdapter):
// connects with a timeout, logs in (AUTH, SELECT from the URL, then PING), and
// reconnects by itself with a capped exponential backoff until close().
//
// Every command's callback runs exactly once: with the reply, or with an
// error reply when the command cannot be sent or the connection drops before
// its reply (the connection never resends: Redis may have executed it).
// Commands are sent only while isConnected(); otherwise they fail at once
// (the callback runs from the event loop, never inside command()). This is the
// bounded queue: nothing waits for a reconnect, and at most maxPending()
// commands await replies; beyond that, commands fail at once too. Callers that
// need to survive an outage (the cluster) catch up from the database instead.
//
// Do not delete the connection from inside one of its callbacks or slots; use
// deleteLater(). Deleting it runs the callbacks of commands still awaiting a
// reply with an error, inside the destructor.
class RedisConnection : public QObject
{
    Q_OBJECT

public:
    using Callback = std::function<void(const RedisReply &)>;

    explicit RedisConnection(const RedisUrl &url, QObject *parent = nullptr);
    ~RedisConnection() override;

    // Starts connecting (and reconnecting after every loss) until close().
    void open();
    // Drops the connection (pending callbacks get an error) and stops reconnecting.
    void close();

    // Sends argv (binary-safe: NUL bytes and any length) as one command.
    void command(const QList<QByteArray> &argv, Callback done);

    bool isConnected() const { return m_ready; }
    RedisUrl url() const { return m_url; }
    QString lastError() const { return m_lastError; }
    // Commands sent and not yet answered.
    int pendingCount() const { return m_pending; }

    void setConnectTimeout(int ms) { m_connectTimeoutMs = ms; }
    // First retry after `initialMs`, doubling per failed attempt up to `maxMs`.
    void setReconnectDelays(int initialMs, int maxMs);
    // The delay of the retry now scheduled (ms), -1 when none is; set before errorOccurred().
    int reconnectDelay() const { return m_reconnectTimer.isActive() ? m_reconnectTimer.interval() : -1; }
    void setMaxPending(int commands) { m_maxPending = commands; }
    int maxPending() const { return m_maxPending; }

    // For RedisSubscriber only: sends a (P)(UN)SUBSCRIBE command whose replies,
    // and every message after it, arrive as pushReceived(). A connection used
    // so takes no command() any more (hiredis 0.14 cannot match their replies).
    bool sendSubscription(const QList<QByteArray> &argv);

Q_SIGNALS:
    // Logged in and answering (after every successful (re)connect).
    void connected();
    // An established connection was lost; callbacks of its commands have run.
    void disconnected();
    // A connect attempt, the login or the connection failed; a retry follows
    // unless close() was called.
    void errorOccurred(const QString &message);
    void pushReceived(const RedisReply &reply);

private:
    static void onConnectTrampoline(const redisAsyncContext *context, int status);
    static void onDisconnectTrampoline(const redisAsyncContext *context, int status);
    static void replyTrampoline(redisAsyncContext *context, void *reply, void *privdata);
    static void pushTrampoline(redisAsyncContext *context, void *reply, void *privdata);

    void startAttempt();
    bool send(const QList<QByteArray> &argv, Callback done);
    void sendHandshake();
    void handshakeStep(const RedisReply &reply, const char *what, bool last);
    void fail(const QString &message);
    void abandonContext(const QByteArray &reason);
    void scheduleReconnect();
    void failLater(Callback done, const QByteArray &message);
    void flushFailures();

    RedisUrl m_url;
    redisAsyncContext *m_context = nullptr;
    RedisEventAdapter *m_adapter = nullptr;
    QTimer m_connectTimer;
    QTimer m_reconnectTimer;
    QTimer m_failTimer;
    QList<QPair<Callback, QByteArray>> m_failures;
    QString m_lastError;
    quint64 m_generation = 0;
    int m_pending = 0;
    int m_maxPending = 100000;
    int m_connectTimeoutMs = 2000;
    int m_initialDelayMs = 100;
    int m_maxDelayMs = 5000;
    int m_attempts = 0;
    bool m_open = false;
    bool m_ready = false;       // commands may be sent
    bool m_established = false; // logged in on this context (ready may drop first, while hiredis tears down)
};

} // namespace switchboard
