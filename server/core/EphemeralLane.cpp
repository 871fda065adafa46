#include "EphemeralLane.h"

#include "HashCompaction.h"

#include "CoreContext.h"
#include "RoomKey.h"
#include "Timestamp.h"

#include <limits>

namespace switchboard {

namespace {
// Closed changes compared per step of the drain, between two looks at its budget.
constexpr int CollectSlice = 64;
} // namespace

EphemeralLane::EphemeralLane(CoreContext &core, QObject *parent) : QObject(parent), m_core(core)
{
    m_window.setSingleShot(true);
    connect(&m_window, &QTimer::timeout, this, &EphemeralLane::closeWindow);
    // A zero timer: the next slice runs after the socket and commit work of
    // the pass in between.
    m_drainTimer.setSingleShot(true);
    m_drainTimer.setInterval(0);
    connect(&m_drainTimer, &QTimer::timeout, this, [this] { drain(m_core.config.ephemeralBudgetMs); });
    m_since.start();
    m_clock = [this] { return m_since.elapsed(); };
}

void EphemeralLane::presenceChanged(const QString &userId, const QString &status)
{
    m_presence.insert(userId, status);
    if (!m_window.isActive()) m_window.start(m_core.config.presenceWindowMs);
}

void EphemeralLane::participationChanged(const QString &channelId, const QString &userId, bool inRoom)
{
    m_participation.insert(RoomKey::of(channelId, userId), inRoom);
    if (!m_window.isActive()) m_window.start(m_core.config.presenceWindowMs);
}

void EphemeralLane::typingChanged(const QString &channelId, const QString &userId, bool typing)
{
    m_typing.insert(RoomKey::of(channelId, userId), typing);
    if (m_passScheduled) return;
    m_passScheduled = true;
    // Typing is shown at once, but a start and stop in the same pass cancel.
    QMetaObject::invokeMethod(this, &EphemeralLane::collectPass, Qt::QueuedConnection);
}

void EphemeralLane::readChanged(const Message &m, const QString &readerId)
{
    auto pending = m_reads.find(RoomKey::of(m.channelId, readerId));
    if (pending != m_reads.end()) {
        *pending = m; // the same pass: only the latest counts
        ++m_coalesced;
    } else {
        m_reads.insert(RoomKey::of(m.channelId, readerId), m);
    }
    if (m_passScheduled) return;
    m_passScheduled = true;
    QMetaObject::invokeMethod(this, &EphemeralLane::collectPass, Qt::QueuedConnection);
}

void EphemeralLane::closeWindow()
{
    // A whole window behind (overload): the last one is finished first.
    while (collectClosed(std::numeric_limits<int>::max())) {}
    m_presenceClosed.swap(m_presence);
    m_participationClosed.swap(m_participation);
    m_presence.clear(); // both hold the collected window now
    m_participation.clear();
    m_presenceCursor = m_presenceClosed.cbegin();
    m_participationCursor = m_participationClosed.cbegin();
    m_closedLeft = int(m_presenceClosed.size() + m_participationClosed.size());
    scheduleDrain();
}

bool EphemeralLane::collectClosed(int slice)
{
    if (m_closedLeft == 0) return false;
    int n = 0;
    for (; n < slice && m_presenceCursor != m_presenceClosed.cend(); ++n, ++m_presenceCursor)
        collectPresence(m_presenceCursor.key(), m_presenceCursor.value());
    for (; n < slice && m_participationCursor != m_participationClosed.cend(); ++n, ++m_participationCursor)
        collectFlag(m_participationCursor.key(), m_participationCursor.value(), m_participationPublished,
                    Kind::Participation, nullptr);
    m_closedLeft -= n;
    return true;
}

void EphemeralLane::collectPresence(const QString &userId, const QString &status)
{
    const QString was = m_presencePublished.value(userId, QStringLiteral("offline"));
    if (status == was) {
        ++m_coalesced;
        return;
    }
    if (status == QLatin1String("offline"))
        m_presencePublished.remove(userId);
    else
        m_presencePublished.insert(userId, status);
    m_ready.push_back({Kind::Presence, QString(), userId, status, false, 0});
}

void EphemeralLane::collectPass()
{
    m_passScheduled = false;
    collectReads();
    collectFlags(m_typing, m_typingPublished, Kind::Typing, &m_typingUnseen);
}

void EphemeralLane::collectReads()
{
    for (auto it = m_reads.begin(); it != m_reads.end(); ++it) {
        auto waiting = m_readsWaiting.find(it.key());
        if (waiting != m_readsWaiting.end()) {
            // Not told yet: the channel hears the latest read only.
            *waiting = std::move(it.value());
            ++m_coalesced;
            continue;
        }
        auto [channelId, userId] = RoomKey::split(it.key());
        m_ready.push_back({Kind::Read, std::move(channelId), std::move(userId), QString(), false, m_clock()});
        m_readsWaiting.insert(it.key(), std::move(it.value()));
    }
    m_reads.clear();
}

void EphemeralLane::collectFlags(QHash<QString, bool> &pending, QSet<QString> &published, Kind kind,
                                 QSet<QString> *unseen)
{
    for (auto it = pending.cbegin(); it != pending.cend(); ++it)
        collectFlag(it.key(), it.value(), published, kind, unseen);
    pending.clear();
    scheduleDrain();
}

void EphemeralLane::collectFlag(const QString &key, bool on, QSet<QString> &published, Kind kind, QSet<QString> *unseen)
{
    // Collected as on, but that start was shed: what others know is "off".
    const bool told = published.contains(key) && !(unseen && unseen->remove(key));
    if (on == told) { // back to what was last told
        if (!told) published.remove(key);
        ++m_coalesced;
        return;
    }
    if (on)
        published.insert(key);
    else
        published.remove(key);
    auto [channelId, userId] = RoomKey::split(key);
    m_ready.push_back({kind, std::move(channelId), std::move(userId), QString(), on, m_clock()});
}

void EphemeralLane::scheduleDrain()
{
    if (m_drainTimer.isActive()) return;
    if (!m_ready.empty() || m_closedLeft > 0) m_drainTimer.start();
}

void EphemeralLane::drain(int budgetMs)
{
    QElapsedTimer clock;
    clock.start();
    const qint64 staleBefore = budgetMs >= 0 ? m_clock() - m_core.config.typingMaxWaitMs : 0;
    for (;;) {
        // Closed windows are compared a slice at a time, when nothing collected waits.
        if (m_ready.empty() && !collectClosed(CollectSlice)) break;
        if (!m_ready.empty() && !publishNext(staleBefore, budgetMs >= 0)) continue; // shed: cheap
        if (budgetMs >= 0 && clock.elapsed() >= budgetMs) break;
    }
    scheduleDrain();
}

bool EphemeralLane::publishNext(qint64 staleBefore, bool mayShed)
{
    const Item item = std::move(m_ready.front());
    m_ready.pop_front();
    if (mayShed && item.kind == Kind::Typing && item.on && item.readyMs < staleBefore) {
        // Overload: this start is old news. Nobody was told, so its stop
        // (a change back to what they know) will not be sent either; a
        // later start of the same user, already collected, still goes.
        const QString k = RoomKey::of(item.channelId, item.userId);
        if (m_typingPublished.contains(k)) m_typingUnseen.insert(k);
        ++m_shed;
        return false;
    }
    if (item.kind == Kind::Typing && item.on) m_typingUnseen.remove(RoomKey::of(item.channelId, item.userId));
    publish(item);
    return true;
}

void EphemeralLane::flush(int budgetMs)
{
    m_window.stop();
    collectPass();
    closeWindow();
    m_drainTimer.stop();
    drain(budgetMs);
}

QStringList EphemeralLane::presenceTopics(const QString &userId) const
{
    const Directory &dir = m_core.dir;
    QStringList topics;
    for (const QString &ws : dir.workspacesOf(userId))
        if (dir.workspaceMemberCount(ws) <= m_core.config.presenceWorkspaceLimit)
            topics.append(RoomManager::workspaceTopic(ws));
    for (const QString &c : dir.channelsOf(userId))
        if (tellsChannel(c)) topics.append(RoomManager::channelTopic(c));
    // The user's own other connections always hear it.
    topics.append(RoomManager::userTopic(userId));
    return topics;
}

bool EphemeralLane::tellsChannel(const QString &channelId) const
{
    return m_core.dir.channelMemberCount(channelId) <= m_core.config.presenceChannelLimit;
}

void EphemeralLane::publish(const Item &item)
{
    const User *u = m_core.dir.user(item.userId);
    if (!u) return;
    auto e = std::make_shared<ChatEvent>();
    e->at = Timestamp::nowMs();
    e->actor = *u;
    if (item.kind == Kind::Presence) {
        e->type = ChatEvent::Type::PresenceChanged;
        e->status = item.status;
        m_core.outlet.publishEvent(e, presenceTopics(item.userId));
        return;
    }
    if (item.kind == Kind::Read) {
        const auto waiting = m_readsWaiting.constFind(RoomKey::of(item.channelId, item.userId));
        if (waiting == m_readsWaiting.cend()) return;
        const Message m = *waiting;
        m_readsWaiting.erase(waiting);
        const Channel *c = m_core.dir.channel(m.channelId);
        if (!c) return;
        e->type = ChatEvent::Type::MessageRead;
        e->channel = *c;
        e->message = m;
        // As presence: a large room is not told who read what, only the
        // reader's own other connections are.
        m_core.outlet.publishEvent(e, {tellsChannel(c->id) ? RoomManager::channelTopic(c->id)
                                                           : RoomManager::userTopic(item.userId)});
        return;
    }
    const Channel *c = m_core.dir.channel(item.channelId);
    if (!c) return;
    e->channel = *c;
    if (item.kind == Kind::Typing)
        e->type = item.on ? ChatEvent::Type::TypingStarted : ChatEvent::Type::TypingStopped;
    else
        e->type = item.on ? ChatEvent::Type::ParticipantJoined : ChatEvent::Type::ParticipantLeft;
    m_core.outlet.publishEvent(e, {RoomManager::channelTopic(c->id)});
}

void EphemeralLane::compact()
{
    squeezeIfSparse(m_presence);
    squeezeIfSparse(m_participation);
    squeezeIfSparse(m_typing);
    squeezeIfSparse(m_presencePublished);
    squeezeIfSparse(m_participationPublished);
    squeezeIfSparse(m_typingPublished);
    squeezeIfSparse(m_typingUnseen);
    squeezeIfSparse(m_readsWaiting);
}

} // namespace switchboard
