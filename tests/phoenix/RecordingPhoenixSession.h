#pragma once

#include "dialects/phoenix/PhoenixConnection.h"
#include "dialects/phoenix/PhoenixTransport.h"
#include "core/Session.h"

#include <QList>

namespace switchboard {

// A Phoenix socket without a network: frames go into a list, decoded back
// (vsn 2.0.0 arrays) so tests can assert on them.
class RecordingPhoenixSession : public Session, private PhoenixTransport
{
public:
    RecordingPhoenixSession(ChatService *chat, PhoenixPresenceHub *hub, const User &user,
                            const PhoenixConnection::Options &options = {})
        : Session(QStringLiteral("phoenix"), QStringLiteral("test"))
        , m_connection(chat, hub, this, this, options)
    {
        setUser(user);
    }

    PhoenixConnection &connection() { return m_connection; }
    void deliver(const ChatEventPtr &event) override { m_connection.deliver(event); }
    void disconnectWithReason(const QString &reason) override { closeReasons.append(reason); }

    // Text frames as sent, in order.
    QList<QByteArray> frames;
    QList<int> closeCodes;
    QStringList closeReasons;

    QList<PhoenixMessage> messages() const
    {
        QList<PhoenixMessage> out;
        const PhoenixCodec codec(m_connection.codec().serializer());
        for (const QByteArray &f : frames) out.append(codec.decodeText(f).message);
        return out;
    }
    QList<PhoenixMessage> withEvent(const QString &event) const
    {
        QList<PhoenixMessage> out;
        for (const PhoenixMessage &m : messages())
            if (m.event == event) out.append(m);
        return out;
    }
    // The reply to the push with this ref, or an invalid message.
    PhoenixMessage replyTo(const QString &ref) const
    {
        for (const PhoenixMessage &m : messages())
            if (m.event == PhoenixEvent::reply && m.ref == ref) return m;
        return {};
    }

private:
    void sendFrame(const QByteArray &frame, bool, const QString &, const QString &) override { frames.append(frame); }
    void closeTransport(int code, const QString &reason) override
    {
        closeCodes.append(code);
        closeReasons.append(reason);
    }

    PhoenixConnection m_connection;
};

} // namespace switchboard
