#pragma once

#include "core/ChatService.h"
#include "FlatJsonCodec.h"
#include "core/Result.h"
#include "transport/WebSocketSession.h"

#include <functional>

namespace switchboard {

// A seed 004 connection at /ws?token=: auto-joined to every channel of its
// user, one handler per client message type (Mumble-style table).
class FlatJsonSession : public WebSocketSession
{
    Q_OBJECT
public:
    FlatJsonSession(ChatService *chat, WebSocketConnection *socket, const User &user, const Limits &limits,
                    QObject *parent = nullptr);

    void deliver(const ChatEventPtr &event) override;
    // An `unauthorized` error frame, then close 1008 (docs/api/flatjson.md).
    void closeUnauthorized(AuthLoss why, const QString &reason) override;
    // Over the cluster's connection cap: the connect refusal's rate_limited
    // frame, then close 1008.
    void refuseOverCap(const CoreError &error) override;

protected:
    void onTextFrame(const QString &text) override;
    void onOversizedFrame(qint64 size) override;
    void onStarted() override;

private:
    using Handler = void (FlatJsonSession::*)(const QJsonObject &);
    static const QHash<QString, Handler> &handlers();

    void joinChannel(const QJsonObject &f);
    // join_channel with last_seq: channel_joined, the missed events, channel_synced.
    void resumeChannel(const QString &channelId, qint64 lastSeq, qint64 maxGid);
    // The log position since which the channel's events reach this connection live.
    qint64 followedSince(const QString &channelId) const;
    void leaveChannel(const QJsonObject &f);
    void typingIndicator(const QJsonObject &f);
    void ping(const QJsonObject &f);
    void getOnlineUsers(const QJsonObject &f);
    void sendMessage(const QJsonObject &f);
    void postMessage(const ChatService::PostMessage &cmd, const QJsonValue &clientId);
    void editMessage(const QJsonObject &f);
    void deleteMessage(const QJsonObject &f);
    void addReaction(const QJsonObject &f);
    void removeReaction(const QJsonObject &f);
    void markRead(const QJsonObject &f);
    void setStatus(const QJsonObject &f);
    void syncMessages(const QJsonObject &f);

    // Reads a required string field; on failure sends the error and returns false.
    bool requireString(const QJsonObject &f, const char *key, const QString &errorCode, QString *out);
    bool requireChannel(const QJsonObject &f, const QString &errorCode, QString *out);
    void sendError(const QString &code, const QString &message, const QString &details = QString());
    void sendCoreError(const CoreError &e, const QString &fallback);
    std::function<void(const Result<Message> &)> messageAck(const QString &command, const QJsonValue &clientId);
    void send(const QByteArray &bytes, const QString &event, const QString &channelId = QString());

    // Channels followed after connect (joined or added later), and the log
    // position they were followed from; the others since followedSinceGid().
    QHash<QString, qint64> m_followedLater;
};

} // namespace switchboard
