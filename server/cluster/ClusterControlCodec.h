#pragma once

#include "NodeInfo.h"

#include <QByteArray>
#include <QString>

namespace switchboard {

// The wire of cross-node admin actions (ClusterControl): a request published
// to the target node's "sb:ctl:<node>" and its reply published back to the
// asker's. JSON, so it stays readable with redis-cli MONITOR. Also reads a
// node's lease JSON (NodeLease) into the admin feed's NodeInfo.
class ClusterControlCodec
{
public:
    struct Request
    {
        QString id;   // unique on the asking node: "<node>:<n>"
        QString from; // the asking node, where the reply goes
        QString op;   // "disconnect" (connectionId) or "disconnect_user" (userId)
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
    struct Frame
    {
        enum class Kind { Invalid, Request, Reply };
        Kind kind = Kind::Invalid;
        Request request;
        Reply reply;
    };

    static QByteArray encodeRequest(const Request &r);
    static QByteArray encodeReply(const Reply &r);
    // Invalid for anything that is not a well-formed request or reply.
    static Frame decode(const QByteArray &bytes);
    // {"id","started","listen","connections"}: false if it is not JSON or has no id.
    static bool decodeLease(const QByteArray &json, NodeInfo *out);
};

} // namespace switchboard
