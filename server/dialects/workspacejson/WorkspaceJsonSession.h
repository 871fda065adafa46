#pragma once

#include "WorkspaceJsonCodec.h"
#include "WorkspaceJsonErrors.h"
#include "transport/WebSocketSession.h"

#include <QHash>

namespace switchboard {

// A seed 003 connection at /ws/{workspace_id}: shows the events of one
// workspace that its user may read, and takes ping and typing from the client.
// It keeps its own channel subscriptions (every readable channel of the
// workspace, public ones included) instead of following memberships; see
// README.md for why.
class WorkspaceJsonSession : public WebSocketSession
{
    Q_OBJECT
public:
    WorkspaceJsonSession(ChatService *chat, WebSocketConnection *socket, const User &user, const QString &workspaceId,
                         const Limits &limits, QObject *parent = nullptr);

    const QString &workspaceId() const { return m_workspaceId; }

    void deliver(const ChatEventPtr &event) override;
    // Admin kick or disabled account: an UNAUTHORIZED error event, then 4003.
    void disconnectWithReason(const QString &reason) override;
    // Logout: INVALID_TOKEN, 4001, as a bad token at connect; disable: UNAUTHORIZED, 4003.
    void closeUnauthorized(AuthLoss why, const QString &reason) override;
    // Ends the connection the seed's way: an error event, then the code's 4xxx close.
    void refuse(const CoreError &e);
    // Over the cluster's connection cap: as refused at connect, RATE_LIMITED then 4029.
    void refuseOverCap(const CoreError &error) override { refuse(error); }

protected:
    void onTextFrame(const QString &text) override;
    void onOversizedFrame(qint64 size) override;
    void onStarted() override;

private:
    using Handler = void (WorkspaceJsonSession::*)(const QJsonObject &);
    static const QHash<QString, Handler> &handlers();

    void ping(const QJsonObject &f);
    void typing(const QJsonObject &f);
    // channel.sync (docs/api/workspacejson.md#resume): the missed events, then channel.synced.
    void sync(const QJsonObject &f);

    // Whether this connection shows the event at all (workspace, read access).
    bool mayShow(const ChatEvent &e) const;
    // Subscribes to a channel of this workspace that just became readable.
    void follow(const ChatEvent &e);
    // Every error goes out through WorkspaceJsonErrors (counted, internal text hidden).
    void sendError(const QString &code, const QString &message);
    void sendCoreError(const CoreError &e);
    void sendErrorFrame(const WorkspaceJsonErrors::Frame &error);
    void closeWith(const WorkspaceJsonErrors::Frame &error);

    QString m_workspaceId;
    // Channels followed after connect, and the log position they were followed
    // from; the others since followedSinceGid().
    QHash<QString, qint64> m_followedLater;
};

} // namespace switchboard
