#pragma once

#include "core/ChatEvent.h"

#include <QByteArray>
#include <QJsonObject>
#include <QStringList>

namespace switchboard {

// What travels between nodes over Redis: a committed event in its log form
// (core/EventLogCodec: the message, reaction, actor and subject by id) plus its
// type, channel, seq, gid, time, status and topics, or a directory notice
// ("reload users/workspaces/channels"), or ClusterPresence's own frames. Receivers rebuild users and channels
// from their own directory. JSON, so it stays readable with redis-cli MONITOR.
class ClusterEventCodec
{
public:
    struct Frame
    {
        QString node;
        bool directory = false; // a notice: `kind` names what to re-read
        QString kind;
        QStringList ids;  // the changed rows of that kind; none: all of it
        qint64 token = 0; // a notice the sender waits to be acknowledged ("sb:ack:<node>"); 0: none
        QString type, channelId, status;
        qint64 seq = 0, gid = 0, at = 0;
        QByteArray payload; // EventLogCodec
        QStringList topics;
        // Presence ("p") or typing ("t") of ClusterPresence: `kind`, the whole frame in `body`.
        bool ephemeral = false;
        QJsonObject body;
        bool ok = false;
    };
    static QByteArray encodeEvent(const QString &node, const ChatEvent &e, const QStringList &topics);
    static QByteArray encodeNotice(const QString &node, const QString &kind, const QStringList &ids = {},
                                   qint64 token = 0);
    static Frame decode(const QByteArray &bytes);
};

} // namespace switchboard
