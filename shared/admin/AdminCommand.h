#pragma once

#include "TrafficFilter.h"

#include <QJsonObject>
#include <QString>

namespace switchboard {

// A request from a console to the server. Every command carries an id that
// the server echoes in its result, so a console can match answers to asks.
struct AdminCommand
{
    enum class Kind { Disconnect, SystemMessage, RemoveFromChannel, DisableUser, SetTrafficFilter, DisconnectUser };

    static constexpr int MaxTextLength = 4000;  // system message text
    static constexpr int MaxReasonLength = 120; // fits a WebSocket close reason (123 bytes)

    QString id;
    Kind kind = Kind::Disconnect;
    QString connectionId;  // Disconnect
    QString node;          // Disconnect: the node holding it (optional: empty asks every node)
    QString userId;        // RemoveFromChannel, DisableUser, DisconnectUser
    QString channelId;     // SystemMessage (unless everyone), RemoveFromChannel
    QString text;          // SystemMessage: the text; Disconnect/DisableUser/DisconnectUser: the reason
    bool everyone = false; // SystemMessage to every channel
    TrafficFilter filter;  // SetTrafficFilter

    static QString kindName(Kind k);
    static bool parseKind(const QString &name, Kind *out);
    QString name() const { return kindName(kind); }

    QJsonObject toJson() const;
    // Validates shape and sizes; on refusal sets an AdminProtocol error code
    // and a sentence for people.
    static bool fromJson(const QJsonObject &o, AdminCommand *out, QString *errorCode, QString *errorMessage);

    static AdminCommand disconnect(const QString &connectionId, const QString &reason, const QString &node = QString());
    // Every session of the user, on every node of the cluster.
    static AdminCommand disconnectUser(const QString &userId, const QString &reason);
    static AdminCommand systemMessage(const QString &channelId, const QString &text);
    static AdminCommand systemMessageToEveryone(const QString &text);
    static AdminCommand removeFromChannel(const QString &userId, const QString &channelId);
    static AdminCommand disableUser(const QString &userId, const QString &reason);
    static AdminCommand setTrafficFilter(const TrafficFilter &filter);
};

} // namespace switchboard
