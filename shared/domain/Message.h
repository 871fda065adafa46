#pragma once

#include "Attachment.h"
#include "Reaction.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace switchboard {

struct Message
{
    QString id;
    QString channelId;
    QString userId;
    QString content;
    QString threadId;        // parent message id for thread replies
    QString replyToId;       // quoted message
    QString forwardedFromId; // original message of a forward
    QJsonObject metadata;
    QList<Attachment> attachments;
    QList<Reaction> reactions;
    QStringList mentions; // user ids mentioned with @username
    qint64 seq = 0;       // per-channel sequence: exact "what did I miss"
    qint64 createdAt = 0;
    qint64 editedAt = 0;
    qint64 deletedAt = 0;
    int replyCount = 0; // for thread parents
    qint64 lastReplyAt = 0;

    bool isValid() const { return !id.isEmpty(); }
    bool isDeleted() const { return deletedAt != 0; }
    qint64 updatedAt() const { return editedAt ? editedAt : createdAt; }
    QJsonObject toJson() const;
};

} // namespace switchboard
