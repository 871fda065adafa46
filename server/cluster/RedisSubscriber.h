#pragma once

#include "RedisUrl.h"

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QSet>

namespace switchboard {

class RedisConnection;
class RedisReply;

// Redis pub/sub on a connection of its own: hiredis 0.14 speaks RESP2 only,
// where a subscribed connection can carry nothing but (P)(UN)SUBSCRIBE.
//
// Subscriptions are counted: subscribe() twice and unsubscribe() once leaves
// the channel subscribed; Redis hears SUBSCRIBE on the first user and
// UNSUBSCRIBE when the last one leaves. After every (re)connect everything
// still wanted is subscribed again, and resubscribed() follows once Redis has
// confirmed all of it. Messages published while the connection was down are
// lost (pub/sub keeps nothing): resubscribed() is the cue to catch up from the
// database.
class RedisSubscriber : public QObject
{
    Q_OBJECT

public:
    explicit RedisSubscriber(const RedisUrl &url, QObject *parent = nullptr);
    ~RedisSubscriber() override;

    void open();
    void close();

    void subscribe(const QByteArray &channel);
    void unsubscribe(const QByteArray &channel);
    // Glob patterns (PSUBSCRIBE), counted like channels.
    void psubscribe(const QByteArray &pattern);
    void punsubscribe(const QByteArray &pattern);

    bool isConnected() const;
    // How many users hold `channel` (0: not subscribed).
    int subscriberCount(const QByteArray &channel) const { return m_channels.value(channel); }
    // The connection underneath (timeouts, backoff, errors).
    RedisConnection *connection() const { return m_connection; }

Q_SIGNALS:
    void message(const QByteArray &channel, const QByteArray &payload);
    void patternMessage(const QByteArray &pattern, const QByteArray &channel, const QByteArray &payload);
    // Redis confirmed a SUBSCRIBE / PSUBSCRIBE (first user, or after a reconnect).
    void subscribed(const QByteArray &channel);
    // Redis confirmed the UNSUBSCRIBE sent when the last user left.
    void unsubscribed(const QByteArray &channel);
    // After a (re)connect: every channel and pattern wanted is confirmed again.
    void resubscribed();
    void connected();
    void disconnected();

private:
    void onConnected();
    void onPush(const RedisReply &reply);
    void confirm(const QByteArray &key);
    bool add(QHash<QByteArray, int> &counts, const QByteArray &name, const char *command, char kind);
    bool remove(QHash<QByteArray, int> &counts, const QByteArray &name, const char *command);

    RedisConnection *m_connection = nullptr;
    QHash<QByteArray, int> m_channels;
    QHash<QByteArray, int> m_patterns;
    // "c" + channel / "p" + pattern sent and not yet confirmed after a connect.
    QSet<QByteArray> m_awaiting;
    bool m_resubscribing = false;
};

} // namespace switchboard
