#include "AdminFeed.h"

#include "AdminProtocol.h"
#include "RemoteConnections.h"
#include "cluster/ClusterControl.h"
#include "core/ChatService.h"
#include "http/HttpRequest.h"
#include "http/HttpResponse.h"
#include "core/Metrics.h"
#include "http/Router.h"
#include "Timestamp.h"
#include "core/TrafficTap.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QLoggingCategory>
#include "net/WebSocketConnection.h"

namespace switchboard {

Q_LOGGING_CATEGORY(lcAdmin, "switchboard.admin")

namespace {

QString serverName()
{
#ifdef SWITCHBOARD_VERSION
    return QStringLiteral("switchboard/" SWITCHBOARD_VERSION);
#else
    return QStringLiteral("switchboard");
#endif
}

// Compares hashes so the time taken says nothing about the token.
bool tokenMatches(const QByteArray &given, const QString &expected)
{
    const QByteArray a = QCryptographicHash::hash(given, QCryptographicHash::Sha256);
    const QByteArray b = QCryptographicHash::hash(expected.toUtf8(), QCryptographicHash::Sha256);
    unsigned char diff = 0;
    for (int i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0 && !given.isEmpty();
}

QString plainAddress(const QHostAddress &a)
{
    bool v4 = false;
    const quint32 ip4 = a.toIPv4Address(&v4);
    return v4 ? QHostAddress(ip4).toString() : a.toString();
}

QString errorCodeFor(const CoreError &e)
{
    switch (e.code) {
    case CoreError::NotFound: return QLatin1String(AdminProtocol::ErrorNotFound);
    case CoreError::Invalid: return QLatin1String(AdminProtocol::ErrorBadRequest);
    case CoreError::TooLarge: return QLatin1String(AdminProtocol::ErrorTooLarge);
    case CoreError::RateLimited: return QLatin1String(AdminProtocol::ErrorRateLimited);
    default: return e.codeName();
    }
}

} // namespace

AdminFeed *AdminFeed::install(Router &router, ChatService *chat, const QString &adminToken, QObject *parent)
{
    if (adminToken.isEmpty()) {
        qCInfo(lcAdmin) << "admin feed is off: start the server with --admin-token to enable /admin/ws";
        return nullptr;
    }
    Options options;
    options.token = adminToken;
    auto *feed = new AdminFeed(chat, options, parent);
    feed->installRoutes(router);
    qCInfo(lcAdmin) << "admin feed on at /admin/ws";
    return feed;
}

AdminFeed::AdminFeed(ChatService *chat, const Options &options, QObject *parent)
    : QObject(parent)
    , m_chat(chat)
    , m_options(options)
    , m_startedAt(Timestamp::nowMs())
{
    connect(chat, &ChatService::sessionAttached, this, &AdminFeed::onSessionAttached);
    connect(chat, &ChatService::sessionDetached, this, &AdminFeed::onSessionDetached);
    connect(chat, &ChatService::eventPublished, this, &AdminFeed::onEvent);
    for (Session *s : chat->sessions()) onSessionAttached(s);

    m_tick.setInterval(options.tickMs);
    connect(&m_tick, &QTimer::timeout, this, &AdminFeed::tick);
    m_trafficFlush.setInterval(options.trafficFlushMs);
    connect(&m_trafficFlush, &QTimer::timeout, this, &AdminFeed::flushTraffic);
    m_roundSlices.setInterval(0);
    connect(&m_roundSlices, &QTimer::timeout, this, &AdminFeed::sampleSlice);
    m_snapshotParts.setInterval(0);
    connect(&m_snapshotParts, &QTimer::timeout, this, &AdminFeed::sendSnapshotParts);
    // The first sample sets the baseline for rates.
    sampleStats(Timestamp::nowMs());
}

AdminFeed::~AdminFeed()
{
    if (m_tapOn) TrafficTap::removeWatcher();
}

void AdminFeed::goingAway()
{
    m_tick.stop();
    m_trafficFlush.stop();
    m_snapshotParts.stop();
    m_roundSlices.stop();
    for (AdminConsole *c : qAsConst(m_consoles)) {
        c->flushTraffic();
        c->close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("server shutting down"));
    }
}

void AdminFeed::setCluster(ClusterControl *control)
{
    m_cluster = control;
    m_remote = new RemoteConnections(control, this);
    // Other nodes' consoles get this node's connections described as its own console sees them.
    m_cluster->setDescriber([this](const Session *s) { return describe(s); });
    m_cluster->setWatching(!m_consoles.isEmpty());
    m_nodes = clusterNodes();
}

QList<NodeInfo> AdminFeed::clusterNodes() const
{
    QList<NodeInfo> nodes = m_cluster->nodes();
    for (NodeInfo &n : nodes) n.reachable = !n.live || !m_remote->isUnreachable(n.id);
    return nodes;
}

void AdminFeed::installRoutes(Router &router)
{
    Router::WebSocketRoute route;
    route.check = [this](const HttpRequest &req, const Router::Params &) { return checkUpgrade(req); };
    route.accept = [this](WebSocketConnection *socket, const HttpRequest &req, const Router::Params &) {
        acceptConsole(socket, req);
    };
    router.addWebSocket(QStringLiteral("/admin/ws"), route);
}

std::optional<HttpResponse> AdminFeed::checkUpgrade(const HttpRequest &req)
{
    const QString who = plainAddress(req.remoteAddress);
    // Guessing tokens is slow work: a few tries a second per address at most.
    if (m_chat->checkRate(QStringLiteral("admin-upgrade:") + who, 60)) {
        qCWarning(lcAdmin).noquote() << "admin feed: too many attempts from" << who;
        return HttpResponse::error(429, QStringLiteral("rate_limited"), QStringLiteral("too many attempts"));
    }
    if (!tokenMatches(req.bearerToken(), m_options.token)) {
        qCWarning(lcAdmin).noquote() << "admin feed: refused" << who << "(wrong or missing admin token)";
        return HttpResponse::error(401, QLatin1String(AdminProtocol::ErrorUnauthorized),
                                   QStringLiteral("wrong or missing admin token"));
    }
    if (m_consoles.size() >= m_options.maxConsoles)
        return HttpResponse::error(503, QStringLiteral("too_many_consoles"), QStringLiteral("too many admin consoles"));
    return std::nullopt;
}

void AdminFeed::acceptConsole(WebSocketConnection *socket, const HttpRequest &req)
{
    const QString peer = plainAddress(req.remoteAddress) + QLatin1Char(':') + QString::number(req.remotePort);
    auto *console = new AdminConsole(socket, peer, m_options.limits, this);
    connect(console, &AdminConsole::commandReceived, this, &AdminFeed::handleCommand);
    connect(console, &AdminConsole::closed, this, &AdminFeed::onConsoleClosed);
    qCInfo(lcAdmin).noquote() << "admin console connected from" << peer;

    // Its snapshot goes out at the end of the next sampling round (it needs
    // one: m_connections is what the consoles were last told), with the
    // others' deltas, so the snapshot and the deltas that follow agree.
    m_consoles.append(console);
    if (m_cluster) m_cluster->setWatching(true);
    tick();
    if (!m_tick.isActive()) m_tick.start();
    if (!m_trafficFlush.isActive()) m_trafficFlush.start();
    updateTap();
}

void AdminFeed::onConsoleClosed(AdminConsole *console)
{
    if (!m_consoles.removeOne(console)) return;
    m_droppedTotal += console->trafficDropped();
    qCInfo(lcAdmin).noquote() << "admin console" << console->peer() << "left";
    console->deleteLater();
    if (m_consoles.isEmpty()) {
        if (m_cluster) m_cluster->setWatching(false);
        if (m_remote) m_remote->clear(); // nobody looks: no lists asked for, none kept
        m_tick.stop();
        m_trafficFlush.stop();
        m_snapshotParts.stop();
    }
    updateTap();
}

void AdminFeed::updateTap()
{
    bool want = false;
    for (AdminConsole *c : qAsConst(m_consoles)) want = want || c->wantsTraffic();
    if (want == m_tapOn) return;
    m_tapOn = want;
    if (want)
        TrafficTap::addWatcher();
    else
        TrafficTap::removeWatcher();
}

void AdminFeed::onSessionAttached(Session *session)
{
    connect(session, &Session::traffic, this, &AdminFeed::onTraffic, Qt::UniqueConnection);
}

void AdminFeed::onSessionDetached(Session *session)
{
    disconnect(session, &Session::traffic, this, &AdminFeed::onTraffic);
}

void AdminFeed::onEvent(const ChatEventPtr &event)
{
    if (event->type == ChatEvent::Type::MessageCreated || event->type == ChatEvent::Type::SystemMessage)
        m_activity.noteMessage(event->channel.id, event->at ? event->at : Timestamp::nowMs());
    else if (event->type == ChatEvent::Type::ChannelDeleted)
        m_activity.forget(event->channel.id);
}

void AdminFeed::onTraffic(Session *session, Session::Direction dir, const QString &event, const QString &channelId,
                          qint64 bytes, const QByteArray &payload)
{
    if (!m_tapOn) return;
    const qint64 now = Timestamp::nowMs();
    TrafficEvent e;
    e.seq = ++m_trafficSeq;
    e.time = now;
    e.connectionId = session->id();
    e.userId = session->userId();
    e.userName = session->user().name();
    e.dialect = session->dialect();
    e.direction = dir == Session::Direction::In ? TrafficEvent::Direction::In : TrafficEvent::Direction::Out;
    e.event = event;
    e.channelId = channelId;
    if (!channelId.isEmpty()) {
        if (const Channel *c = m_chat->directory().channel(channelId)) e.channelName = c->name;
    }
    e.size = int(qMin<qint64>(bytes, INT_MAX));
    // The payload is decoded only if some console takes the event.
    bool payloadSet = false;
    for (AdminConsole *c : qAsConst(m_consoles)) {
        if (!c->wantsTraffic() || !c->filter().matches(e) || !c->admitTraffic(now)) continue;
        if (!payloadSet) {
            e.setPayload(payload, m_options.payloadLimit);
            payloadSet = true;
        }
        c->queueTraffic(e);
    }
}

void AdminFeed::flushTraffic()
{
    for (AdminConsole *c : qAsConst(m_consoles)) {
        if (!c->enforceHardLimit()) c->flushTraffic();
    }
}

ConnectionInfo AdminFeed::describe(const Session *s) const
{
    ConnectionInfo c;
    c.id = s->id();
    c.userId = s->userId();
    c.userName = s->user().name();
    c.dialect = s->dialect();
    c.transport = s->transport();
    c.remoteAddress = plainAddress(s->remoteAddress());
    c.userAgent = s->userAgent();
    c.connectedAt = s->connectedAt();
    for (const QString &topic : s->topics()) {
        if (topic.startsWith(QLatin1String("c:"))) c.channels.append(topic.mid(2));
    }
    c.channels.sort();
    c.messagesIn = qint64(s->stats().messagesIn);
    c.messagesOut = qint64(s->stats().messagesOut);
    c.bytesIn = qint64(s->stats().bytesIn);
    c.bytesOut = qint64(s->stats().bytesOut);
    c.sendQueueBytes = s->sendQueueBytes();
    if (m_cluster) c.node = m_cluster->nodeId();
    return c;
}

ChannelInfo AdminFeed::describe(const Channel &ch, qint64 nowMs) const
{
    ChannelInfo c;
    c.id = ch.id;
    c.workspaceId = ch.workspaceId;
    if (const Workspace *w = m_chat->directory().workspace(ch.workspaceId)) c.workspaceName = w->name;
    c.name = ch.name;
    c.type = ch.typeName();
    c.members = int(m_chat->directory().channelMembers(ch.id).size());
    c.onlineMembers = int(m_chat->onlineMembers(ch.id).size());
    c.messagesPerMinute = m_activity.perMinute(ch.id, nowMs);
    c.lastActivity = m_activity.lastActivity(ch.id);
    return c;
}

ServerStats AdminFeed::sampleStats(qint64 nowMs)
{
    const Metrics &m = Metrics::instance();
    ServerStats s;
    s.time = nowMs;
    s.startedAt = m_startedAt;
    for (const Session *session : m_chat->sessions()) ++s.connectionsByDialect[session->dialect()];
    s.channels = m_chat->directory().channelCount();
    s.adminConsoles = int(m_consoles.size());
    s.messagesIn = qint64(m.messagesIn);
    s.deliveriesOut = qint64(m.deliveries);
    s.errors = qint64(m.errors);
    const double dt = m_lastSampleMs > 0 ? (nowMs - m_lastSampleMs) / 1000.0 : 0;
    if (dt > 0) {
        s.messagesInPerSec = (m.messagesIn - m_lastMessagesIn) / dt;
        s.deliveriesOutPerSec = (m.deliveries - m_lastDeliveries) / dt;
        s.errorsPerSec = (m.errors - m_lastErrors) / dt;
    }
    const StorageStats store = m_chat->storageStats();
    const quint64 commits = store.commits;
    const double total = store.totalCommitMs;
    if (commits > m_lastCommits)
        s.storageLatencyMs = (total - m_lastCommitTotalMs) / double(commits - m_lastCommits);
    else
        s.storageLatencyMs = m_stats.storageLatencyMs; // no writes: the last figure still stands
    s.storageLatencyMaxMs = store.lastCommitMs;
    qint64 dropped = m_droppedTotal;
    for (const AdminConsole *c : qAsConst(m_consoles)) dropped += c->trafficDropped();
    s.trafficDropped = dropped;

    m_lastSampleMs = nowMs;
    m_lastMessagesIn = m.messagesIn;
    m_lastDeliveries = m.deliveries;
    m_lastErrors = m.errors;
    m_lastCommits = commits;
    m_lastCommitTotalMs = total;
    return s;
}

void AdminFeed::tick()
{
    if (m_roundPos >= 0) return; // the previous round is still going: it ends with the deltas
    // The ids, not the pointers: a session may go between two slices.
    const QList<Session *> sessions = m_chat->sessions();
    m_roundIds.clear();
    m_roundIds.reserve(sessions.size());
    for (const Session *s : sessions) m_roundIds.append(s->id());
    m_roundPos = 0;
    m_roundLive.clear();
    m_roundChanged.clear();
    // The other nodes' lists come in (paged) while this round runs; the round's end takes them.
    if (m_remote) m_remote->refresh();
    sampleSlice();
    if (m_roundPos >= 0) m_roundSlices.start();
}

void AdminFeed::refresh()
{
    while (m_roundPos >= 0) sampleSlice();
    tick();
    while (m_roundPos >= 0) sampleSlice();
}

void AdminFeed::sampleSlice()
{
    // Describing 10,000 connections took 22 ms: a slice per loop pass instead.
    const qsizetype end = qMin<qsizetype>(m_roundIds.size(), m_roundPos + qMax(1, m_options.sampleSliceSize));
    for (; m_roundPos < end; ++m_roundPos) {
        const Session *s = m_chat->session(m_roundIds.at(m_roundPos));
        if (!s) continue; // gone since the round began: removed below
        ConnectionInfo info = describe(s);
        m_roundLive.insert(info.id);
        const auto it = m_connections.constFind(info.id);
        if (it == m_connections.constEnd() || *it != info) m_roundChanged.append(std::move(info));
    }
    if (m_roundPos < m_roundIds.size()) return;
    m_roundPos = -1;
    m_roundSlices.stop();
    finishRound();
}

void AdminFeed::finishRound()
{
    const qint64 now = Timestamp::nowMs();

    // m_connections changes only here, at the end of a round: a snapshot
    // begun at any time shows a round's end, and the deltas follow from it.
    QList<ConnectionInfo> changedConnections = std::exchange(m_roundChanged, {});
    if (m_remote) changedConnections += m_remote->takeChanged();
    for (const ConnectionInfo &info : std::as_const(changedConnections)) m_connections.insert(info.id, info);
    // Read first, erase by key: a non-const walk would deep-copy the map
    // while a snapshot stream shares it. Other nodes' rows go when their
    // node's list no longer has them (or the node went).
    QStringList removedConnections;
    for (auto it = m_connections.constBegin(); it != m_connections.constEnd(); ++it)
        if (!m_roundLive.contains(it.key()) && !(m_remote && m_remote->holds(it.key())))
            removedConnections.append(it.key());
    for (const QString &id : std::as_const(removedConnections)) m_connections.remove(id);
    m_roundLive.clear();

    QList<ChannelInfo> changedChannels;
    QStringList removedChannels;
    QSet<QString> liveChannels;
    for (const Workspace &w : m_chat->directory().workspaces()) {
        for (const Channel &ch : m_chat->directory().channelsOfWorkspace(w.id)) {
            ChannelInfo info = describe(ch, now);
            liveChannels.insert(info.id);
            auto it = m_channels.find(info.id);
            if (it == m_channels.end() || *it != info) {
                changedChannels.append(info);
                m_channels.insert(info.id, info);
            }
        }
    }
    for (auto it = m_channels.begin(); it != m_channels.end();) {
        if (!liveChannels.contains(it.key())) {
            removedChannels.append(it.key());
            it = m_channels.erase(it);
        } else {
            ++it;
        }
    }

    m_stats = sampleStats(now);
    // The node list goes whole, and only when it changed (a handful of rows).
    bool nodesChanged = false;
    if (m_cluster) {
        QList<NodeInfo> nodes = clusterNodes();
        nodesChanged = nodes != m_nodes;
        if (nodesChanged) m_nodes = std::move(nodes);
    }
    if (m_consoles.isEmpty()) return;
    // One encoding for every console.
    const QByteArray delta = AdminProtocol::encodeDelta(changedConnections, removedConnections, changedChannels,
                                                        removedChannels, &m_stats, nodesChanged ? &m_nodes : nullptr);
    for (AdminConsole *c : qAsConst(m_consoles)) {
        if (c->enforceHardLimit()) continue;
        if (c->needsSnapshot()) {
            // A console that fell behind starts over once it has caught up.
            if (c->isBehind()) continue;
            startSnapshot(c);
        } else {
            c->sendDelta(delta);
        }
    }
}

void AdminFeed::startSnapshot(AdminConsole *console)
{
    // Of what the consoles were last told (m_connections after a tick): the
    // deltas of later ticks build on exactly this.
    auto stream = std::make_unique<AdminSnapshotStream>(m_connections, m_channels, m_stats, serverName(),
                                                        m_options.snapshotSliceSize);
    if (m_cluster) stream->setNodes(m_nodes);
    console->beginSnapshot(std::move(stream));
    if (console->sendingSnapshot() && !m_snapshotParts.isActive()) m_snapshotParts.start();
}

void AdminFeed::sendSnapshotParts()
{
    QElapsedTimer pass;
    pass.start();
    bool more = false;
    // Copy: a write may close a console, which leaves m_consoles.
    const QList<AdminConsole *> consoles = m_consoles;
    for (AdminConsole *c : consoles) {
        if (!c->sendingSnapshot() || !m_consoles.contains(c)) continue;
        if (pass.elapsed() >= m_options.snapshotPassBudgetMs) {
            more = true; // its turn comes next pass
            continue;
        }
        if (c->enforceHardLimit()) continue;
        c->sendSnapshotPart();
        more = more || c->sendingSnapshot();
    }
    if (!more) m_snapshotParts.stop();
}

void AdminFeed::handleCommand(AdminConsole *console, const QByteArray &data)
{
    AdminCommand command;
    QString code, message;
    if (!AdminProtocol::decodeCommand(data, &command, &code, &message)) {
        qCWarning(lcAdmin).noquote() << "admin console" << console->peer() << "sent a bad command:" << code << message;
        // Answer with the command's id when there is one to answer to.
        const QJsonObject o = data.size() <= AdminProtocol::MaxCommandBytes ? QJsonDocument::fromJson(data).object()
                                                                            : QJsonObject();
        const QString id = o.value(QLatin1String("id")).toString().left(64);
        if (!id.isEmpty())
            console->send(AdminProtocol::encodeResult(
                AdminResult::failure(id, o.value(QLatin1String("command")).toString().left(64), code, message)));
        else
            console->send(AdminProtocol::encodeError(code, message));
        return;
    }
    if (m_chat->checkRate(QStringLiteral("admin-command:") + console->peer(), 600)) {
        console->send(AdminProtocol::encodeResult(AdminResult::failure(command.id, command.name(),
                                                                       QLatin1String(AdminProtocol::ErrorRateLimited),
                                                                       QStringLiteral("too many commands"))));
        return;
    }
    runCommand(console, command);
}

void AdminFeed::runCommand(AdminConsole *console, const AdminCommand &cmd)
{
    const QString id = cmd.id;
    const QString name = cmd.name();
    QPointer<AdminConsole> guard(console);
    auto fail = [&](const char *code, const QString &message) {
        finish(console, AdminResult::failure(id, name, QLatin1String(code), message));
    };

    switch (cmd.kind) {
    case AdminCommand::Kind::SetTrafficFilter:
        // Not an admin action: no audit entry, just the answer.
        console->setFilter(cmd.filter);
        updateTap();
        console->send(
            AdminProtocol::encodeResult(AdminResult::success(id, name, QStringLiteral("traffic filter set"))));
        return;

    case AdminCommand::Kind::Disconnect: return disconnectConnection(console, cmd);
    case AdminCommand::Kind::DisconnectUser: return disconnectUser(console, cmd);

    case AdminCommand::Kind::SystemMessage: {
        if (!cmd.everyone && !m_chat->directory().channel(cmd.channelId))
            return fail(AdminProtocol::ErrorNotFound, QStringLiteral("no channel %1").arg(cmd.channelId));
        const QString target = cmd.everyone ? QStringLiteral("every channel")
                                            : QStringLiteral("#") + m_chat->directory().channel(cmd.channelId)->name;
        m_chat->systemMessage(cmd.everyone ? QString() : cmd.channelId, cmd.text, this,
                              [this, guard, id, name, target](const Result<int> &r) {
            finish(guard, r.ok() ? AdminResult::success(id, name,
                                                        QStringLiteral("system message sent to %1 (%2 channel(s))")
                                                            .arg(target)
                                                            .arg(r.value))
                                 : AdminResult::failure(id, name, errorCodeFor(r.error), r.error.message));
        });
        return;
    }

    case AdminCommand::Kind::RemoveFromChannel: {
        const Channel *ch = m_chat->directory().channel(cmd.channelId);
        if (!ch) return fail(AdminProtocol::ErrorNotFound, QStringLiteral("no channel %1").arg(cmd.channelId));
        const User *u = m_chat->user(cmd.userId);
        if (!u) return fail(AdminProtocol::ErrorNotFound, QStringLiteral("no user %1").arg(cmd.userId));
        if (!m_chat->directory().isChannelMember(cmd.channelId, cmd.userId))
            return fail(AdminProtocol::ErrorNotFound,
                        QStringLiteral("%1 is not a member of #%2").arg(u->name(), ch->name));
        const QString what = QStringLiteral("removed %1 from #%2").arg(u->name(), ch->name);
        m_chat->removeMember(QString(), cmd.channelId, cmd.userId, this,
                             [this, guard, id, name, what](const Result<Channel> &r) {
            finish(guard, r.ok() ? AdminResult::success(id, name, what)
                                 : AdminResult::failure(id, name, errorCodeFor(r.error), r.error.message));
        });
        return;
    }

    case AdminCommand::Kind::DisableUser: {
        const User *u = m_chat->user(cmd.userId);
        if (!u) return fail(AdminProtocol::ErrorNotFound, QStringLiteral("no user %1").arg(cmd.userId));
        const QString what = QStringLiteral("disabled user %1 (%2)").arg(u->name(), u->id);
        m_chat->disableUser(cmd.userId, cmd.text, this, [this, guard, id, name, what](const Result<User> &r) {
            finish(guard, r.ok() ? AdminResult::success(id, name, what)
                                 : AdminResult::failure(id, name, errorCodeFor(r.error), r.error.message));
        });
        return;
    }
    }
}

void AdminFeed::finish(AdminConsole *console, AdminResult result)
{
    result.by = console ? console->peer() : QStringLiteral("a console that has left");
    result.time = Timestamp::nowMs();
    if (result.ok)
        qCInfo(lcAdmin).noquote() << "admin" << result.by << result.command << "ok:" << result.message;
    else
        qCWarning(lcAdmin).noquote() << "admin" << result.by << result.command << "refused:" << result.errorCode
                                     << result.message;
    if (console) console->send(AdminProtocol::encodeResult(result));
    // Every console sees what was done, including the one that did it.
    const QByteArray audit = AdminProtocol::encodeAudit(result);
    for (AdminConsole *c : qAsConst(m_consoles)) c->send(audit);
}

void AdminFeed::disconnectConnection(AdminConsole *console, const AdminCommand &cmd)
{
    const QString id = cmd.id;
    const QString name = cmd.name();
    const QString self = m_cluster ? m_cluster->nodeId() : QString();
    const QString reason = cmd.text.isEmpty() ? QStringLiteral("disconnected by an administrator") : cmd.text;
    if (!cmd.node.isEmpty() && cmd.node != self) {
        if (!m_cluster)
            return finish(console, AdminResult::failure(id, name, QLatin1String(AdminProtocol::ErrorNotFound),
                                                        QStringLiteral("no node %1: this server is not in a cluster")
                                                            .arg(cmd.node)));
        m_cluster->disconnect(cmd.node, cmd.connectionId, reason, this,
                              [this, guard = QPointer<AdminConsole>(console), id,
                               name](const ClusterControl::Reply &r) {
            finish(guard, r.ok ? AdminResult::success(id, name, r.message)
                               : AdminResult::failure(id, name, r.code, r.message));
        });
        return;
    }
    if (Session *s = m_chat->session(cmd.connectionId)) {
        QString what = QStringLiteral("closed connection %1 of %2 (%3)").arg(s->id(), s->user().name(), s->dialect());
        if (m_cluster) what += QStringLiteral(" on node ") + self;
        s->disconnectWithReason(reason);
        return finish(console, AdminResult::success(id, name, what));
    }
    if (!m_cluster || cmd.node == self)
        return finish(console, AdminResult::failure(id, name, QLatin1String(AdminProtocol::ErrorNotFound),
                                                    QStringLiteral("no connection %1").arg(cmd.connectionId)));
    // Not here and no node named: whichever node holds it closes it.
    m_cluster->disconnectEverywhere(cmd.connectionId, reason, this,
                                    [this, guard = QPointer<AdminConsole>(console), id, name,
                                     cmd](const QList<ClusterControl::Reply> &replies) {
        QStringList unanswered;
        for (const ClusterControl::Reply &r : replies) {
            if (r.ok) return finish(guard, AdminResult::success(id, name, r.message));
            if (r.code != QLatin1String(AdminProtocol::ErrorNotFound))
                unanswered << r.from + QStringLiteral(": ") + r.message;
        }
        if (!unanswered.isEmpty())
            return finish(guard,
                          AdminResult::failure(id, name, QLatin1String(AdminProtocol::ErrorTimeout),
                                               QStringLiteral("connection %1 not found on the nodes that "
                                                              "answered; no answer from %2")
                                                   .arg(cmd.connectionId, unanswered.join(QStringLiteral("; ")))));
        finish(guard, AdminResult::failure(id, name, QLatin1String(AdminProtocol::ErrorNotFound),
                                           QStringLiteral("no connection %1 on any node").arg(cmd.connectionId)));
    });
}

void AdminFeed::disconnectUser(AdminConsole *console, const AdminCommand &cmd)
{
    const QString id = cmd.id;
    const QString name = cmd.name();
    const User *u = m_chat->user(cmd.userId);
    if (!u)
        return finish(console, AdminResult::failure(id, name, QLatin1String(AdminProtocol::ErrorNotFound),
                                                    QStringLiteral("no user %1").arg(cmd.userId)));
    const QString userName = u->name();
    const QString reason = cmd.text.isEmpty() ? QStringLiteral("disconnected by an administrator") : cmd.text;
    int closed = 0;
    for (Session *s : m_chat->sessionsOfUser(cmd.userId)) {
        s->disconnectWithReason(reason);
        ++closed;
    }
    if (!m_cluster)
        return finish(console,
                      AdminResult::success(id, name,
                                           QStringLiteral("closed %1 session(s) of %2").arg(closed).arg(userName)));
    m_cluster->disconnectUserEverywhere(cmd.userId, reason, this,
                                        [this, guard = QPointer<AdminConsole>(console), id, name, closed,
                                         userName](const QList<ClusterControl::Reply> &replies) {
        int total = closed;
        QStringList failed;
        for (const ClusterControl::Reply &r : replies) {
            if (r.ok)
                total += r.count;
            else
                failed << r.from + QStringLiteral(": ") + r.message;
        }
        const QString what = QStringLiteral("closed %1 session(s) of %2 on %3 node(s)")
                                 .arg(total)
                                 .arg(userName)
                                 .arg(replies.size() + 1 - failed.size());
        if (failed.isEmpty()) return finish(guard, AdminResult::success(id, name, what));
        finish(guard,
               AdminResult::failure(id, name, QLatin1String(AdminProtocol::ErrorTimeout),
                                    what + QStringLiteral("; not answered: ") + failed.join(QStringLiteral("; "))));
    });
}

} // namespace switchboard
