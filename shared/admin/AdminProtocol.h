#pragma once

#include "AdminMessage.h"

#include <QByteArray>
#include <QList>

namespace switchboard {

// The admin feed on /admin/ws: JSON text frames, each an object with a
// "type". The server sends snapshot (or snapshot_part), delta, traffic, result, audit and error;
// a console sends command. Encoding and decoding are pure functions so the
// server, the console and the tests share one definition of the wire.
class AdminProtocol
{
public:
    static constexpr int Version = 1;
    // Commands are small; anything bigger is refused before parsing.
    static constexpr qsizetype MaxCommandBytes = 64 * 1024;

    // Error codes (snake_case, as on every other wire of the project).
    static constexpr const char *ErrorUnauthorized = "unauthorized";
    static constexpr const char *ErrorBadJson = "bad_json";
    static constexpr const char *ErrorBadRequest = "bad_request";
    static constexpr const char *ErrorUnknownType = "unknown_type";
    static constexpr const char *ErrorUnknownCommand = "unknown_command";
    static constexpr const char *ErrorNotFound = "not_found";
    static constexpr const char *ErrorTooLarge = "too_large";
    static constexpr const char *ErrorRateLimited = "rate_limited";
    static constexpr const char *ErrorInternal = "internal";
    // Cluster actions: the node holding the connection is gone, or did not answer in time.
    static constexpr const char *ErrorNodeDown = "node_down";
    static constexpr const char *ErrorTimeout = "timeout";

    static QByteArray encodeSnapshot(const QList<ConnectionInfo> &connections, const QList<ChannelInfo> &channels,
                                     const ServerStats &stats, const TrafficFilter &filter, const QString &server,
                                     const QList<NodeInfo> *nodes = nullptr);
    // One slice of a snapshot too big for one frame: parts 0..n in order,
    // the last with `stats` (null in the others). A console assembles them
    // (AdminSnapshotAssembler) and applies the whole as one snapshot; the
    // server sends no delta between the parts of a snapshot.
    static QByteArray encodeSnapshotPart(int part, bool last, const QList<ConnectionInfo> &connections,
                                         const QList<ChannelInfo> &channels, const ServerStats *stats,
                                         const TrafficFilter &filter, const QString &server,
                                         const QList<NodeInfo> *nodes = nullptr);
    // stats may be null when only connections or channels changed; nodes is
    // null unless the cluster's node list changed (then it is the whole list).
    static QByteArray encodeDelta(const QList<ConnectionInfo> &changedConnections,
                                  const QStringList &removedConnections, const QList<ChannelInfo> &changedChannels,
                                  const QStringList &removedChannels, const ServerStats *stats,
                                  const QList<NodeInfo> *nodes = nullptr);
    static QByteArray encodeTraffic(const QList<TrafficEvent> &events, qint64 dropped);
    static QByteArray encodeResult(const AdminResult &result);
    static QByteArray encodeAudit(const AdminResult &result);
    static QByteArray encodeError(const QString &code, const QString &message);
    static QByteArray encodeCommand(const AdminCommand &command);

    // Decodes any message. On malformed input returns false with an error
    // code (ErrorBadJson, ErrorUnknownType, ErrorBadRequest, ...) and message.
    static bool decode(const QByteArray &data, AdminMessage *out, QString *errorCode = nullptr,
                       QString *errorMessage = nullptr);

    // What the server uses on console input: refuses oversized frames before
    // parsing them and anything that is not a command.
    static bool decodeCommand(const QByteArray &data, AdminCommand *out, QString *errorCode, QString *errorMessage);

    static QString typeName(AdminMessage::Type type);
};

} // namespace switchboard
