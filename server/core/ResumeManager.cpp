#include "ResumeManager.h"

#include "CoreContext.h"
#include "storage/EventStamp.h"
#include "EventLogCodec.h"
#include "Session.h"
#include "Timestamp.h"

#include <QTimer>

namespace switchboard {

namespace {
constexpr int kSlice = 256; // events delivered per loop pass: a long replay never stalls the room
constexpr int kPruneIntervalMs = 60 * 1000;
// A minute of a busy room is tens of thousands of log entries: deleted in one
// write they held the writer, and every message commit queued behind it, for
// 300 ms. In slices of this many rows each write takes a few ms, and messages
// committed meanwhile go between them.
constexpr int kPruneSliceRows = 1000;
constexpr int kPruneSliceGapMs = 20;
} // namespace

struct ResumeManager::Job
{
    QPointer<Session> session;
    QStringList channels; // merged while the job runs
    QList<ChannelEventLog::Entry> entries;
    qsizetype next = 0;
    Outcome outcome;
    Finished finished;
};

ResumeManager::ResumeManager(CoreContext &core, QObject *parent)
    : QObject(parent)
    , m_core(core)
    , m_pruneTimer(new QTimer(this))
{
    connect(m_pruneTimer, &QTimer::timeout, this, &ResumeManager::prune);
    m_pruneTimer->start(kPruneIntervalMs);
}

EventStampPtr ResumeManager::stamp(ChatEvent::Type type, const QString &channelId,
                                   std::function<QByteArray(qint64 seq)> payload) const
{
    auto s = std::make_shared<EventStamp>();
    s->channelId = channelId;
    s->type = QString::fromLatin1(ChatEvent::typeName(type));
    s->at = Timestamp::nowMs();
    s->payload = std::move(payload);
    return s;
}

int ResumeManager::replayLimit() const
{
    // The log holds at most the retention count plus what arrived since the last prune.
    return qBound(1000, m_core.config.resumeRetentionEvents * 2, 100000);
}

ChatEventPtr ResumeManager::rebuild(const QString &channelId, qint64 gid, qint64 seq, const QString &type,
                                    const QByteArray &payload, qint64 at) const
{
    const Channel *c = m_core.dir.channel(channelId);
    ChatEvent::Type t;
    if (!c || !ChatEvent::typeFromName(type, &t)) return nullptr;
    const EventLogCodec::Decoded d = EventLogCodec::decode(payload);
    if (!d.ok) return nullptr;
    auto e = std::make_shared<ChatEvent>();
    e->type = t;
    e->at = at;
    e->channel = *c;
    e->message = d.message;
    e->reaction = d.reaction;
    // On a cluster node a gap fill can read another node's event before that
    // node's notice of the user (a registration a moment ago): read it through.
    const auto user = [this](const QString &id) {
        const User *u = m_core.dir.user(id);
        if (!u && !id.isEmpty() && m_core.access.recheck(id, QString())) u = m_core.dir.user(id);
        return u;
    };
    if (const User *u = user(d.actorId)) e->actor = *u;
    if (const User *u = user(d.subjectId)) e->subject = *u;
    if (m_core.store && t != ChatEvent::Type::MessageDeleted) {
        if (!d.message.replyToId.isEmpty())
            if (auto r = m_core.store->message(d.message.replyToId)) e->replyTo = *r;
        if (!d.message.forwardedFromId.isEmpty())
            if (auto r = m_core.store->message(d.message.forwardedFromId)) e->forwardedFrom = *r;
    }
    e->seq = seq;
    e->gid = gid;
    e->replayed = true;
    return e;
}

Result<QList<ChatEventPtr>> ResumeManager::eventsAfter(const QString &channelId, qint64 afterSeq, int limit) const
{
    using R = Result<QList<ChatEventPtr>>;
    QList<ChatEventPtr> out;
    if (!m_core.store) return R::success(out);
    StoreStatus status;
    const QList<ChannelEventLog::Entry> entries = m_core.store->channelEvents(channelId, afterSeq, -1, limit, &status);
    if (!status.ok()) return R::failure(CoreError::unavailable(status.text));
    for (const auto &entry : entries)
        if (ChatEventPtr e = rebuild(channelId, entry.gid, entry.seq, entry.type, entry.payload, entry.at)) {
            auto live = std::make_shared<ChatEvent>(*e);
            live->replayed = false;
            out.append(live);
        }
    return R::success(out);
}

qint64 ResumeManager::committedSeq(const QString &channelId) const
{
    return m_core.store ? m_core.store->channelLogFloor(channelId).lastSeq : 0;
}

qint64 ResumeManager::committedGid() const
{
    return m_core.store ? m_core.store->lastEventGid() : 0;
}

Result<ResumeManager::Outcome> ResumeManager::resumeChannel(Session *session, const QString &channelId, qint64 lastSeq,
                                                            qint64 maxGid, Finished finished)
{
    using R = Result<Outcome>;
    if (lastSeq < 0) return R::failure(CoreError::invalid("last_seq", "last_seq must be a non-negative integer"));
    Result<Channel> ch = m_core.access.readable(session->userId(), channelId);
    if (!ch.ok()) return R::failure(ch.error);
    if (session->merge(channelId)) return R::failure(CoreError::conflict("a resume of this channel is under way"));
    auto job = std::make_shared<Job>();
    job->session = session;
    job->finished = std::move(finished);
    Outcome &o = job->outcome;
    const qint64 published = m_core.outlet.publishedSeq(channelId);
    o.seq = published;
    const qint64 bound = maxGid < 0 ? m_core.outlet.publishedGid() : qMin(maxGid, m_core.outlet.publishedGid());
    // Ahead of this node but committed: the client saw it on another cluster node that was
    // ahead of this one; nothing to replay, and what it has is not sent again when it comes.
    if (lastSeq > published && lastSeq <= committedSeq(channelId)) o.seq = lastSeq;
    if (lastSeq > o.seq) {
        o.reason = QStringLiteral("unknown_position");
    } else if (!m_core.store || lastSeq < m_core.store->channelLogFloor(channelId).floorSeq) {
        o.reason = QStringLiteral("beyond_retention");
    } else {
        // One more than the limit: cut there, a bounded replay would end early unnoticed.
        job->entries = m_core.store->channelEvents(channelId, lastSeq, bound, replayLimit() + 1);
        // On a cluster the log can be ahead of this node (another node's events still on their
        // way, while the gid bound moved with other channels): those come live, through the
        // channel's sequencer, so the replay ends at what this node published of the channel.
        while (!job->entries.isEmpty() && job->entries.last().seq > published) job->entries.removeLast();
        if (job->entries.size() > replayLimit()) o.reason = QStringLiteral("beyond_retention");
        qint64 expect = lastSeq + 1;
        for (const auto &e : std::as_const(job->entries))
            if (e.seq != expect++) o.reason = QStringLiteral("beyond_retention");
        // Without a bound the replay must reach what was published.
        if (maxGid < 0 && expect - 1 < published) o.reason = QStringLiteral("beyond_retention");
    }
    o.recovered = o.reason.isEmpty();
    if (!o.recovered) {
        job->entries.clear();
    } else {
        const qint64 upTo = job->entries.isEmpty() ? (maxGid < 0 ? o.seq : lastSeq) : job->entries.last().seq;
        session->beginMerge(channelId, ResumeMerge(lastSeq, upTo));
        job->channels.append(channelId);
        o.replayed = int(job->entries.size());
    }
    QMetaObject::invokeMethod(
        this, [this, job] { runJob(job); }, Qt::QueuedConnection);
    return R::success(o);
}

Result<ResumeManager::Outcome> ResumeManager::resumeRooms(Session *session, const QHash<QString, qint64> &joinedAtGid,
                                                          qint64 afterGid, Finished finished)
{
    using R = Result<Outcome>;
    if (afterGid < 0) return R::failure(CoreError::invalid("offset", "offset must be a log position"));
    auto job = std::make_shared<Job>();
    job->session = session;
    job->finished = std::move(finished);
    Outcome &o = job->outcome;
    QStringList readable;
    for (auto it = joinedAtGid.cbegin(); it != joinedAtGid.cend(); ++it) {
        if (!m_core.access.readable(session->userId(), it.key()).ok() || session->merge(it.key())) continue;
        readable.append(it.key());
        if (!m_core.store || m_core.store->channelLogFloor(it.key()).floorGid > qMax(afterGid, it.value()))
            o.reason = QStringLiteral("beyond_retention");
    }
    // Ahead of this node but committed (see resumeChannel): the client has every event up to
    // afterGid; what this node has not delivered of them yet comes live and is not sent again.
    const qint64 published = m_core.outlet.publishedGid();
    QHash<QString, qint64> has;
    if (afterGid > published && m_core.store && afterGid <= committedGid()) {
        if (!readable.isEmpty()) {
            const auto ahead = m_core.store->channelEventsByGid(readable, published, afterGid, replayLimit());
            if (ahead.size() >= replayLimit()) o.reason = QStringLiteral("unknown_position");
            for (const auto &e : ahead) has[e.channelId] = qMax(has.value(e.channelId), e.seq);
        }
    } else if (afterGid > published) {
        o.reason = QStringLiteral("unknown_position");
    }
    if (o.reason.isEmpty() && !readable.isEmpty() && afterGid < published) {
        const int limit = replayLimit();
        const auto all = m_core.store->channelEventsByGid(readable, afterGid, m_core.outlet.publishedGid(), limit);
        if (all.size() >= limit) o.reason = QStringLiteral("beyond_retention");
        // Not above what this node published of the channel: the rest comes live (see resumeChannel).
        for (const auto &e : all)
            if (e.gid > joinedAtGid.value(e.channelId) && e.seq <= m_core.outlet.publishedSeq(e.channelId))
                job->entries.append(e);
    }
    o.recovered = o.reason.isEmpty();
    if (!o.recovered) {
        job->entries.clear();
    } else {
        for (const QString &id : readable) {
            const qint64 upTo = qMax(m_core.outlet.publishedSeq(id), has.value(id));
            session->beginMerge(id, has.contains(id) ? ResumeMerge(upTo, upTo) : ResumeMerge(-1, upTo));
        }
        job->channels = readable;
        o.replayed = int(job->entries.size());
    }
    QMetaObject::invokeMethod(
        this, [this, job] { runJob(job); }, Qt::QueuedConnection);
    return R::success(o);
}

void ResumeManager::runJob(const std::shared_ptr<Job> &job)
{
    Session *s = job->session;
    if (!s) return; // closed meanwhile: its merges went with it
    QList<ChatEventPtr> out;
    const qsizetype end = qMin(job->entries.size(), job->next + kSlice);
    for (; job->next < end; ++job->next) {
        const auto &e = job->entries.at(job->next);
        ChatEventPtr ev = rebuild(e.channelId, e.gid, e.seq, e.type, e.payload, e.at);
        ResumeMerge *merge = s->merge(e.channelId);
        if (!ev || !merge) continue;
        if (!merge->addReplayed(ev, out)) job->outcome.recovered = false;
    }
    for (const ChatEventPtr &ev : std::as_const(out)) s->deliver(ev);
    if (!job->session) return; // a delivery can close a session whose buffer overflowed
    if (job->next < job->entries.size()) {
        QMetaObject::invokeMethod(
            this, [this, job] { runJob(job); }, Qt::QueuedConnection);
        return;
    }
    for (const QString &id : std::as_const(job->channels))
        for (const ChatEventPtr &ev : s->endMerge(id)) s->deliver(ev);
    if (job->finished && job->session) job->finished(job->outcome);
}

void ResumeManager::saveSession(const QString &id, const QString &userId, const QString &scope, const QByteArray &state)
{
    if (m_core.store) m_core.store->saveResumeSession(id, userId, scope, state, Timestamp::nowMs(), nullptr);
}

void ResumeManager::dropSession(const QString &id)
{
    if (m_core.store) m_core.store->deleteResumeSession(id, nullptr);
}

std::optional<QByteArray> ResumeManager::loadSession(const QString &id, const QString &userId, const QString &scope,
                                                     qint64 maxAgeMs) const
{
    if (!m_core.store || id.isEmpty()) return std::nullopt;
    auto s = m_core.store->resumeSession(id);
    if (!s || s->userId != userId || s->scope != scope || Timestamp::nowMs() - s->updatedAt > maxAgeMs)
        return std::nullopt;
    return s->state;
}

void ResumeManager::pruneAll()
{
    if (!m_core.store) return;
    m_core.store->pruneEventLog(m_core.config.resumeRetentionEvents,
                                Timestamp::nowMs() - m_core.config.resumeRetentionSeconds * 1000, nullptr);
    m_core.store->flush();
}

void ResumeManager::prune()
{
    if (!m_core.store || m_pruning) return;
    m_pruning = true;
    QPointer<ResumeManager> self(this);
    m_core.store->pruneEventLogSlice(m_core.config.resumeRetentionEvents,
                                     Timestamp::nowMs() - m_core.config.resumeRetentionSeconds * 1000, kPruneSliceRows,
                                     {m_pruneAfterChannel},
                                     [self](const StoreStatus &status, const ChannelEventLog::PruneSlice &next) {
        if (!self) return;
        self->m_pruning = false;
        self->m_pruneAfterChannel = status.ok() ? next.afterChannelId : QString();
        if (status.ok() && next.more) QTimer::singleShot(kPruneSliceGapMs, self, &ResumeManager::prune);
    });
}

} // namespace switchboard
