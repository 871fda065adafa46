#pragma once

#include "RedisUrl.h"

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QSet>

#include <functional>

namespace switchboard {

class RedisConnection;
class RedisReply;

// Redis pub/sub on a connection of its own: hiredis 0.14 speaks RESP2 only,
// where a subscribed connection can carry nothing but (P)(UN)SUBSCRIBE.
//
// Subscriptions are counted: subscribe() twice and unsubscribe() once leaves
// the channel subscribed; Redis hears SUBSCRIBE on the first user and
// UNSUBSCRIBE when the last one leaves. Users that share the connection name
// themselves (owner) and set a handler: a message goes to the handlers of the
// owners holding its channel (or pattern) only, so no user has to sort out the
// others' channels by name. message()/patternMessage() still see everything. After every (re)connect everything
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

    // What an owner's messages go to: the channel they came on and the payload.
    using Handler = std::function<void(const QByteArray &channel, const QByteArray &payload)>;
    // Dropped when the owner is destroyed.
    void setHandler(QObject *owner, Handler handler);

    void subscribe(const QByteArray &channel, QObject *owner = nullptr);
    void unsubscribe(const QByteArray &channel, QObject *owner = nullptr);
    // Glob patterns (PSUBSCRIBE), counted like channels.
    void psubscribe(const QByteArray &pattern, QObject *owner = nullptr);
    void punsubscribe(const QByteArray &pattern, QObject *owner = nullptr);

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
    using Owners = QHash<QByteArray, QHash<QObject *, int>>; // name -> owner -> count
    bool add(QHash<QByteArray, int> &counts, Owners &owners, const QByteArray &name, QObject *owner,
             const char *command, char kind);
    bool remove(QHash<QByteArray, int> &counts, Owners &owners, const QByteArray &name, QObject *owner,
                const char *command);
    void dispatch(const Owners &owners, const QByteArray &name, const QByteArray &channel, const QByteArray &payload);

    RedisConnection *m_connection = nullptr;
    QHash<QByteArray, int> m_channels;
    QHash<QByteArray, int> m_patterns;
    Owners m_channelOwners;
    Owners m_patternOwners;
    QHash<QObject *, Handler> m_handlers;
    // "c" + channel / "p" + pattern sent and not yet confirmed after a connect.
    QSet<QByteArray> m_awaiting;
    bool m_resubscribing = false;
};

} // namespace switchboard
