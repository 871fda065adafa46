#include "WorkspaceJsonSession.h"

#include "core/ChatService.h"
#include "core/EventOutlet.h"
#include "core/ResumeManager.h"
#include "core/RoomManager.h"
#include "Timestamp.h"

#include <QPointer>

namespace switchboard {

WorkspaceJsonSession::WorkspaceJsonSession(ChatService *chat, WebSocketConnection *socket, const User &user,
                                           const QString &workspaceId, const Limits &limits, QObject *parent)
    : WebSocketSession(chat, socket, QStringLiteral("workspacejson"), limits, parent)
    , m_workspaceId(workspaceId)
{
    setUser(user);
}

const QHash<QString, WorkspaceJsonSession::Handler> &WorkspaceJsonSession::handlers()
{
    static const QHash<QString, Handler> table{
        {"ping", &WorkspaceJsonSession::ping},
        {"typing", &WorkspaceJsonSession::typing},
        {"channel.sync", &WorkspaceJsonSession::sync},
    };
    return table;
}

void WorkspaceJsonSession::onStarted()
{
    // Every channel of the workspace the user can read: public channels (member
    // or not), private channels and conversations they belong to.
    for (const Channel &c : chat()->visibleChannels(userId(), m_workspaceId)) chat()->subscribe(this, c.id);
    // Resume: a channel.sync replays up to here; everything later comes live.
    setFollowedSinceGid(chat()->outlet()->publishedGid());
}

void WorkspaceJsonSession::sendError(const QString &code, const QString &message)
{
    sendErrorFrame(WorkspaceJsonErrors::protocol(code, message, m_workspaceId, Timestamp::nowMs()));
}

void WorkspaceJsonSession::sendCoreError(const CoreError &e)
{
    sendErrorFrame(WorkspaceJsonErrors::fromCore(e, m_workspaceId, Timestamp::nowMs()));
}

void WorkspaceJsonSession::sendErrorFrame(const WorkspaceJsonErrors::Frame &error)
{
    sendText(error.bytes, QStringLiteral("error"));
}

void WorkspaceJsonSession::closeWith(const WorkspaceJsonErrors::Frame &error)
{
    sendErrorFrame(error);
    close(quint16(WorkspaceJsonCodec::closeCodeFor(error.code)), error.code);
}

void WorkspaceJsonSession::refuse(const CoreError &e)
{
    closeWith(WorkspaceJsonErrors::fromCore(e, m_workspaceId, Timestamp::nowMs()));
}

void WorkspaceJsonSession::disconnectWithReason(const QString &reason)
{
    closeWith(WorkspaceJsonErrors::protocol(QLatin1String(WorkspaceJsonCodec::Unauthorized), reason, m_workspaceId,
                                            Timestamp::nowMs()));
}

void WorkspaceJsonSession::closeUnauthorized(AuthLoss why, const QString &reason)
{
    if (why == AuthLoss::AccountDisabled) return disconnectWithReason(reason);
    closeWith(WorkspaceJsonErrors::protocol(QLatin1String(WorkspaceJsonCodec::InvalidToken), reason, m_workspaceId,
                                            Timestamp::nowMs()));
}

void WorkspaceJsonSession::onOversizedFrame(qint64 size)
{
    sendError(QLatin1String(WorkspaceJsonCodec::MessageTooLarge),
              QStringLiteral("Frame of %1 bytes exceeds the limit of %2 bytes").arg(size).arg(limits().maxFrameBytes));
}

void WorkspaceJsonSession::onTextFrame(const QString &text)
{
    const WorkspaceJsonCodec::Command cmd = WorkspaceJsonCodec::parse(text);
    if (!cmd.ok()) return sendError(cmd.errorCode, cmd.errorMessage);
    labelIncoming(cmd.type, cmd.fields.value(QLatin1String("channel_id")).toString());
    const Handler h = handlers().value(cmd.type);
    if (!h)
        return sendError(QLatin1String(WorkspaceJsonCodec::UnknownEventType),
                         QStringLiteral("Unknown event type: %1").arg(cmd.type.left(64)));
    (this->*h)(cmd.fields);
}

void WorkspaceJsonSession::ping(const QJsonObject &)
{
    // The frame itself already reset the idle timer (WebSocketSession::touch).
    sendText(WorkspaceJsonCodec::pong(m_workspaceId, Timestamp::nowMs()), QStringLiteral("pong"));
}

void WorkspaceJsonSession::typing(const QJsonObject &f)
{
    const WorkspaceJsonCodec::Typing t = WorkspaceJsonCodec::parseTyping(f);
    if (!t.ok()) return sendError(t.errorCode, t.errorMessage);
    // A channel of another workspace is as unknown here as one that does not
    // exist, even if the user could read it over another connection.
    const Channel *c = chat()->directory().channel(t.channelId);
    if (!c || c->workspaceId != m_workspaceId || !chat()->directory().canRead(c->id, userId()))
        return sendError(QLatin1String(WorkspaceJsonCodec::NotFound),
                         QStringLiteral("channel not found in this workspace"));
    if (CoreError e = chat()->setTyping(this, t.channelId, t.isTyping)) sendCoreError(e);
}

void WorkspaceJsonSession::follow(const ChatEvent &e)
{
    using T = ChatEvent::Type;
    if (e.channel.workspaceId != m_workspaceId) return;
    // Public channels created later arrive on the workspace topic, private ones
    // and conversations on the user topic; being added to a private channel
    // arrives as MemberJoined on the user topic. subscribe() checks read access.
    if (e.type == T::ChannelCreated || (e.type == T::MemberJoined && e.subject.id == userId()))
        if (!topics().contains(RoomManager::channelTopic(e.channel.id))) {
            // A sync replays up to here: later events come live (this member.joined too).
            const qint64 gid = chat()->outlet()->publishedGid();
            m_followedLater.insert(e.channel.id, e.type == T::MemberJoined && e.gid > 0 ? e.gid - 1 : gid);
            chat()->subscribe(this, e.channel.id);
        }
}

void WorkspaceJsonSession::sync(const QJsonObject &f)
{
    const WorkspaceJsonCodec::Sync req = WorkspaceJsonCodec::parseSync(f);
    if (!req.ok()) return sendError(req.errorCode, req.errorMessage);
    // As for typing: a channel of another workspace is unknown here.
    const Channel *c = chat()->directory().channel(req.channelId);
    if (!c || c->workspaceId != m_workspaceId || !chat()->directory().canRead(c->id, userId()))
        return sendError(QLatin1String(WorkspaceJsonCodec::NotFound),
                         QStringLiteral("channel not found in this workspace"));
    // Subscribed first, so live events of the channel wait in the merge.
    if (!topics().contains(RoomManager::channelTopic(c->id))) {
        m_followedLater.insert(c->id, chat()->outlet()->publishedGid());
        chat()->subscribe(this, c->id);
    }
    const QString id = c->id;
    QPointer<WorkspaceJsonSession> self(this);
    auto done = [self, id](const ResumeManager::Outcome &o) {
        if (self)
            self->sendText(WorkspaceJsonCodec::channelSynced(id, o.seq, o.recovered, o.reason, self->m_workspaceId,
                                                             Timestamp::nowMs()),
                           QStringLiteral("channel.synced"), id);
    };
    const Result<ResumeManager::Outcome> r =
        chat()->resume()->resumeChannel(this, id, req.lastSeq, m_followedLater.value(id, followedSinceGid()), done);
    if (!r.ok()) sendCoreError(r.error);
}

bool WorkspaceJsonSession::mayShow(const ChatEvent &e) const
{
    using T = ChatEvent::Type;
    const Directory &dir = chat()->directory();
    if (e.type == T::PresenceChanged) return dir.isWorkspaceMember(m_workspaceId, e.actor.id);
    if (e.channel.workspaceId != m_workspaceId) return false;
    // Events are published before a removal takes effect (a deleted channel, a
    // member who left), so read access still holds for the last event.
    if (!dir.canRead(e.channel.id, userId())) return false;
    if (e.type == T::TypingStarted || e.type == T::TypingStopped)
        return e.actor.id != userId() && dir.isChannelMember(e.channel.id, userId()); // "the channel's other members"
    return true;
}

void WorkspaceJsonSession::deliver(const ChatEventPtr &event)
{
    const ChatEvent &e = *event;
    follow(e);
    if (!mayShow(e)) return;
    // Only presence depends on the connection's workspace; channel events carry their own.
    QByteArray key = QByteArrayLiteral("workspacejson");
    if (e.type == ChatEvent::Type::PresenceChanged) key += ':' + m_workspaceId.toUtf8();
    const QByteArray &bytes = e.encodedFor(key, [&] { return WorkspaceJsonCodec::encodeEvent(e, m_workspaceId); });
    if (bytes.isEmpty()) return;
    sendText(bytes, WorkspaceJsonCodec::eventType(e.type), e.channel.id);
}

} // namespace switchboard
