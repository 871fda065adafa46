#pragma once

#include "core/ChatEvent.h"
#include "core/Result.h"

#include <QElapsedTimer>
#include <QHash>
#include <QMap>
#include <QObject>
#include <QStringList>

#include <functional>

class QTimer;

namespace switchboard {

// The cluster's per-channel order (docs/cluster.md "Order and gap fill"): every
// logged event, local or from another node, is offered here before delivery.
//  - a seq at or below the channel's position is a duplicate (a fill already
//    delivered it);
//  - the next seq is delivered;
//  - a jump on a watched channel is filled from the database first.
// When that read fails (PostgreSQL down, a query error) the channel waits: its
// later events are held (at most holdLimit per channel; beyond, they are dropped
// and the fill reads them all back, since everything committed is in the
// database) and the fill is retried on a timer with backoff; once it succeeds
// the held events follow in seq order. Nothing is ever delivered past a gap
// this node could not fill. The reads are the caller's (synchronous, like a
// resume); a retry pass stops at the first failure, so an outage costs one read
// per pass, not one per channel.
class ChannelSequencer : public QObject
{
    Q_OBJECT
public:
    // The channel's logged events after afterSeq (at most limit), or an error.
    using Reader = std::function<Result<QList<ChatEventPtr>>(const QString &channelId, qint64 afterSeq, int limit)>;
    // The channel's delivered position (EventOutlet::publishedSeq).
    using Position = std::function<qint64(const QString &channelId)>;
    // late: from a fill or from the hold, not the event just offered.
    using Deliver = std::function<void(const ChatEventPtr &event, const QStringList &topics, bool late)>;
    // Whether the channel has local subscribers (only those are filled).
    using Watched = std::function<bool(const QString &channelId)>;

    enum class Outcome { Delivered, Duplicate, Held };

    ChannelSequencer(Position position, Reader reader, Deliver deliver, Watched watched, QObject *parent = nullptr);
    ~ChannelSequencer() override;

    Outcome offer(const ChatEventPtr &event, const QStringList &topics);
    // Reads whatever the database has past the channel's position (after a
    // reconnect, a new subscription); when that fails the channel waits.
    void catchUp(const QString &channelId);
    // No local subscribers any more: nothing to fill, held events are dropped.
    void forget(const QString &channelId);

    // Channels waiting for a fill, and the events held for them (/metrics).
    int waitingChannels() const { return int(m_waiting.size()); }
    int heldEvents() const;
    void setHoldLimit(int events) { m_holdLimit = events; }
    void setRetryDelays(int firstMs, int maxMs);

Q_SIGNALS:
    // A channel started or stopped waiting (the count changed).
    void waitingChanged(int channels);

private:
    struct Held
    {
        ChatEventPtr event;
        QStringList topics;
    };
    struct Waiting
    {
        QMap<qint64, Held> held; // by seq
        bool overflowed = false; // held events were dropped: the fill reads everything
    };

    // Delivers the events between the position and beforeSeq (all with -1);
    // false when the read failed (nothing delivered).
    bool fill(const QString &channelId, qint64 beforeSeq);
    void wait(const QString &channelId);
    void hold(const QString &channelId, const ChatEventPtr &event, const QStringList &topics);
    void retry();
    void scheduleRetry();

    Position m_position;
    Reader m_reader;
    Deliver m_deliver;
    Watched m_watched;
    QHash<QString, Waiting> m_waiting;
    QTimer *m_retryTimer;
    int m_firstDelayMs = 50;
    int m_maxDelayMs = 2000;
    int m_delayMs = 50;
    int m_holdLimit = 10000;
    // One warning per outage: when the first channel starts waiting.
    QString m_lastError;
    QElapsedTimer m_outage;
    int m_overflows = 0;
};

} // namespace switchboard
