#pragma once

#include "Attachment.h"
#include "Channel.h"
#include "core/CoreError.h"
#include "Message.h"
#include "Reaction.h"
#include "User.h"
#include "Workspace.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>

namespace switchboard {

class Directory;

// Domain values in seed 000's JSON shapes, and the shapes of error replies.
// Pure functions: the directory is only read to name the people involved.
class PhoenixPayloads
{
public:
    static QJsonObject user(const User &u);                                  // {id, name, avatar_url}
    static QJsonObject userRef(const QString &userId, const Directory &dir); // {id, name}
    static QJsonObject channel(const Channel &c);
    static QJsonObject workspace(const Workspace &w);
    static QJsonObject attachment(const Attachment &a);
    static QJsonObject reaction(const Reaction &r, const Directory &dir);
    static QJsonObject message(const Message &m, const Directory &dir);
    // Deleted messages are left out: history shows what can still be read.
    static QJsonArray messages(const QList<Message> &list, const Directory &dir);
    static QJsonObject threadReply(const Message &m, const Directory &dir);
    static QJsonObject thread(const Message &parent, const QStringList &participants);
    static QJsonObject presenceMeta(const User &u, qint64 joinedAtMs, const QString &phxRef);

    // {reason, message} (+ retry_after for rate limits, + errors {field:[..]}
    // for validation). Seed 000 names the join refusal "Access denied".
    // The message is shown as given: send errors through PhoenixErrors,
    // which hides Internal text and counts them.
    static QJsonObject error(const CoreError &e);
    static QJsonObject joinError(const CoreError &e);
    static QJsonObject fieldErrors(const CoreError &e); // {field: [message]}
    static QString reasonFor(const CoreError &e);

    // Attachments as the seed sends them ({id, filename, content_type, url});
    // returns false (with *error) for anything that is not a list of objects.
    static bool parseAttachments(const QJsonValue &value, QList<Attachment> *out, QString *error);
};

} // namespace switchboard
