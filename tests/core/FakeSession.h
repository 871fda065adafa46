#pragma once

#include "core/ChatEvent.h"
#include "core/Session.h"

#include <QList>
#include <QStringList>

#include <functional>

namespace switchboard {

// A Session without a transport: it records what the core delivers and how
// the core asked it to disconnect, so tests can assert on both.
class FakeSession : public Session
{
public:
    explicit FakeSession(const User &user, bool followsMemberships = true, QObject *parent = nullptr)
        : Session(QStringLiteral("fake"), QStringLiteral("test"), parent)
    {
        setUser(user);
        setFollowsMemberships(followsMemberships);
    }

    void deliver(const ChatEventPtr &event) override
    {
        events.append(event);
        if (onDeliver) onDeliver(event);
    }
    void disconnectWithReason(const QString &reason) override { disconnectReasons.append(reason); }
    void closeUnauthorized(AuthLoss why, const QString &reason) override
    {
        authLosses.append(why);
        disconnectReasons.append(reason);
    }

    QList<ChatEventPtr> ofType(ChatEvent::Type type) const
    {
        QList<ChatEventPtr> out;
        for (const ChatEventPtr &e : events)
            if (e->type == type) out.append(e);
        return out;
    }
    int count(ChatEvent::Type type) const { return int(ofType(type).size()); }

    QList<ChatEventPtr> events;
    QStringList disconnectReasons;
    QList<AuthLoss> authLosses; // closeUnauthorized() calls, in order
    std::function<void(const ChatEventPtr &)> onDeliver;
};

} // namespace switchboard
