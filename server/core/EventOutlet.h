#pragma once

#include "ChatEvent.h"

#include <QHash>
#include <QObject>
#include <QStringList>

#include <functional>

namespace switchboard {

class RoomManager;

// The single place where events leave the core. Committed events (messages,
// reactions, membership, channels) and ephemeral ones (typing, presence) are
// fanned out to the local sessions subscribed to their topics, then announced
// through published(): the admin feed and metrics listen there, and a cluster
// publisher attaches there to carry committed events to other nodes.
class EventOutlet : public QObject
{
    Q_OBJECT
public:
    explicit EventOutlet(RoomManager *rooms, QObject *parent = nullptr);

    // Builds the event for a channel; topics default to the channel's own topic.
    void publish(ChatEvent::Type type, const Channel &channel, const std::function<void(ChatEvent &)> &fill,
                 QStringList topics = {});
    void publishEvent(const ChatEventPtr &event, const QStringList &topics);
    // Local fan-out and published(), bypassing the sequencer.
    void deliver(const ChatEventPtr &event, const QStringList &topics);
    // The cluster orders logged events per channel (its own and other nodes')
    // before delivery; when set, every event with a seq goes through it.
    using Sequencer = std::function<void(const ChatEventPtr &, const QStringList &)>;
    void setSequencer(Sequencer sequencer) { m_sequencer = std::move(sequencer); }

    static bool isCommitted(ChatEvent::Type type);
    // Events whose frames go out after messages (the network's bulk lane, see
    // setBulkScope()): presence, typing, room events, read receipts, reactions.
    // A reaction in a 10,000-member channel is 10,000 frames: sent as bulk they
    // batch per connection and never hold a message back; a connection's frames
    // still keep their order (a message takes its earlier bulk frames along).
    static bool isBulk(ChatEvent::Type type);
    // Marks the frames queued meanwhile as bulk (set by the server to the flush queue's lane).
    void setBulkScope(std::function<void(bool)> scope) { m_bulkScope = std::move(scope); }
    // Whether the type is a logged channel event (it carries seq, see ChatEvent).
    static bool isLogged(ChatEvent::Type type);

    // What has been published so far: each channel's sequence and the global
    // log position. Replays reach up to here; the rest comes live.
    qint64 publishedSeq(const QString &channelId) const { return m_seq.value(channelId); }
    qint64 publishedGid() const { return m_gid; }
    void setPublished(const QString &channelId, qint64 seq) { m_seq.insert(channelId, seq); }
    void setPublishedGid(qint64 gid) { m_gid = gid; }

Q_SIGNALS:
    // Every event, after local fan-out.
    void published(const ChatEventPtr &event, const QStringList &topics);

private:
    RoomManager *m_rooms;
    Sequencer m_sequencer;
    std::function<void(bool)> m_bulkScope;
    QHash<QString, qint64> m_seq;
    qint64 m_gid = 0;
};

} // namespace switchboard
