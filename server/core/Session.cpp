#include "Session.h"

#include "Metrics.h"
#include "Timestamp.h"
#include "TokenRevocations.h"
#include "TrafficTap.h"

namespace switchboard {

QAtomicInt TrafficTap::s_watchers;

Metrics &Metrics::instance()
{
    static Metrics m;
    return m;
}

Session::Session(const QString &dialect, const QString &transport, QObject *parent)
    : QObject(parent)
    , m_id(Timestamp::newId())
    , m_dialect(dialect)
    , m_transport(transport)
    , m_connectedAt(Timestamp::nowMs())
{
}

Session::~Session()
{
    Q_EMIT aboutToBeDestroyed(this);
}

void Session::setToken(QByteArrayView token)
{
    m_tokenDigest = token.isEmpty() ? QByteArray() : TokenRevocations::digest(token);
}

void Session::noteTraffic(Direction dir, const QString &event, const QString &channelId, qint64 bytes,
                          const QByteArray &payload)
{
    Metrics &m = Metrics::instance();
    if (dir == Direction::In) {
        ++m_stats.messagesIn;
        m_stats.bytesIn += bytes;
        ++m.messagesIn;
        m.bytesIn += bytes;
    } else {
        ++m_stats.messagesOut;
        m_stats.bytesOut += bytes;
        ++m.messagesOut;
        m.bytesOut += bytes;
    }
    if (TrafficTap::isActive()) Q_EMIT traffic(this, dir, event, channelId, bytes, payload.left(512));
}

void Session::beginMerge(const QString &channelId, const ResumeMerge &merge)
{
    if (!m_merges) m_merges = std::make_unique<QHash<QString, ResumeMerge>>();
    m_merges->insert(channelId, merge);
}

ResumeMerge *Session::merge(const QString &channelId)
{
    if (!m_merges) return nullptr;
    auto it = m_merges->find(channelId);
    return it == m_merges->end() ? nullptr : &it.value();
}

QList<ChatEventPtr> Session::endMerge(const QString &channelId)
{
    if (!m_merges) return {};
    auto it = m_merges->find(channelId);
    if (it == m_merges->end()) return {};
    QList<ChatEventPtr> rest = it->finish();
    if (!m_resumedUpTo) m_resumedUpTo = std::make_unique<QHash<QString, qint64>>();
    m_resumedUpTo->insert(channelId, it->lastDelivered());
    m_merges->erase(it);
    if (m_merges->isEmpty()) m_merges.reset();
    return rest;
}

} // namespace switchboard
