#pragma once

#include "AdminCommand.h"
#include "AdminResult.h"
#include "AdminSnapshotAssembler.h"
#include "ServerStats.h"
#include "TlsTrust.h"
#include "TrafficFilter.h"

#include <QHash>
#include <QObject>
#include <QTimer>
#include <QUrl>
#include <QWebSocket>

namespace switchboard {

class ChannelModel;
class ConnectionModel;
class NodeModel;
class TrafficModel;
struct AdminMessage;

// The console's end of the admin feed. Owns the socket and the shared item
// models, applies snapshot and deltas to them, sends commands and reconnects
// by itself with a growing delay when the link drops. A refused token stops
// the retries: trying the same wrong token again helps nobody.
class AdminClient : public QObject
{
    Q_OBJECT
public:
    enum class LinkState { Disconnected, Connecting, Connected, Reconnecting, Refused };
    Q_ENUM(LinkState)

    explicit AdminClient(QObject *parent = nullptr);
    ~AdminClient() override;

    ConnectionModel *connections() const { return m_connections; }
    ChannelModel *channels() const { return m_channels; }
    // The cluster's nodes; empty when the server is not in a cluster.
    NodeModel *nodes() const { return m_nodes; }
    TrafficModel *traffic() const { return m_traffic; }
    const ServerStats &stats() const { return m_stats; }
    QString serverName() const { return m_serverName; }

    LinkState state() const { return m_state; }
    QString stateDetail() const { return m_detail; }
    QUrl url() const { return m_url; }
    // Milliseconds until the next automatic attempt, -1 when none is planned.
    int reconnectIn() const;

    void open(const QUrl &url, const QString &token);
    // For wss:// URLs: a CA file or a pinned certificate (used from the next open()).
    void setTlsTrust(const TlsTrust &trust) { m_trust = trust; }
    TlsTrust tlsTrust() const { return m_trust; }
    void close();

    // Sends a command with a fresh id and returns the id; commandFinished()
    // reports the outcome. Without a link the command fails at once.
    QString send(AdminCommand command);

    TrafficFilter trafficFilter() const { return m_filter; }
    // Remembered across reconnects; sent at once when linked.
    void setTrafficFilter(const TrafficFilter &filter);

    void setReconnectDelays(int firstMs, int maxMs);
    qint64 trafficDropped() const { return m_trafficDropped; }

Q_SIGNALS:
    void stateChanged(AdminClient::LinkState state, const QString &detail);
    void snapshotApplied();
    void statsUpdated(const ServerStats &stats);
    void trafficArrived(int events, qint64 dropped);
    void commandFinished(const AdminResult &result);
    void auditReceived(const AdminResult &entry);
    void serverError(const QString &code, const QString &message);

private:
    void connectSocket();
    void setState(LinkState state, const QString &detail);
    void onConnected();
    void onDisconnected();
    void onTextMessage(const QString &text);
    void apply(const AdminMessage &m);
    void scheduleReconnect();
    void failPending(const QString &why);

    QWebSocket *m_socket = nullptr;
    ConnectionModel *m_connections;
    ChannelModel *m_channels;
    NodeModel *m_nodes;
    TrafficModel *m_traffic;
    ServerStats m_stats;
    QString m_serverName;
    AdminSnapshotAssembler m_assembler;

    QUrl m_url;
    QString m_token;
    TlsTrust m_trust;
    LinkState m_state = LinkState::Disconnected;
    QString m_detail;
    QString m_lastError;
    bool m_wantOpen = false;
    bool m_refused = false;
    QTimer m_reconnectTimer;
    int m_firstDelayMs = 1000;
    int m_maxDelayMs = 15000;
    int m_nextDelayMs = 1000;

    TrafficFilter m_filter;
    qint64 m_trafficDropped = 0;
    quint64 m_nextCommandId = 1;
    QHash<QString, QString> m_pending; // command id -> command name
};

} // namespace switchboard
