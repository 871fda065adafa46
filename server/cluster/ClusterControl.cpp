#include "ClusterControl.h"

#include "AdminProtocol.h"
#include "ClusterBus.h"
#include "NodeLease.h"
#include "RedisConnection.h"
#include "RedisReply.h"
#include "RedisSubscriber.h"
#include "Timestamp.h"
#include "core/ChatService.h"
#include "core/Session.h"

#include <QLoggingCategory>
#include <QTimer>

#include <algorithm>
#include <memory>

namespace switchboard {

Q_LOGGING_CATEGORY(lcControl, "switchboard.cluster.control")

ClusterControl::ClusterControl(ChatService *chat, ClusterBus *bus, QObject *parent)
    : QObject(parent)
    , m_chat(chat)
    , m_bus(bus)
{
    bus->subscriber()->setHandler(this, [this](const QByteArray &channel, const QByteArray &payload) {
        onMessage(channel, payload);
    });
    bus->subscriber()->subscribe(controlChannel(nodeId()), this);
    connect(bus->lease(), &NodeLease::checked, this, [this] {
        if (m_watching) readLeases();
    });
    connect(bus->lease(), &NodeLease::nodeDown, this, &ClusterControl::markDown);
    m_listPass.setInterval(0);
    connect(&m_listPass, &QTimer::timeout, this, &ClusterControl::sendListPage);
}

QString ClusterControl::nodeId() const
{
    return m_bus->nodeId();
}

void ClusterControl::setWatching(bool on)
{
    if (on == m_watching) return;
    m_watching = on;
    if (on) readLeases();
}

bool ClusterControl::isLive(const QString &node) const
{
    return m_bus->lease()->liveNodes().contains(node);
}

QList<NodeInfo> ClusterControl::nodes() const
{
    QList<NodeInfo> list = m_nodes.values();
    NodeInfo self = m_nodes.value(nodeId());
    if (!self.isValid()) {
        self.id = nodeId();
        list.append(self);
    }
    for (NodeInfo &n : list) {
        if (n.id != nodeId()) continue;
        // This node's own figure is exact now; the others' are as of their last refresh.
        n.self = true;
        n.live = true;
        n.downSince = 0;
        n.connections = m_chat ? m_chat->sessionCount() : 0;
    }
    std::sort(list.begin(), list.end(),
              [](const NodeInfo &a, const NodeInfo &b) { return a.live != b.live ? a.live : a.id < b.id; });
    return list;
}

void ClusterControl::readLeases()
{
    const QStringList live = m_bus->lease()->liveNodes().values();
    const qint64 now = Timestamp::nowMs();
    // Down nodes are kept a while, then forgotten; live ones no longer in the registry go down.
    for (auto it = m_nodes.begin(); it != m_nodes.end();) {
        if (!it->live && now - it->downSince > m_downKeepMs) {
            it = m_nodes.erase(it);
            continue;
        }
        if (it->live && !live.contains(it.key())) {
            it->live = false;
            it->downSince = now;
        }
        ++it;
    }
    if (live.isEmpty()) return;
    const QByteArray prefix = m_bus->lease()->registryKey().chopped(5); // "sb:nodes" -> "sb:"
    QList<QByteArray> argv{"MGET"};
    for (const QString &id : live) argv.append(prefix + "node:" + id.toUtf8());
    m_bus->commands()->command(argv, [this, live, guard = QPointer<ClusterControl>(this)](const RedisReply &reply) {
        if (!guard || !reply.isArray()) return;
        const QList<RedisReply> &values = reply.elements();
        for (qsizetype i = 0; i < values.size() && i < live.size(); ++i) {
            NodeInfo n;
            // A lease that expired between the check and the MGET reads as nil: the next check says down.
            if (values.at(i).isNil() || !ClusterControlCodec::decodeLease(values.at(i).toByteArray(), &n)) continue;
            if (n.id != live.at(i)) continue;
            if (!isLive(n.id)) continue; // went down meanwhile
            m_nodes.insert(n.id, n);
        }
    });
}

void ClusterControl::markDown(const QString &node)
{
    auto it = m_nodes.find(node);
    if (it == m_nodes.end() || !it->live) return;
    it->live = false;
    it->downSince = Timestamp::nowMs();
}

ClusterControl::Reply ClusterControl::failure(const QString &node, const char *code, const QString &message)
{
    Reply r;
    r.from = node;
    r.code = QLatin1String(code);
    r.message = message;
    return r;
}

ClusterControl::Reply ClusterControl::disconnectLocal(const QString &connectionId, const QString &reason) const
{
    Session *s = m_chat ? m_chat->session(connectionId) : nullptr;
    if (!s)
        return failure(nodeId(), AdminProtocol::ErrorNotFound,
                       QStringLiteral("no connection %1 on node %2").arg(connectionId, nodeId()));
    Reply r;
    r.from = nodeId();
    r.ok = true;
    r.count = 1;
    r.message = QStringLiteral("closed connection %1 of %2 (%3) on node %4")
                    .arg(s->id(), s->user().name(), s->dialect(), nodeId());
    s->disconnectWithReason(reason.isEmpty() ? QStringLiteral("disconnected by an administrator") : reason);
    return r;
}

ClusterControl::Reply ClusterControl::disconnectUserLocal(const QString &userId, const QString &reason) const
{
    Reply r;
    r.from = nodeId();
    r.ok = true;
    if (!m_chat) return r;
    for (Session *s : m_chat->sessionsOfUser(userId)) {
        s->disconnectWithReason(reason.isEmpty() ? QStringLiteral("disconnected by an administrator") : reason);
        ++r.count;
    }
    r.message = QStringLiteral("closed %1 session(s) on node %2").arg(r.count).arg(nodeId());
    return r;
}

void ClusterControl::disconnect(const QString &node, const QString &connectionId, const QString &reason,
                                QObject *context, Callback done)
{
    ClusterControlCodec::Request r;
    r.op = QStringLiteral("disconnect");
    r.connectionId = connectionId;
    r.reason = reason;
    ask(node, r, context, std::move(done));
}

void ClusterControl::disconnectUser(const QString &node, const QString &userId, const QString &reason, QObject *context,
                                    Callback done)
{
    ClusterControlCodec::Request r;
    r.op = QStringLiteral("disconnect_user");
    r.userId = userId;
    r.reason = reason;
    ask(node, r, context, std::move(done));
}

void ClusterControl::disconnectEverywhere(const QString &connectionId, const QString &reason, QObject *context,
                                          AllCallback done)
{
    ClusterControlCodec::Request r;
    r.op = QStringLiteral("disconnect");
    r.connectionId = connectionId;
    r.reason = reason;
    askAll(r, context, std::move(done));
}

void ClusterControl::disconnectUserEverywhere(const QString &userId, const QString &reason, QObject *context,
                                              AllCallback done)
{
    ClusterControlCodec::Request r;
    r.op = QStringLiteral("disconnect_user");
    r.userId = userId;
    r.reason = reason;
    askAll(r, context, std::move(done));
}

void ClusterControl::askAll(const ClusterControlCodec::Request &request, QObject *context, AllCallback done)
{
    QStringList others = m_bus->lease()->liveNodes().values();
    others.removeAll(nodeId());
    others.sort();
    if (others.isEmpty()) {
        QTimer::singleShot(0, context ? context : this, [done] { done(QList<Reply>()); });
        return;
    }
    auto replies = std::make_shared<QList<Reply>>();
    const qsizetype expected = others.size();
    for (const QString &node : std::as_const(others)) {
        ask(node, request, context, [replies, expected, done](const Reply &r) {
            replies->append(r);
            if (replies->size() == expected) done(*replies);
        });
    }
}

QString ClusterControl::ask(const QString &node, ClusterControlCodec::Request request, QObject *context, Callback done)
{
    request.id = nodeId() + QLatin1Char(':') + QString::number(++m_nextId);
    request.from = nodeId();
    const QString id = request.id;
    Pending pending;
    pending.context = context;
    pending.done = std::move(done);
    pending.deadline = Timestamp::nowMs() + m_timeoutMs;
    m_pending.insert(id, std::move(pending));
    if (!isLive(node)) {
        // Deferred like every other answer: the caller's code after ask() runs first.
        const Reply r = failure(node, AdminProtocol::ErrorNodeDown,
                                isKnown(node) ? QStringLiteral("node %1 is down").arg(node)
                                              : QStringLiteral("no live node %1 in the cluster").arg(node));
        QTimer::singleShot(0, this, [this, id, r] { finish(id, r); });
        return id;
    }
    m_bus->commands()->command({"PUBLISH", controlChannel(node), ClusterControlCodec::encodeRequest(request)},
                               [this, id, node, guard = QPointer<ClusterControl>(this)](const RedisReply &reply) {
        if (!guard) return;
        if (reply.isError())
            finish(id, failure(node, AdminProtocol::ErrorNodeDown,
                               QStringLiteral("cannot reach node %1: redis: %2")
                                   .arg(node, QString::fromUtf8(reply.toByteArray()))));
        else if (reply.toInteger() == 0) // nobody listens on its channel: it is gone
            finish(id, failure(node, AdminProtocol::ErrorNodeDown, QStringLiteral("node %1 is down").arg(node)));
    });
    armTimeout(id, node, m_timeoutMs);
    return id;
}

void ClusterControl::armTimeout(const QString &id, const QString &node, int ms)
{
    QTimer::singleShot(ms, this, [this, id, node] {
        const auto it = m_pending.constFind(id);
        if (it == m_pending.constEnd()) return;
        const qint64 left = it->deadline - Timestamp::nowMs();
        if (left > 0) { // a page came meanwhile: wait from there
            armTimeout(id, node, int(left));
            return;
        }
        finish(id, failure(node, AdminProtocol::ErrorTimeout,
                           QStringLiteral("node %1 did not answer within %2 ms").arg(node).arg(m_timeoutMs)));
    });
}

void ClusterControl::listConnections(const QString &node, QObject *context, ListCallback done)
{
    ClusterControlCodec::Request r;
    r.op = QStringLiteral("list_connections");
    auto rows = std::make_shared<QList<ConnectionInfo>>();
    const QString id = ask(node, r, context, [rows, done](const Reply &reply) {
        done(reply, reply.ok ? *rows : QList<ConnectionInfo>());
    });
    const auto it = m_pending.find(id);
    if (it != m_pending.end()) it->rows = rows;
}

void ClusterControl::onPage(const ClusterControlCodec::Page &page)
{
    const auto it = m_pending.find(page.id);
    if (it == m_pending.end() || !it->rows) return; // late: timed out already
    if (page.part != it->nextPart) {
        finish(page.id, failure(page.from, AdminProtocol::ErrorInternal,
                                QStringLiteral("node %1 sent page %2 of its connections, %3 was due")
                                    .arg(page.from)
                                    .arg(page.part)
                                    .arg(it->nextPart)));
        return;
    }
    ++it->nextPart;
    it->deadline = Timestamp::nowMs() + m_timeoutMs;
    for (ConnectionInfo c : page.rows) {
        c.node = page.from; // whatever the row says: the node that sent it holds it
        it->rows->append(std::move(c));
    }
    if (!page.last) return;
    Reply r;
    r.from = page.from;
    r.ok = true;
    r.count = int(it->rows->size());
    finish(page.id, r);
}

void ClusterControl::startList(const ClusterControlCodec::Request &request)
{
    if (!m_describer || !m_chat) {
        Reply r = failure(nodeId(), "unavailable",
                          QStringLiteral("node %1 has no admin feed (start it with --admin-token)").arg(nodeId()));
        r.id = request.id;
        publishReply(request.from, r);
        return;
    }
    // An asker waits for one list at a time: an older one for it was given up.
    m_listJobs.removeIf([&](const ListJob &j) { return j.to == request.from; });
    ListJob job;
    job.id = request.id;
    job.to = request.from;
    const QList<Session *> sessions = m_chat->sessions();
    job.ids.reserve(sessions.size());
    for (const Session *s : sessions) job.ids.append(s->id());
    m_listJobs.append(std::move(job));
    if (!m_listPass.isActive()) m_listPass.start();
}

void ClusterControl::sendListPage()
{
    if (m_listJobs.isEmpty()) {
        m_listPass.stop();
        return;
    }
    // One page per pass, the askers taking turns.
    ListJob job = m_listJobs.takeFirst();
    ClusterControlCodec::Page page;
    page.id = job.id;
    page.from = nodeId();
    page.part = job.part++;
    while (job.pos < job.ids.size() && page.rows.size() < m_pageSize) {
        const Session *s = m_chat ? m_chat->session(job.ids.at(job.pos)) : nullptr;
        ++job.pos;
        if (!s) continue; // gone since it was asked
        ConnectionInfo c = m_describer(s);
        c.node = nodeId();
        page.rows.append(std::move(c));
    }
    page.last = job.pos >= job.ids.size();
    m_bus->commands()->command({"PUBLISH", controlChannel(job.to), ClusterControlCodec::encodePage(page)},
                               [](const RedisReply &) {});
    if (!page.last) m_listJobs.append(std::move(job));
    if (m_listJobs.isEmpty()) m_listPass.stop();
}

void ClusterControl::publishReply(const QString &to, const Reply &reply)
{
    m_bus->commands()->command({"PUBLISH", controlChannel(to), ClusterControlCodec::encodeReply(reply)},
                               [](const RedisReply &) {});
}

void ClusterControl::finish(const QString &id, const Reply &reply)
{
    const auto it = m_pending.constFind(id);
    if (it == m_pending.constEnd()) return; // answered already (a late reply, or the timeout after it)
    const Pending p = *it;
    m_pending.erase(it);
    Reply r = reply;
    r.id = id;
    if (p.context && p.done) p.done(r);
}

void ClusterControl::onMessage(const QByteArray &channel, const QByteArray &payload)
{
    if (channel != controlChannel(nodeId())) return;
    const ClusterControlCodec::Frame f = ClusterControlCodec::decode(payload);
    switch (f.kind) {
    case ClusterControlCodec::Frame::Kind::Invalid:
        qCWarning(lcControl, "ignored a malformed control frame (%lld bytes)", qint64(payload.size()));
        return;
    case ClusterControlCodec::Frame::Kind::Request: answer(f.request); return;
    case ClusterControlCodec::Frame::Kind::Reply: finish(f.reply.id, f.reply); return;
    case ClusterControlCodec::Frame::Kind::Page: onPage(f.page); return;
    }
}

void ClusterControl::answer(const ClusterControlCodec::Request &request)
{
    if (request.op == QLatin1String("list_connections")) {
        startList(request);
        return;
    }
    Reply r = request.op == QLatin1String("disconnect") ? disconnectLocal(request.connectionId, request.reason)
                                                        : disconnectUserLocal(request.userId, request.reason);
    r.id = request.id;
    qCInfo(lcControl).noquote() << "node" << request.from << "asked" << request.op << ":" << r.message;
    publishReply(request.from, r);
}

} // namespace switchboard
