#include "SocketIoRecovery.h"

#include "core/ChatService.h"
#include "core/EventOutlet.h"
#include "core/ResumeManager.h"
#include "SocketIoNamespaceSession.h"

#include <QJsonDocument>
#include <QUuid>

namespace switchboard {

QString SocketIoRecovery::scope(const QString &nsp)
{
    return QStringLiteral("socketio:") + nsp;
}

QByteArray SocketIoRecovery::encodeState(const QHash<QString, qint64> &rooms)
{
    QJsonObject r;
    for (auto it = rooms.cbegin(); it != rooms.cend(); ++it) r.insert(it.key(), QString::number(it.value()));
    return QJsonDocument(QJsonObject{{QStringLiteral("rooms"), r}}).toJson(QJsonDocument::Compact);
}

bool SocketIoRecovery::decodeState(const QByteArray &state, QHash<QString, qint64> *rooms)
{
    const QJsonDocument doc = QJsonDocument::fromJson(state);
    if (!doc.isObject()) return false;
    const QJsonObject r = doc.object().value(QLatin1String("rooms")).toObject();
    for (auto it = r.constBegin(); it != r.constEnd(); ++it) {
        bool ok = false;
        const qint64 gid = it.value().toString().toLongLong(&ok);
        if (!ok || gid < 0) return false;
        rooms->insert(it.key(), gid);
    }
    return true;
}

bool SocketIoRecovery::parseOffset(const QJsonValue &offset, const QHash<QString, qint64> &rooms, qint64 now,
                                   qint64 *afterGid, qint64 *lastOffset)
{
    *lastOffset = 0;
    if (offset.isUndefined() || offset.isNull() || (offset.isString() && offset.toString().isEmpty())) {
        qint64 from = now;
        for (const qint64 gid : rooms) from = qMin(from, gid);
        *afterGid = from;
        return true;
    }
    if (!offset.isString()) return false;
    const QString text = offset.toString();
    for (const QChar c : text)
        if (!c.isDigit()) return false; // no sign, no spaces: a position we handed out
    bool ok = false;
    const qint64 gid = text.toLongLong(&ok);
    if (!ok || gid <= 0) return false;
    *afterGid = gid;
    *lastOffset = gid;
    return true;
}

bool SocketIoRecovery::connect(SocketIoNamespaceSession *session, ChatService *chat, const QJsonObject &auth)
{
    const QString pid = auth.value(QLatin1String("pid")).toString();
    if (!pid.isEmpty()) {
        ResumeManager *resume = chat->resume();
        const auto state = resume->loadSession(pid, session->userId(), scope(session->nsp()), WindowMs);
        QHash<QString, qint64> rooms;
        qint64 afterGid = 0, lastOffset = 0;
        if (state && decodeState(*state, &rooms)
            && parseOffset(auth.value(QLatin1String("offset")), rooms, chat->outlet()->publishedGid(), &afterGid,
                           &lastOffset)) {
            // Subscribed first, so live events that arrive during the replay
            // wait in the merge and follow it. A room the user may no longer
            // read is not restored.
            QHash<QString, qint64> restored;
            for (auto it = rooms.cbegin(); it != rooms.cend(); ++it)
                if (!chat->subscribe(session, it.key())) restored.insert(it.key(), it.value());
            const Result<ResumeManager::Outcome> r = resume->resumeRooms(session, restored, afterGid);
            if (r.ok() && r.value.recovered) {
                for (auto it = restored.cbegin(); it != restored.cend(); ++it)
                    session->restoreRoom(it.key(), it.value());
                session->setPid(pid, lastOffset, true);
                return true;
            }
            for (auto it = restored.cbegin(); it != restored.cend(); ++it) chat->unsubscribe(session, it.key());
        }
        // Not recoverable (expired, beyond retention, a bad offset): a fresh
        // session. Only the owner's attempt ends the old one.
        if (state) resume->dropSession(pid);
    }
    session->setPid(QUuid::createUuid().toString(QUuid::WithoutBraces), 0, false);
    return false;
}

} // namespace switchboard
