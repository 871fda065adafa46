#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

#include "Message.h"

#include <deque>
#include <functional>

namespace switchboard {

struct CoreContext;

// The lane for ephemeral traffic: presence, typing, room participation and
// read receipts (the read position is stored first; telling the channel is
// news, like typing). Messages come first, so this traffic is
//  - coalesced: within a window (presenceWindowMs) only the latest state of a
//    user (or of a user in a room) counts, and a change that returns to what
//    was last published (online -> offline, joined -> left) sends nothing;
//    typing coalesces the same way within one loop pass; a user's read
//    receipts in a channel coalesce to the latest for as long as one waits;
//  - bounded: pending work is one entry per user (or per user and room),
//    whatever the churn, and a typing start that waited longer than
//    typingMaxWaitMs is dropped (shed) rather than sent late, with its stop;
//  - published under a budget (ephemeralBudgetMs per loop pass), the rest in
//    later passes, so sockets, commits and acks get the loop in between;
//  - sent only to who can see it (see presenceTopics()); in channels over
//    presenceChannelLimit a read receipt goes to the reader's own connections.
// Presence is therefore eventually consistent (about one window after churn
// stops); messages stay exact.
class EphemeralLane : public QObject
{
    Q_OBJECT
public:
    // Gives back the storage of tables left mostly empty (SessionManager::compact()).
    void compact();
    explicit EphemeralLane(CoreContext &core, QObject *parent = nullptr);

    void presenceChanged(const QString &userId, const QString &status);
    void typingChanged(const QString &channelId, const QString &userId, bool typing);
    void participationChanged(const QString &channelId, const QString &userId, bool inRoom);
    // readerId has read up to m (already stored): tells m's channel.
    void readChanged(const Message &m, const QString &readerId);

    // Closes the window now and publishes what is pending within budgetMs
    // (-1: everything; tests, shutdown); the rest follows in later passes.
    void flush(int budgetMs = -1);
    // Work waiting to be published (collected or not), and changes that
    // cancelled out (metrics, tests).
    int backlog() const { return int(m_ready.size()) + m_closedLeft; }
    quint64 coalesced() const { return m_coalesced; }
    // Typing starts dropped because they waited past typingMaxWaitMs (overload).
    quint64 shed() const { return m_shed; }
    // Milliseconds on a monotonic clock, for the typing wait (tests replace it).
    void setClock(std::function<qint64()> clock) { m_clock = std::move(clock); }

    // Where a presence change of this user goes: workspaces up to
    // presenceWorkspaceLimit members, channels up to presenceChannelLimit.
    QStringList presenceTopics(const QString &userId) const;
    // Whether a channel hears its members' presence, room events and read
    // receipts: up to presenceChannelLimit members. In a larger one each
    // change would be a frame to each of thousands.
    bool tellsChannel(const QString &channelId) const;

private:
    enum class Kind { Presence, Typing, Participation, Read };
    struct Item
    {
        Kind kind;
        QString channelId;
        QString userId;
        QString status;  // presence
        bool on = false; // typing, participation
        qint64 readyMs = 0;
    };

    // Hands the window's changes to the drain, which compares them with what
    // was last published a slice at a time (collectClosed()): a window after
    // a wave of 19,000 users held 38,000 changes, and comparing them all at
    // once was a 26 ms pass that every room's messages waited for.
    void closeWindow();
    // Up to `slice` closed changes into m_ready; false if none was left.
    bool collectClosed(int slice);
    void collectPresence(const QString &userId, const QString &status);
    // Typing and read receipts, once per pass.
    void collectPass();
    void collectReads();
    // Room participation and typing: on/off per channel and user.
    void collectFlags(QHash<QString, bool> &pending, QSet<QString> &published, Kind kind,
                      QSet<QString> *unseen = nullptr);
    void collectFlag(const QString &key, bool on, QSet<QString> &published, Kind kind, QSet<QString> *unseen);
    void scheduleDrain();
    void drain(int budgetMs);
    // The next ready item: published (true) or, a typing start gone stale, shed.
    bool publishNext(qint64 staleBefore, bool mayShed);
    void publish(const Item &item);

    CoreContext &m_core;
    // Pending within the current window: the latest state per user / per room and user.
    QHash<QString, QString> m_presence;
    QHash<QString, bool> m_participation;
    // The last closed window, compared up to its cursor. Never changed while
    // it is walked: the next window closes only after it is collected (at
    // once, if the drain is a whole window behind), so pending work stays one
    // entry per user.
    QHash<QString, QString> m_presenceClosed;
    QHash<QString, bool> m_participationClosed;
    QHash<QString, QString>::const_iterator m_presenceCursor;
    QHash<QString, bool>::const_iterator m_participationCursor;
    int m_closedLeft = 0;
    QHash<QString, bool> m_typing;
    // What was last published (absent: offline / not in the room / not typing).
    QHash<QString, QString> m_presencePublished;
    QSet<QString> m_participationPublished;
    QSet<QString> m_typingPublished;
    // Typing collected as started whose start was shed: nobody saw it.
    QSet<QString> m_typingUnseen;
    // Read receipts: pending this pass, and waiting in m_ready (the latest per
    // channel and reader; a later one replaces it in place).
    QHash<QString, Message> m_reads;
    QHash<QString, Message> m_readsWaiting;
    std::deque<Item> m_ready;
    std::function<qint64()> m_clock;
    QElapsedTimer m_since;
    QTimer m_window;
    QTimer m_drainTimer;
    bool m_passScheduled = false;
    quint64 m_coalesced = 0;
    quint64 m_shed = 0;
};

} // namespace switchboard
