#pragma once

#include "core/CoreError.h"
#include "SocketIoPacket.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace switchboard {

// The one place where Socket.IO errors are made, for both namespaces. Every
// error a client sees (an `error` event with its ack, or a CONNECT_ERROR)
// comes from here, so each is counted once in Metrics::errors and an Internal
// error's text reaches the log, never the client.
class SocketIoErrors
{
public:
    // One failed command: the `error` event's payload and the ack's
    // {ok:false, error:{code, message, field?, retryAfter?}}.
    struct Command
    {
        QJsonObject event;
        QJsonObject ack;
    };
    // "/" (seed 001): {message, code, event, field?, retryAfter?}; "/chat"
    // (seed 002) adds `type` (authentication, authorization, rate_limit,
    // validation, server). prefix: seed 001's "Failed to send message",
    // which its recovery code looks for, goes before the message.
    static Command command(const QString &nsp, const QString &event, const CoreError &e,
                           const QString &prefix = QString());
    // A refused namespace CONNECT; message and data must already be safe to show.
    static SocketIoPacket connectRefused(const QString &nsp, const QString &message,
                                         const QJsonValue &data = QJsonValue(QJsonValue::Undefined));
    // What the client is told a core error was about.
    static QString publicMessage(const CoreError &e);
    // Seed 002's kind of error.
    static QString chatErrorType(const CoreError &e);
};

} // namespace switchboard
