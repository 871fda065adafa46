#pragma once

#include "ConnectionInfo.h"
#include "NodeInfo.h"

#include <QList>

#include <QByteArray>
#include <QString>

namespace switchboard {

// The wire of cross-node admin actions (ClusterControl): a request published
// to the target node's "sb:ctl:<node>" and its reply published back to the
// asker's. A connection list comes back as pages of rows (one PUBLISH each,
// never one blob). JSON, so it stays readable with redis-cli MONITOR. Also reads a
// node's lease JSON (NodeLease) into the admin feed's NodeInfo.
class ClusterControlCodec
{
public:
    struct Request
    {
        QString id;   // unique on the asking node: "<node>:<n>"
        QString from; // the asking node, where the reply goes
        QString op;   // "disconnect" (connectionId), "disconnect_user" (userId) or "list_connections"
        QString connectionId;
        QString userId;
        QString reason;
    };
    struct Reply
    {
        QString id;
        QString from; // the answering node
        bool ok = false;
        QString code; // AdminProtocol error code when !ok
        QString message;
        int count = 0; // sessions closed
    };
    // One page of a "list_connections" answer; pages go out in order on one
    // Redis connection, so they arrive in order.
    struct Page
    {
        QString id;
        QString from;
        int part = 0;
        bool last = false;
        QList<ConnectionInfo> rows;
    };
    struct Frame
    {
        enum class Kind { Invalid, Request, Reply, Page };
        Kind kind = Kind::Invalid;
        Request request;
        Reply reply;
        Page page;
    };

    static QByteArray encodeRequest(const Request &r);
    static QByteArray encodeReply(const Reply &r);
    static QByteArray encodePage(const Page &p);
    // Invalid for anything that is not a well-formed request or reply.
    static Frame decode(const QByteArray &bytes);
    // {"id","started","listen","connections"}: false if it is not JSON or has no id.
    static bool decodeLease(const QByteArray &json, NodeInfo *out);
};

} // namespace switchboard
