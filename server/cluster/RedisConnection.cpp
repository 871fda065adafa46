#include "RedisConnection.h"

#include "RedisEventAdapter.h"

#include <hiredis/async.h>

#include <cstdio>
#include <memory>
#include <utility>
#include <vector>

namespace switchboard {

namespace {

// What hiredis carries from command() to replyTrampoline(), freed there.
struct PendingCommand
{
    RedisConnection::Callback done;
};

// argv in the shape redisAsyncCommandArgv wants; it copies the bytes at once.
struct ArgvView
{
    explicit ArgvView(const QList<QByteArray> &argv)
    {
        pointers.reserve(size_t(argv.size()));
        lengths.reserve(size_t(argv.size()));
        for (const QByteArray &a : argv) {
            pointers.push_back(a.constData());
            lengths.push_back(size_t(a.size()));
        }
    }
    std::vector<const char *> pointers;
    std::vector<size_t> lengths;
};

QByteArray lostMessage(const redisAsyncContext *context)
{
    const QByteArray why = context->err && context->errstr ? QByteArray(context->errstr) : QByteArray("closed");
    return QByteArrayLiteral("DISCONNECTED redis connection lost before the reply: ") + why;
}

} // namespace

RedisConnection::RedisConnection(const RedisUrl &url, QObject *parent)
    : QObject(parent)
    , m_url(url)
    , m_adapter(new RedisEventAdapter(this))
{
    m_connectTimer.setSingleShot(true);
    m_reconnectTimer.setSingleShot(true);
    m_failTimer.setSingleShot(true);
    connect(&m_connectTimer, &QTimer::timeout, this, [this] {
        abandonContext("connect timeout");
        scheduleReconnect();
        fail(QStringLiteral("redis %1: no answer within %2 ms").arg(m_url.toDisplayString()).arg(m_connectTimeoutMs));
    });
    connect(&m_reconnectTimer, &QTimer::timeout, this, &RedisConnection::startAttempt);
    connect(&m_failTimer, &QTimer::timeout, this, &RedisConnection::flushFailures);
}

RedisConnection::~RedisConnection()
{
    m_open = false;
    m_connectTimer.stop();
    m_reconnectTimer.stop();
    abandonContext("connection object destroyed");
    flushFailures();
}

void RedisConnection::open()
{
    if (m_open) return;
    m_open = true;
    if (!m_url.isValid()) {
        fail(QStringLiteral("redis: invalid URL"));
        m_open = false;
        return;
    }
    m_attempts = 0;
    startAttempt();
}

void RedisConnection::close()
{
    m_open = false;
    m_connectTimer.stop();
    m_reconnectTimer.stop();
    const bool wasReady = m_established;
    abandonContext("closed by the application");
    if (wasReady) Q_EMIT disconnected();
}

void RedisConnection::setReconnectDelays(int initialMs, int maxMs)
{
    m_initialDelayMs = qMax(1, initialMs);
    m_maxDelayMs = qMax(m_initialDelayMs, maxMs);
}

void RedisConnection::command(const QList<QByteArray> &argv, Callback done)
{
    if (!done) done = [](const RedisReply &) {};
    if (argv.isEmpty()) return failLater(std::move(done), "ERR empty redis command");
    if (!m_ready) {
        const QByteArray why = m_lastError.isEmpty() ? QByteArray("not yet connected") : m_lastError.toUtf8();
        return failLater(std::move(done), QByteArrayLiteral("NOTCONNECTED redis is not connected: ") + why);
    }
    if (m_pending >= m_maxPending) {
        return failLater(std::move(done), QByteArrayLiteral("BUSY redis: ") + QByteArray::number(m_maxPending)
                                              + " commands already await a reply");
    }
    send(argv, std::move(done));
}

bool RedisConnection::sendSubscription(const QList<QByteArray> &argv)
{
    if (!m_ready || !m_context || argv.isEmpty()) return false;
    ArgvView view(argv);
    return redisAsyncCommandArgv(m_context, &RedisConnection::pushTrampoline, nullptr, int(argv.size()),
                                 view.pointers.data(), view.lengths.data())
        == REDIS_OK;
}

void RedisConnection::startAttempt()
{
    if (!m_open || m_context) return;
    ++m_attempts;
    redisAsyncContext *context = redisAsyncConnect(m_url.host().toUtf8().constData(), m_url.port());
    if (!context || context->err) {
        const QString why = context ? QString::fromUtf8(context->errstr) : QStringLiteral("out of memory");
        if (context) redisAsyncFree(context);
        scheduleReconnect();
        fail(QStringLiteral("redis %1: cannot connect: %2").arg(m_url.toDisplayString(), why));
        return;
    }
    m_context = context;
    context->data = this;
    m_adapter->attach(context);
    redisAsyncSetConnectCallback(context, &RedisConnection::onConnectTrampoline);
    redisAsyncSetDisconnectCallback(context, &RedisConnection::onDisconnectTrampoline);
    m_connectTimer.start(m_connectTimeoutMs);
    sendHandshake();
}

void RedisConnection::sendHandshake()
{
    // Pipelined: hiredis buffers them until the socket is writable. The first
    // error ends the attempt; the generation check drops the replies after it.
    const quint64 generation = m_generation;
    auto step = [this, generation](const char *what, bool last) {
        return [this, generation, what, last](const RedisReply &reply) {
            if (generation == m_generation) handshakeStep(reply, what, last);
        };
    };
    if (m_url.hasPassword()) {
        QList<QByteArray> auth{QByteArrayLiteral("AUTH")};
        if (!m_url.user().isEmpty()) auth.append(m_url.user());
        auth.append(m_url.password());
        send(auth, step("AUTH", false));
    }
    if (m_url.database() != 0)
        send({QByteArrayLiteral("SELECT"), QByteArray::number(m_url.database())}, step("SELECT", false));
    send({QByteArrayLiteral("PING")}, step("PING", true));
}

void RedisConnection::handshakeStep(const RedisReply &reply, const char *what, bool last)
{
    if (reply.isError()) {
        abandonContext(QByteArray(what) + " failed");
        scheduleReconnect();
        fail(QStringLiteral("redis %1: %2 failed: %3")
                 .arg(m_url.toDisplayString(), QLatin1String(what), QString::fromUtf8(reply.toByteArray())));
        return;
    }
    if (!last) return;
    m_connectTimer.stop();
    m_ready = m_established = true;
    m_attempts = 0;
    Q_EMIT connected();
}

void RedisConnection::fail(const QString &message)
{
    m_lastError = message;
    Q_EMIT errorOccurred(message);
}

void RedisConnection::abandonContext(const QByteArray &reason)
{
    if (!m_context) return;
    redisAsyncContext *context = m_context;
    m_context = nullptr;
    m_ready = m_established = false;
    m_pending = 0;
    ++m_generation;
    m_connectTimer.stop();
    // From here on hiredis's callbacks for this context do not reach us; the
    // reason reaches the callbacks of unanswered commands through errstr.
    context->data = nullptr;
    context->c.err = REDIS_ERR_OTHER;
    std::snprintf(context->c.errstr, sizeof(context->c.errstr), "%s", reason.constData());
    context->err = context->c.err;
    // Inside a hiredis callback this only marks the context; hiredis frees it
    // (and calls the adapter's cleanup) when the callback returns.
    redisAsyncFree(context);
}

void RedisConnection::scheduleReconnect()
{
    if (!m_open || m_reconnectTimer.isActive()) return;
    const int shift = qBound(0, m_attempts - 1, 20);
    const qint64 delay = qMin<qint64>(m_maxDelayMs, qint64(m_initialDelayMs) << shift);
    m_reconnectTimer.start(int(delay));
}

bool RedisConnection::send(const QList<QByteArray> &argv, Callback done)
{
    auto *pending = new PendingCommand{std::move(done)};
    ArgvView view(argv);
    const int rc = m_context ? redisAsyncCommandArgv(m_context, &RedisConnection::replyTrampoline, pending,
                                                     int(argv.size()), view.pointers.data(), view.lengths.data())
                             : REDIS_ERR;
    if (rc != REDIS_OK) {
        Callback callback = std::move(pending->done);
        delete pending;
        failLater(std::move(callback), "NOTCONNECTED redis connection is closing");
        return false;
    }
    ++m_pending;
    return true;
}

void RedisConnection::failLater(Callback done, const QByteArray &message)
{
    m_failures.append({std::move(done), message});
    if (!m_failTimer.isActive()) m_failTimer.start(0);
}

void RedisConnection::flushFailures()
{
    while (!m_failures.isEmpty()) {
        const QList<QPair<Callback, QByteArray>> batch = std::exchange(m_failures, {});
        for (const auto &f : batch) f.first(RedisReply::error(f.second));
    }
}

void RedisConnection::onConnectTrampoline(const redisAsyncContext *context, int status)
{
    auto *self = static_cast<RedisConnection *>(context->data);
    if (!self || self->m_context != context || status == REDIS_OK) return;
    // hiredis frees the context when this returns; the handshake callbacks
    // then run with no reply and are ignored (generation).
    const QString why = QString::fromUtf8(context->errstr);
    const_cast<redisAsyncContext *>(context)->data = nullptr;
    self->m_context = nullptr;
    self->m_pending = 0;
    ++self->m_generation;
    self->m_connectTimer.stop();
    self->scheduleReconnect();
    self->fail(QStringLiteral("redis %1: cannot connect: %2").arg(self->m_url.toDisplayString(), why));
}

void RedisConnection::onDisconnectTrampoline(const redisAsyncContext *context, int)
{
    auto *self = static_cast<RedisConnection *>(context->data);
    if (!self || self->m_context != context) return;
    // Runs last in hiredis's teardown: every unanswered callback has had its error.
    const bool wasReady = self->m_established;
    const QString why = context->err ? QString::fromUtf8(context->errstr) : QStringLiteral("closed");
    self->m_context = nullptr;
    self->m_ready = self->m_established = false;
    self->m_pending = 0;
    ++self->m_generation;
    self->m_connectTimer.stop();
    self->scheduleReconnect();
    self->fail(QStringLiteral("redis %1: connection lost: %2").arg(self->m_url.toDisplayString(), why));
    if (wasReady) Q_EMIT self->disconnected();
}

void RedisConnection::replyTrampoline(redisAsyncContext *context, void *reply, void *privdata)
{
    std::unique_ptr<PendingCommand> pending(static_cast<PendingCommand *>(privdata));
    auto *self = static_cast<RedisConnection *>(context->data);
    if (self && self->m_context == context) {
        --self->m_pending;
        // No reply: hiredis is tearing the connection down; refuse new commands now.
        if (!reply) self->m_ready = false;
    }
    if (reply)
        pending->done(RedisReply::fromHiredis(static_cast<const redisReply *>(reply)));
    else
        pending->done(RedisReply::error(lostMessage(context)));
}

void RedisConnection::pushTrampoline(redisAsyncContext *context, void *reply, void *)
{
    auto *self = static_cast<RedisConnection *>(context->data);
    if (!reply || !self || self->m_context != context) return;
    Q_EMIT self->pushReceived(RedisReply::fromHiredis(static_cast<const redisReply *>(reply)));
}

} // namespace switchboard
