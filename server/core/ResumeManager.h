#pragma once

#include <memory>

#include "ChatEvent.h"
#include "CoreError.h"
#include "Result.h"

#include <QHash>
#include <QObject>
#include <QPointer>

#include <functional>

class QTimer;

namespace switchboard {

// Storage is private to the core: the stamp is only declared here.
struct EventStamp;
using EventStampPtr = std::shared_ptr<EventStamp>;

struct CoreContext;
class Session;

// Resume without gaps (docs/design.md#resume): the channel event log, read
// back for a client that returns with the last sequence number it saw.
//  - stamp(): what a manager hands to the store so an event is logged in the
//    write's own transaction (the sequence number comes back in the stamp);
//  - resumeChannel()/resumeRooms(): decide at once whether the replay can be
//    exact (the log still reaches back far enough), then deliver the missed
//    events through the session's normal deliver() in slices, with the live
//    events of those channels held in a ResumeMerge until the replay is out;
//  - retention: the log keeps resumeRetentionEvents per channel and
//    resumeRetentionSeconds; older positions are answered "not recovered".
class ResumeManager : public QObject
{
    Q_OBJECT
public:
    struct Outcome
    {
        bool recovered = false;
        QString reason; // when not: "beyond_retention", "unknown_position"
        qint64 seq = 0; // the channel's current sequence (resumeChannel)
        int replayed = 0;
    };
    using Finished = std::function<void(const Outcome &)>;

    explicit ResumeManager(CoreContext &core, QObject *parent = nullptr);

    EventStampPtr stamp(ChatEvent::Type type, const QString &channelId,
                        std::function<QByteArray(qint64 seq)> payload) const;

    // Replays the channel's events after lastSeq (and, with maxGid >= 0, no later
    // than that log position) to the session. The outcome is returned at once
    // (so a dialect can answer before the events); finished runs after the last
    // replayed event was delivered (and live ones that waited followed it).
    Result<Outcome> resumeChannel(Session *session, const QString &channelId, qint64 lastSeq, qint64 maxGid,
                                  Finished finished = {});
    // Socket.IO connection state recovery: every event after afterGid in these
    // channels (each joined at its own position), in log order.
    Result<Outcome> resumeRooms(Session *session, const QHash<QString, qint64> &joinedAtGid, qint64 afterGid,
                                Finished finished = {});

    // Resume sessions of transports that resume a whole connection (Socket.IO pid).
    void saveSession(const QString &id, const QString &userId, const QString &scope, const QByteArray &state);
    void dropSession(const QString &id);
    // The state if the session exists, belongs to the user and scope, and is younger than maxAgeMs.
    std::optional<QByteArray> loadSession(const QString &id, const QString &userId, const QString &scope,
                                          qint64 maxAgeMs) const;

    // Applies the retention (resumeRetentionEvents, resumeRetentionSeconds) in
    // slices, one write each, until nothing is left to drop.
    void prune();
    // The same in one write, waited for: at start, before the server listens,
    // so a client's first resume already meets the retention (nobody waits
    // behind that write yet; a sliced prune could lose the race to it).
    void pruneAll();

    // A logged event rebuilt from its log form (EventLogCodec payload) on this
    // node's directory; null when the channel or type is unknown.
    ChatEventPtr rebuild(const QString &channelId, qint64 gid, qint64 seq, const QString &type,
                         const QByteArray &payload, qint64 at) const;
    // The cluster's gap fill: the channel's logged events after afterSeq (at most
    // limit), as live events, or Unavailable when the database could not be read
    // (never an empty list for a failed read: the caller must not move past a gap);
    // and the newest committed sequence number.
    Result<QList<ChatEventPtr>> eventsAfter(const QString &channelId, qint64 afterSeq, int limit) const;
    qint64 committedSeq(const QString &channelId) const;
    // The newest global log position committed (by any node).
    qint64 committedGid() const;

private:
    struct Job;
    void runJob(const std::shared_ptr<Job> &job);
    int replayLimit() const;

    CoreContext &m_core;
    QTimer *m_pruneTimer;
    bool m_pruning = false;      // a slice is queued: the timer does not queue another
    QString m_pruneAfterChannel; // where the next slice goes on (channels by id)
};

} // namespace switchboard
