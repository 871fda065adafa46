#include "AdminConsole.h"

#include "AdminProtocol.h"

#include "net/WebSocketConnection.h"

#include <QTimer>

#include <utility>

namespace switchboard {

AdminConsole::AdminConsole(WebSocketConnection *socket, const QString &peer, const Limits &limits, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_peer(peer)
    , m_limits(limits)
    , m_throttle(TrafficFilter::DefaultMaxRate)
{
    socket->setParent(this);
    // Commands are small: a bigger frame is closed (1009) before we parse it.
    socket->setMaxAllowedIncomingMessageSize(AdminProtocol::MaxCommandBytes);
    // Keep the backlog of a slow console where queuedBytes() sees it, not in
    // megabytes of kernel buffer: that is what the soft and hard limits act on.
    socket->setSendBufferSize(256 * 1024);
    connect(socket, &WebSocketConnection::textMessageReceived, this,
            [this](const QString &text) { Q_EMIT commandReceived(this, text.toUtf8()); });
    connect(socket, &WebSocketConnection::binaryMessageReceived, this, [this](const QByteArray &) {
        send(AdminProtocol::encodeError(QLatin1String(AdminProtocol::ErrorBadRequest),
                                        QStringLiteral("the admin feed speaks JSON text frames only")));
    });
    connect(socket, &WebSocketConnection::disconnected, this, [this] {
        m_closing = true;
        Q_EMIT closed(this);
    });
}

AdminConsole::~AdminConsole()
{
    m_socket->disconnect(this);
}

void AdminConsole::setFilter(const TrafficFilter &filter)
{
    m_filter = filter;
    m_throttle.setRate(filter.maxRate);
    if (!filter.enabled) m_batch.clear();
}

bool AdminConsole::admitTraffic(qint64 nowMs)
{
    if (isBehind()) {
        m_throttle.refuse();
        return false;
    }
    return m_throttle.admit(nowMs);
}

void AdminConsole::queueTraffic(const TrafficEvent &event)
{
    m_batch.append(event);
    if (m_batch.size() >= m_limits.maxBatch) flushTraffic();
}

void AdminConsole::flushTraffic()
{
    const qint64 dropped = m_throttle.takeDropped();
    if (m_batch.isEmpty() && dropped == 0) return;
    write(AdminProtocol::encodeTraffic(m_batch, dropped));
    m_batch.clear();
}

void AdminConsole::beginSnapshot(std::unique_ptr<AdminSnapshotStream> stream)
{
    m_needsSnapshot = false;
    m_heldDeltas.clear();
    if (stream->fitsInOne()) {
        m_snapshot.reset();
        write(stream->whole());
        return;
    }
    m_snapshot = std::move(stream);
    sendSnapshotPart();
}

void AdminConsole::sendSnapshotPart()
{
    if (!m_snapshot) return;
    write(m_snapshot->next());
    if (!m_snapshot->atEnd()) return;
    m_snapshot.reset();
    // Held back, not skipped: they take the console from the snapshot's
    // state to the feed's. (Only a tick or two: a snapshot takes a few passes.)
    const QList<QByteArray> held = std::exchange(m_heldDeltas, {});
    for (const QByteArray &delta : held) write(delta);
}

void AdminConsole::sendDelta(const QByteArray &delta)
{
    if (m_needsSnapshot) return;
    if (m_snapshot) {
        m_heldDeltas.append(delta);
        return;
    }
    if (isBehind()) {
        // Deltas build on each other: skipping one means starting over.
        m_needsSnapshot = true;
        return;
    }
    write(delta);
}

void AdminConsole::send(const QByteArray &message)
{
    write(message);
}

qint64 AdminConsole::queuedBytes() const
{
    return m_socket->bytesToWrite();
}

bool AdminConsole::enforceHardLimit()
{
    if (m_closing || queuedBytes() <= m_limits.hardQueueBytes) return false;
    close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("console too slow"));
    return true;
}

void AdminConsole::close(int code, const QString &reason)
{
    if (m_closing) return;
    m_closing = true;
    m_batch.clear();
    m_socket->close(quint16(code), reason);
    // A console that does not even read the close frame is aborted.
    QTimer::singleShot(2000, m_socket, [s = m_socket] { s->abort(); });
}

void AdminConsole::write(const QByteArray &message)
{
    if (m_closing) return;
    m_socket->sendText(message);
}

} // namespace switchboard
