#pragma once

#include <QHash>
#include <QJsonObject>
#include <QString>

namespace switchboard {

class ChatService;
class SocketIoNamespaceSession;

// Socket.IO connection state recovery as the official client (>= 4.6) does it:
// the CONNECT answer carries a private session id `pid`; every logged event
// carries its log position (gid) as the last argument, a string, which the
// client keeps as its offset; on reconnect the client sends {pid, offset} in
// its CONNECT auth. The pid's rooms (each with the position it was entered at)
// live in the database (ResumeManager sessions), so a session is recovered
// after the server was killed too, which Socket.IO's own adapters cannot do.
class SocketIoRecovery
{
public:
    // How long a disconnected session can be recovered (Socket.IO's
    // maxDisconnectionDuration; its default is 2 minutes as well).
    static constexpr int WindowMs = 2 * 60 * 1000;

    // Right after attachSession, before the CONNECT answer: restores the session
    // named by auth.pid (its rooms, then the missed events over the next loop
    // passes) or gives the session a new pid. Returns whether it was recovered.
    static bool connect(SocketIoNamespaceSession *session, ChatService *chat, const QJsonObject &auth);

    static QString scope(const QString &nsp);
    static QByteArray encodeState(const QHash<QString, qint64> &rooms);
    static bool decodeState(const QByteArray &state, QHash<QString, qint64> *rooms);

private:
    // The client's offset: absent or "" (it never saw a logged event) means
    // from the rooms' own positions; anything but a decimal position is refused.
    static bool parseOffset(const QJsonValue &offset, const QHash<QString, qint64> &rooms, qint64 now, qint64 *afterGid,
                            qint64 *lastOffset);
};

} // namespace switchboard
