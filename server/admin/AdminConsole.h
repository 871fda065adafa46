#pragma once

#include "AdminSnapshotStream.h"
#include "TrafficEvent.h"
#include "TrafficFilter.h"
#include "TrafficThrottle.h"

#include <QList>
#include <QObject>

#include <memory>

namespace switchboard {

class WebSocketConnection;

// One connected admin console. It holds the console's traffic filter, its
// rate cap and its pending traffic batch. Everything it sends passes the
// backpressure checks here: a console that reads too slowly loses traffic
// first, then its deltas (it gets a fresh snapshot once it catches up), and
// is closed past the hard limit. The server never buffers without bound for it.
class AdminConsole : public QObject
{
    Q_OBJECT
public:
    struct Limits
    {
        qint64 softQueueBytes = 1024 * 1024;     // above: traffic dropped, deltas deferred
        qint64 hardQueueBytes = 8 * 1024 * 1024; // above: the console is closed
        int maxBatch = 500;                      // traffic events per frame
    };

    AdminConsole(WebSocketConnection *socket, const QString &peer, const Limits &limits, QObject *parent = nullptr);
    ~AdminConsole() override;

    const QString &peer() const { return m_peer; }
    const TrafficFilter &filter() const { return m_filter; }
    void setFilter(const TrafficFilter &filter);
    bool wantsTraffic() const { return m_filter.enabled && !m_closing; }

    // Rate cap and backpressure for one event; false means it was counted as dropped.
    bool admitTraffic(qint64 nowMs);
    void queueTraffic(const TrafficEvent &event);
    void flushTraffic();
    qint64 trafficDropped() const { return m_throttle.totalDropped(); }

    // Snapshot and deltas: a delta is skipped (and a snapshot owed) while the
    // console is behind. Returns false when the console still needs a snapshot.
    bool needsSnapshot() const { return m_needsSnapshot; }
    // Starts sending a snapshot: a small one goes out whole at once, a big
    // one a part per sendSnapshotPart(). Deltas that come meanwhile are held
    // and sent after the last part: they follow the state the parts show.
    void beginSnapshot(std::unique_ptr<AdminSnapshotStream> stream);
    bool sendingSnapshot() const { return m_snapshot != nullptr; }
    void sendSnapshotPart();
    void sendDelta(const QByteArray &delta);
    // Results, audits and errors: small and always sent.
    void send(const QByteArray &message);

    qint64 queuedBytes() const;
    bool isBehind() const { return queuedBytes() > m_limits.softQueueBytes; }
    // Closes the console if it is past the hard limit; true if it did.
    bool enforceHardLimit();
    void close(int code, const QString &reason);

Q_SIGNALS:
    void commandReceived(AdminConsole *console, const QByteArray &data);
    void closed(AdminConsole *console);

private:
    void write(const QByteArray &message);

    WebSocketConnection *m_socket;
    QString m_peer;
    Limits m_limits;
    TrafficFilter m_filter;
    TrafficThrottle m_throttle;
    QList<TrafficEvent> m_batch;
    bool m_needsSnapshot = true;
    std::unique_ptr<AdminSnapshotStream> m_snapshot; // while a big snapshot is going out
    QList<QByteArray> m_heldDeltas;                  // meanwhile
    bool m_closing = false;
};

} // namespace switchboard
