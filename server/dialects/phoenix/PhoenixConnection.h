#pragma once

#include "core/ChatEvent.h"
#include "core/CoreError.h"
#include "PhoenixCodec.h"

#include <QHash>
#include <QJsonObject>
#include <QString>

#include <functional>

namespace switchboard {

class ChatService;
class PhoenixBroadcast;
class PhoenixPresenceHub;
class PhoenixTransport;
class Session;

// The Phoenix Channels protocol over any transport: join_ref bookkeeping,
// phx_join/phx_leave/heartbeat, seed 000's client events turned into core
// commands, and core events turned into seed 000's server events. One per
// socket (WebSocket or long-poll session), living exactly as long as it.
class PhoenixConnection
{
public:
    struct Options
    {
        PhoenixSerializer serializer = PhoenixSerializer::V2;
        PhoenixCodecLimits codecLimits;
        int maxChannels = 100; // Phoenix's default cap per socket
    };

    PhoenixConnection(ChatService *chat, PhoenixPresenceHub *hub, Session *session, PhoenixTransport *transport,
                      const Options &options);
    ~PhoenixConnection();
    PhoenixConnection(const PhoenixConnection &) = delete;
    PhoenixConnection &operator=(const PhoenixConnection &) = delete;

    void handleText(const QByteArray &frame);
    void handleBinary(const QByteArray &frame);
    void deliver(const ChatEventPtr &event);

    // From the presence hub.
    void sendBroadcast(const PhoenixBroadcast &broadcast);
    void onServerUnsubscribed(const QString &coreTopic);
    // The socket's token was revoked or its user disabled: phx_error {reason:
    // "unauthorized"} on every joined topic. The transport closes next.
    void pushUnauthorized(const QString &message);

    const PhoenixCodec &codec() const { return m_codec; }
    bool isJoined(const QString &topic) const { return m_joined.contains(topic); }

private:
    enum class Kind { Channel, Workspace };
    struct Joined
    {
        QString joinRef;
        Kind kind = Kind::Channel;
        QString id;        // channel or workspace id
        QString coreTopic; // "c:<id>" / "w:<id>"
    };
    using Handler = void (PhoenixConnection::*)(const PhoenixMessage &, const Joined &);
    static const QHash<QString, Handler> &channelHandlers();

    void handle(const PhoenixDecodeResult &result);
    void handleMessage(const PhoenixMessage &m);
    void join(const PhoenixMessage &m);
    void joinChannel(const PhoenixMessage &m, const QString &topic, const QString &joinRef, const QString &channelId);
    void joinedChannel(const PhoenixMessage &m, const Channel &channel, const QString &topic, const QString &joinRef);
    bool joinWorkspace(const PhoenixMessage &m, const QString &topic, const QString &joinRef,
                       const QString &workspaceId);
    void leave(const PhoenixMessage &m);
    void forget(const QString &topic, bool unsubscribe);
    bool isCurrent(const QString &topic, const QString &joinRef) const;

    // Seed 000 client events on channel:{id}.
    void sendMessage(const PhoenixMessage &m, const Joined &j);
    void editMessage(const PhoenixMessage &m, const Joined &j);
    void deleteMessage(const PhoenixMessage &m, const Joined &j);
    void typingStart(const PhoenixMessage &m, const Joined &j);
    void typingStop(const PhoenixMessage &m, const Joined &j);
    void addReaction(const PhoenixMessage &m, const Joined &j);
    void removeReaction(const PhoenixMessage &m, const Joined &j);
    void markRead(const PhoenixMessage &m, const Joined &j);
    void loadOlderMessages(const PhoenixMessage &m, const Joined &j);
    void startThread(const PhoenixMessage &m, const Joined &j);
    void typing(const PhoenixMessage &m, const Joined &j, bool on);

    // Output.
    void send(const PhoenixMessage &message, const QString &channelId = QString());
    void reply(const PhoenixMessage &request, const QString &status, const QJsonObject &response);
    void replyError(const PhoenixMessage &request, const CoreError &error);
    void push(const QString &topic, const QString &joinRef, const QString &event, const QJsonObject &payload);
    // A push to every joined socket of the event's topic, encoded once per event.
    void pushShared(const ChatEventPtr &event, const QString &topic, const QString &phxEvent,
                    const std::function<QJsonObject()> &payload);
    // thread_started / thread_updated: the parent with its thread summary.
    QJsonObject threadPayload(const Message &parent) const;
    // Reads a string field; false (after answering the push) when it is not one.
    bool stringField(const PhoenixMessage &m, const QString &key, bool required, QString *out,
                     const QString &errorEvent = QString());

    ChatService *m_chat;
    PhoenixPresenceHub *m_hub;
    Session *m_session;
    PhoenixTransport *m_transport;
    PhoenixCodec m_codec;
    Options m_options;
    QHash<QString, Joined> m_joined; // Phoenix topic -> current join
};

} // namespace switchboard
