#include "ChannelSequencer.h"

#include "core/RoomManager.h"

#include <QLoggingCategory>
#include <QTimer>

namespace switchboard {

Q_LOGGING_CATEGORY(lcSequencer, "switchboard.cluster")

namespace {
constexpr int kFillLimit = 100000;
} // namespace

ChannelSequencer::ChannelSequencer(Position position, Reader reader, Deliver deliver, Watched watched, QObject *parent)
    : QObject(parent)
    , m_position(std::move(position))
    , m_reader(std::move(reader))
    , m_deliver(std::move(deliver))
    , m_watched(std::move(watched))
    , m_retryTimer(new QTimer(this))
{
    m_retryTimer->setSingleShot(true);
    connect(m_retryTimer, &QTimer::timeout, this, &ChannelSequencer::retry);
}

ChannelSequencer::~ChannelSequencer() = default;

void ChannelSequencer::setRetryDelays(int firstMs, int maxMs)
{
    m_firstDelayMs = qMax(1, firstMs);
    m_maxDelayMs = qMax(m_firstDelayMs, maxMs);
    m_delayMs = m_firstDelayMs;
}

int ChannelSequencer::heldEvents() const
{
    int n = 0;
    for (const Waiting &w : m_waiting) n += int(w.held.size());
    return n;
}

ChannelSequencer::Outcome ChannelSequencer::offer(const ChatEventPtr &event, const QStringList &topics)
{
    const QString &ch = event->channel.id;
    const qint64 last = m_position(ch);
    if (event->seq <= last) return Outcome::Duplicate;
    if (m_waiting.contains(ch)) {
        hold(ch, event, topics);
        return Outcome::Held;
    }
    if (event->seq > last + 1 && m_watched(ch) && !fill(ch, event->seq)) {
        wait(ch);
        hold(ch, event, topics);
        return Outcome::Held;
    }
    m_deliver(event, topics, false);
    return Outcome::Delivered;
}

void ChannelSequencer::catchUp(const QString &channelId)
{
    if (m_waiting.contains(channelId)) return; // the retry reads everything anyway
    if (!fill(channelId, -1)) wait(channelId);
}

void ChannelSequencer::forget(const QString &channelId)
{
    if (m_waiting.remove(channelId)) Q_EMIT waitingChanged(waitingChannels());
}

bool ChannelSequencer::fill(const QString &channelId, qint64 beforeSeq)
{
    const qint64 last = m_position(channelId);
    const int limit = beforeSeq < 0 ? kFillLimit : int(qMin<qint64>(beforeSeq - last - 1, kFillLimit));
    if (limit <= 0) return true;
    const Result<QList<ChatEventPtr>> missed = m_reader(channelId, last, limit);
    if (!missed.ok()) {
        m_lastError = missed.error.message;
        return false;
    }
    const QStringList topics{RoomManager::channelTopic(channelId)};
    int delivered = 0;
    for (const ChatEventPtr &e : missed.value) {
        if (beforeSeq >= 0 && e->seq >= beforeSeq) break;
        if (e->seq <= m_position(channelId)) continue;
        m_deliver(e, topics, true);
        ++delivered;
    }
    if (delivered)
        qCInfo(lcSequencer, "channel %s: filled %d event(s) after seq %lld from the database", qPrintable(channelId),
               delivered, last);
    return true;
}

void ChannelSequencer::wait(const QString &channelId)
{
    const bool first = m_waiting.isEmpty();
    m_waiting.insert(channelId, Waiting());
    if (first) {
        // Once per outage; the recovery is logged once too (retry()).
        qCWarning(lcSequencer, "gap fill failed (%s): holding later events of channel %s until the database answers",
                  qPrintable(m_lastError), qPrintable(channelId));
        m_outage.start();
        m_overflows = 0;
        m_delayMs = m_firstDelayMs;
    }
    scheduleRetry();
    Q_EMIT waitingChanged(waitingChannels());
}

void ChannelSequencer::hold(const QString &channelId, const ChatEventPtr &event, const QStringList &topics)
{
    Waiting &w = m_waiting[channelId];
    if (w.overflowed) return; // the fill reads it back
    w.held.insert(event->seq, Held{event, topics});
    if (w.held.size() > m_holdLimit) {
        // Bounded memory: everything held is committed, so the fill brings it back.
        w.held.clear();
        w.overflowed = true;
        ++m_overflows;
    }
}

void ChannelSequencer::scheduleRetry()
{
    if (!m_retryTimer->isActive()) m_retryTimer->start(m_delayMs);
}

void ChannelSequencer::retry()
{
    const QStringList channels = m_waiting.keys();
    for (const QString &ch : channels) {
        auto it = m_waiting.find(ch);
        if (it == m_waiting.end()) continue; // forgotten meanwhile
        const qint64 before = it->overflowed || it->held.isEmpty() ? -1 : it->held.firstKey();
        if (!fill(ch, before)) {
            // Still down: wait longer, and spare the other channels' reads this pass.
            m_delayMs = qMin(m_delayMs * 2, m_maxDelayMs);
            scheduleRetry();
            return;
        }
        // Out of the waiting set first: the held events are offered again in
        // seq order and a further gap among them waits anew.
        const Waiting done = m_waiting.take(ch);
        Q_EMIT waitingChanged(waitingChannels());
        for (const Held &h : done.held) {
            if (m_waiting.contains(ch)) {
                hold(ch, h.event, h.topics);
                continue;
            }
            if (h.event->seq <= m_position(ch)) continue;
            if (h.event->seq > m_position(ch) + 1 && !fill(ch, h.event->seq)) {
                wait(ch);
                hold(ch, h.event, h.topics);
                continue;
            }
            m_deliver(h.event, h.topics, true);
        }
    }
    if (m_waiting.isEmpty())
        qCInfo(lcSequencer, "gap fills complete after %lld ms (%d channel(s) overflowed their hold and were re-read)",
               qint64(m_outage.elapsed()), m_overflows);
}

} // namespace switchboard
